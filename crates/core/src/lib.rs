//! Kenpo Desk's desktop core: everything the app does that is not window
//! chrome, including its background work. It knows nothing of Tauri, so it
//! can be tested and reused as plain Rust; the shell (`kenpo-desk`) only
//! adapts it to commands and events.
//!
//! - [`desk`]: the facade the shell calls: the profiles on this PC and what
//!   the screens ask of them.
//! - [`profiles`]: the list of profiles, their stable ids, PIN counts.
//! - [`lock`]: the profile in use and the app lock (one state machine).
//! - [`store`]: a profile's encrypted local database, outbox and feed mirror.
//! - [`keychain`]: the OS keychain, for database keys and session tokens
//!   (kept in memory where no keychain answers).
//! - [`keywrap`]: a database key wrapped with the member's passphrase, where
//!   no keychain answers.
//! - [`client`]: the insurer API over HTTP.
//! - [`session`]: tokens, refreshed one at a time.
//! - [`sync`]: one pass of push and pull that no bad item can stop.
//! - [`scheduler`]: the background sync and the events it sends.
//! - [`reminders`]: the background reminders (kenpo-domain decides).
//! - [`clock`]: a settable clock, for the end-to-end tests.
//! - [`views`]: what the screens show; [`history`]: what the 履歴 screens show.
//! - [`error`]: the one table of error codes; [`prefs`]: display preferences.

pub mod client;
pub mod clock;
pub mod desk;
pub mod error;
pub mod history;
pub mod keychain;
pub mod keywrap;
pub mod lock;
pub mod postal;
pub mod prefs;
pub mod profiles;
pub mod reminders;
pub mod scheduler;
pub mod session;
pub mod store;
pub mod sync;
pub mod views;

/// The insurer's error codes, as the UI sees them inside a command error.
pub use kenpo_domain::api::ErrorCode as ApiErrorCode;
