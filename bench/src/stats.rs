//! Medians of runs, with their spread, and percentiles of latencies.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The runs of one figure: their median, least and greatest.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Summary {
    /// `None` for no samples; NaNs are left out.
    pub fn of(samples: &[f64]) -> Option<Self> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|s| !s.is_nan()).collect();
        sorted.sort_by(f64::total_cmp);
        let (first, last) = (*sorted.first()?, *sorted.last()?);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Self {
            median,
            min: first,
            max: last,
            runs: n,
        })
    }

    /// A single measurement (a size, a count).
    pub fn one(value: f64) -> Self {
        Self {
            median: value,
            min: value,
            max: value,
            runs: 1,
        }
    }
}

/// The `q` quantile (0–1) of `latencies`, by the nearest rank, in ms.
pub fn quantile_ms(latencies: &mut [Duration], q: f64) -> f64 {
    if latencies.is_empty() {
        return f64::NAN;
    }
    latencies.sort_unstable();
    let rank = ((latencies.len() as f64) * q).ceil() as usize;
    let index = rank.clamp(1, latencies.len()) - 1;
    latencies[index].as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_runs() {
        let s = Summary::of(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.runs), (3.0, 1.0, 5.0, 3));
        let s = Summary::of(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!(s.median, 2.5);
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[f64::NAN]), None);
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let mut l: Vec<Duration> = (1..=100).rev().map(Duration::from_millis).collect();
        assert_eq!(quantile_ms(&mut l, 0.5), 50.0);
        assert_eq!(quantile_ms(&mut l, 0.99), 99.0);
        assert_eq!(quantile_ms(&mut l, 1.0), 100.0);
        assert!(quantile_ms(&mut [], 0.5).is_nan());
    }
}
