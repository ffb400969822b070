//! What a member sees around an exchange, by the same rules the server
//! spends with: which expiry days an order draws from, what the balance
//! affords, and what points about to expire would still buy.

use chrono::NaiveDate;

use crate::api::{CatalogItem, LotInfo};
use crate::ledger::{Expiring, LedgerError, Lot, LotId, allocate};

/// Largest catalog picture, on the server and in the app.
pub const MAX_PICTURE_BYTES: usize = 512 * 1024;

/// The format of a catalog picture, by its signature: only raster formats,
/// since SVG or HTML could carry script into the app.
pub fn picture_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Most pieces of one item in one order (the server's limit too).
pub const MAX_QUANTITY: u32 = 10;

/// The points an order of `quantity` pieces costs; `None` outside 1 to
/// [`MAX_QUANTITY`] pieces.
pub fn order_points(item: &CatalogItem, quantity: u32) -> Option<i64> {
    if !(1..=MAX_QUANTITY).contains(&quantity) {
        return None;
    }
    item.points.checked_mul(i64::from(quantity))
}

/// Whether the member can order one piece now: in stock and within the
/// balance.
pub fn affordable(item: &CatalogItem, balance: i64) -> bool {
    item.stock > 0 && item.points <= balance
}

/// The points a spend of `points` on `today` takes from each expiry day,
/// soonest first, as [`allocate`] takes them on the server.
pub fn spend_by_expiry(
    lots: &[LotInfo],
    points: i64,
    today: NaiveDate,
) -> Result<Vec<Expiring>, LedgerError> {
    let lots: Vec<Lot> = (0u64..)
        .zip(lots)
        .map(|(i, lot)| Lot {
            id: LotId(i),
            granted_on: lot.granted_on,
            expires_on: lot.expires_on,
            granted: lot.remaining,
            remaining: lot.remaining,
        })
        .collect();
    let mut shares: Vec<Expiring> = Vec::new();
    for taken in allocate(&lots, points, today)? {
        let Some(lot) = usize::try_from(taken.lot.0).ok().and_then(|i| lots.get(i)) else {
            continue;
        };
        match shares.last_mut() {
            Some(last) if last.expires_on == lot.expires_on => last.points += taken.points,
            _ => shares.push(Expiring {
                expires_on: lot.expires_on,
                points: taken.points,
            }),
        }
    }
    Ok(shares)
}

/// The items (in stock) that `points` would buy one piece of, dearest
/// first: what the member could still get for points about to expire.
pub fn within_reach(items: &[CatalogItem], points: i64) -> Vec<&CatalogItem> {
    let mut found: Vec<&CatalogItem> = items
        .iter()
        .filter(|item| item.stock > 0 && item.points <= points)
        .collect();
    found.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.id.cmp(&b.id)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn item(id: &str, points: i64, stock: u32) -> CatalogItem {
        CatalogItem {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            points,
            stock,
            image_url: None,
        }
    }

    fn lot(granted_on: &str, expires_on: &str, remaining: i64) -> LotInfo {
        LotInfo {
            granted_on: day(granted_on),
            expires_on: day(expires_on),
            remaining,
        }
    }

    #[test]
    fn an_order_draws_the_soonest_expiring_points_first_by_day() {
        let lots = [
            lot("2026-05-01", "2028-03-31", 500),
            lot("2025-06-01", "2027-03-31", 300),
            lot("2025-09-01", "2027-03-31", 200),
            lot("2024-05-01", "2026-03-31", 900),
        ];
        let shares = spend_by_expiry(&lots, 700, day("2026-12-03")).unwrap();
        assert_eq!(
            shares,
            vec![
                Expiring {
                    expires_on: day("2027-03-31"),
                    points: 500
                },
                Expiring {
                    expires_on: day("2028-03-31"),
                    points: 200
                },
            ],
            "the lot expired in March is not usable; two lots of one day are one line"
        );
        assert_eq!(
            spend_by_expiry(&lots, 1001, day("2026-12-03")),
            Err(LedgerError::InsufficientPoints {
                requested: 1001,
                available: 1000
            })
        );
    }

    #[test]
    fn quantities_costs_and_reach() {
        let rice = item("rice", 4373, 30);
        assert_eq!(order_points(&rice, 2), Some(8746));
        assert_eq!(order_points(&rice, 0), None);
        assert_eq!(order_points(&rice, MAX_QUANTITY + 1), None);
        assert!(affordable(&rice, 4373));
        assert!(!affordable(&rice, 4372));
        assert!(!affordable(&item("towel", 10, 0), 1000), "out of stock");
        let items = [
            item("tea", 1200, 40),
            rice,
            item("towel", 10, 0),
            item("coffee", 1895, 5),
        ];
        let names: Vec<&str> = within_reach(&items, 2000)
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(names, ["coffee", "tea"]);
    }
}
