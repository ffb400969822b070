//! What every error of this crate has in common.
//!
//! Each error type is a `thiserror` enum (or struct) local to its module. All
//! of them implement [`Coded`]: a stable snake_case code that callers, logs
//! and the UI may match on, while the message is free text for people.
//! Messages name the rule that was broken and never repeat the rejected
//! value when it is a secret or health data (passwords, weights, steps).

/// An error with a stable, machine-readable code.
pub trait Coded {
    /// The stable snake_case code of this error. Codes are never renamed.
    fn code(&self) -> &'static str;
}

#[cfg(test)]
pub(crate) fn assert_snake_case(code: &str) {
    assert!(
        !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && !code.starts_with('_')
            && !code.ends_with('_'),
        "error code {code:?} must be snake_case"
    );
}
