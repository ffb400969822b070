//! A page of the change feed as the desktop decodes it: any item it cannot
//! read is skipped, never the page, and never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<kenpo_core::client::ChangesPage>(data);
});
