//! Kenpo Desk's desktop core: everything the app does that is not window
//! chrome. It knows nothing of Tauri, so it can be tested and reused as
//! plain Rust; the shell (`kenpo-desk`) only adapts it to commands.
//!
//! - [`prefs`]: display preferences, readable before any unlock.
//! - [`store`]: a member profile's encrypted local database and outbox.
//! - [`keychain`]: the OS keychain, for database keys and session tokens.
//! - [`client`]: the insurer API over HTTP.
//! - [`sync`]: pushes the outbox and pulls the change feed.

pub mod client;
pub mod keychain;
pub mod prefs;
pub mod store;
pub mod sync;
