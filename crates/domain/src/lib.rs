//! Kenpo Desk's domain: the kenpo's rules and types, with no I/O.
