//! A catalog file: refused or read, and a picture name never leaves its folder.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(rows) = kenpo_insurer::imports::parse_catalog(text)
    {
        for row in rows {
            assert!(row.item.points > 0);
            if let Some(image) = &row.image {
                assert!(!image.contains("..") && !image.starts_with('/'), "{image}");
            }
        }
    }
});
