//! Days and measures as they come in: a date, a fiscal year, weight, height,
//! BMI, a reminder time. Never a panic; a fiscal year holds its days.
#![no_main]

use kenpo_domain::time::{FiscalYear, expiry_of_grant};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(day) = text.parse::<chrono::NaiveDate>() {
            let year = FiscalYear::of(day);
            assert!(year.first_day() <= day && day <= year.last_day());
            assert!(expiry_of_grant(day) > day);
        }
        let _ = text.parse::<FiscalYear>();
        let _ = text.parse::<kenpo_domain::entry::Weight>();
        let _ = text.parse::<kenpo_domain::health::Height>();
        let _ = text.parse::<kenpo_domain::health::Bmi>();
        let _ = text.parse::<kenpo_domain::reminder::DayTime>();
    }
});
