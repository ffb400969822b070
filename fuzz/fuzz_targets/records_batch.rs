//! A records batch as the insurer receives it: JSON read, each record
//! checked by kenpo-domain's rules. Never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(batch) = serde_json::from_slice::<kenpo_domain::api::RecordsRequest>(data) {
        for record in &batch.records {
            let _ = record.entry();
        }
    }
});
