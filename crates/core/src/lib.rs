//! Kenpo Desk's desktop core: everything the app does that is not window
//! chrome. It knows nothing of Tauri, so it can be tested and reused as
//! plain Rust; the shell (`kenpo-desk`) only adapts it to commands.
//!
//! - [`prefs`]: display preferences, readable before any unlock.
//! - [`store`]: a member profile's encrypted local database and outbox.
//! - [`keychain`]: the OS keychain, for database keys and session tokens.
//! - [`client`]: the insurer API over HTTP.
//! - [`sync`]: the session, and sync of the outbox and the change feed.
//! - [`desk`]: the profiles on this PC and what the screens ask of them.

pub mod client;
pub mod desk;
pub mod keychain;
pub mod prefs;
pub mod store;
pub mod sync;

/// The insurer's error codes, as the UI sees them inside a command error.
pub use kenpo_domain::api::ErrorCode as ApiErrorCode;
