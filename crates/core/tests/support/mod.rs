pub mod ten_years;
