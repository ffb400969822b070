//! A clock that can be set: the system clock moved by an offset. The
//! end-to-end tests set the app's clock with it (through a command that
//! only debug builds have); release builds run on the system clock alone.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use kenpo_domain::time::{Clock, SystemClock};

/// The system clock plus an offset; time keeps running from where it is set.
#[derive(Debug, Default)]
pub struct SettableClock {
    offset_ms: AtomicI64,
}

impl SettableClock {
    /// A clock standing at `instant` now, running on from there.
    pub fn starting_at(instant: DateTime<Utc>) -> Self {
        let clock = Self::default();
        clock.set(instant);
        clock
    }

    /// Moves the clock so that it reads `instant` now.
    pub fn set(&self, instant: DateTime<Utc>) {
        let offset = (instant - SystemClock.now()).num_milliseconds();
        self.offset_ms.store(offset, Ordering::SeqCst);
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        SystemClock.now() + chrono::Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_clock_reads_its_instant_and_runs_on() {
        let at = DateTime::parse_from_rfc3339("2026-12-02T12:29:50+09:00")
            .unwrap()
            .with_timezone(&Utc);
        let clock = SettableClock::starting_at(at);
        let read = clock.now();
        assert!(read >= at && read - at < chrono::Duration::seconds(5));
    }
}
