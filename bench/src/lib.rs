//! `cargo xtask bench`: each speed and memory figure of Kenpo Desk beside its
//! anchor, measured in the same run on the same machine, written as rows
//! ([`report::Row`]) that `bench-report` renders into `BENCHMARKS.md`.

pub mod insurer;
pub mod report;
pub mod stats;
