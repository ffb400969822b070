//! A checkups file: refused with line numbers or read, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("a day");
        if let Err(kenpo_insurer::csv_file::FileError(problems)) =
            kenpo_insurer::imports::parse_checkups(text, today)
        {
            assert!(!problems.is_empty(), "a refusal says why");
        }
    }
});
