//! Kenpo Desk's desktop core: everything the app does that is not window
//! chrome. It knows nothing of Tauri, so it can be tested and reused as
//! plain Rust; the shell (`kenpo-desk`) only adapts it to commands.
//!
//! Today it holds the member's display preferences ([`prefs`]).

pub mod prefs;
