//! A roster file as staff import it: any bytes are refused or read, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(entries) = kenpo_insurer::roster::parse(text)
    {
        for entry in entries {
            // What was read is what the rules take.
            assert!(entry.relationship.participant().is_some() || !entry.family_name.is_empty());
        }
    }
});
