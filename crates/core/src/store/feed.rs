//! What the server's change feed brings, mirrored here: records (the newer
//! edit wins), goals, the points ledger, checkups, exchanges and notices.
//!
//! A page is applied in one transaction with the cursor that follows it. An
//! item this client cannot use (a change type newer than it, or a record
//! outside its own rules) is skipped and counted, never the whole page:
//! one bad item must not stop sync for good.

use kenpo_domain::api::{Change, LedgerEntryInfo};
use kenpo_domain::entry::{Goal, GoalId, GoalLabel};

use super::{CURSOR, LocalResult, LocalStore, corrupt, day, parse_day, set_state};
use crate::client::FeedItem;

/// What applying a page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub applied: usize,
    /// Changes of a type this client does not know (a newer server).
    pub unknown: usize,
    /// Items this client cannot accept (unreadable, or against its rules).
    pub invalid: usize,
}

#[derive(sqlx::FromRow)]
struct LedgerRow {
    id: i64,
    date: String,
    code: String,
    points: i64,
    expires_on: Option<String>,
    note: Option<String>,
}

#[derive(sqlx::FromRow)]
struct GoalRow {
    id: i64,
    label: String,
    active: i64,
}

impl LocalStore {
    /// Applies a page of the change feed and moves the cursor to `cursor`,
    /// in one transaction: a crash before the commit leaves both as they
    /// were, and the page is simply read again.
    pub async fn apply_changes(&self, items: &[FeedItem], cursor: &str) -> LocalResult<Applied> {
        let mut done = Applied::default();
        let mut tx = self.write().await?;
        for item in items {
            let change = match item {
                FeedItem::Change(change) => change,
                FeedItem::Unknown { kind } => {
                    tracing::info!(%kind, "feed: a change type this version does not know, skipped");
                    done.unknown += 1;
                    continue;
                }
                FeedItem::Unreadable { kind } => {
                    tracing::warn!(%kind, "feed: an item that cannot be read, skipped");
                    done.invalid += 1;
                    continue;
                }
            };
            if apply_one(&mut tx, change).await? {
                done.applied += 1;
            } else {
                done.invalid += 1;
            }
        }
        set_state(&mut *tx, CURSOR, cursor).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// The balance as the mirrored ledger says.
    pub async fn balance(&self) -> LocalResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT COALESCE(SUM(points), 0) FROM ledger")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The mirrored ledger, newest first.
    pub async fn ledger(&self, limit: u32) -> LocalResult<Vec<LedgerEntryInfo>> {
        let rows: Vec<LedgerRow> = sqlx::query_as(
            "SELECT id, date, code, points, expires_on, note FROM ledger ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(LedgerEntryInfo {
                    id: row.id,
                    date: parse_day(&row.date)?,
                    code: kenpo_domain::points::RuleCode::parse(&row.code)
                        .map_err(|_| corrupt("rule code"))?,
                    points: row.points,
                    expires_on: row.expires_on.as_deref().map(parse_day).transpose()?,
                    note: row.note,
                })
            })
            .collect()
    }

    /// Replaces the mirrored goals with the server's list.
    pub async fn set_goals(&self, goals: &[Goal]) -> LocalResult<()> {
        let mut tx = self.write().await?;
        for goal in goals {
            upsert_goal(&mut tx, goal).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The member's goals, active first.
    pub async fn goals(&self) -> LocalResult<Vec<Goal>> {
        let rows: Vec<GoalRow> =
            sqlx::query_as("SELECT id, label, active FROM goals ORDER BY active DESC, id")
                .fetch_all(&self.pool)
                .await?;
        rows.into_iter()
            .map(|row| {
                Ok(Goal {
                    id: GoalId(row.id),
                    label: GoalLabel::parse(&row.label).map_err(|_| corrupt("goal label"))?,
                    active: row.active != 0,
                })
            })
            .collect()
    }

    /// Mirrored items of one kind (`checkup`, `exchange`, `notice`).
    pub async fn mirrored(&self, kind: &str) -> LocalResult<Vec<Change>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT payload FROM mirror WHERE kind = $1 ORDER BY key")
                .bind(kind)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|p| serde_json::from_str(p).map_err(|_| corrupt("mirrored item")))
            .collect()
    }
}

/// Applies one change; `false` when it breaks this client's rules and was
/// skipped (logged without its value: it may be health data).
async fn apply_one(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    change: &Change,
) -> LocalResult<bool> {
    match change {
        Change::Record(record) => {
            let value = match record.entry() {
                Ok(value) => value,
                Err(err) => {
                    tracing::warn!(
                        kind = record.kind.as_str(),
                        code = kenpo_domain::error::Coded::code(&err),
                        "feed: a record against this version's rules, skipped"
                    );
                    return Ok(false);
                }
            };
            let (goal_id, number) = value.to_stored();
            // The newer edit wins, here as on the server; a local edit
            // still waiting to go keeps its place.
            sqlx::query(
                "INSERT INTO records (date, kind, goal_id, value, updated_at, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (date, kind, goal_id) DO UPDATE SET value = excluded.value, \
                 updated_at = excluded.updated_at, updated_ms = excluded.updated_ms, \
                 rejected_code = NULL \
                 WHERE records.updated_ms < excluded.updated_ms",
            )
            .bind(day(record.date))
            .bind(record.kind.as_str())
            .bind(goal_id)
            .bind(number)
            .bind(record.updated_at.to_rfc3339())
            .bind(record.updated_at.timestamp_millis())
            .execute(&mut **tx)
            .await?;
        }
        Change::Goal(goal) => upsert_goal(tx, goal).await?,
        Change::Ledger(entry) => {
            sqlx::query(
                "INSERT INTO ledger (id, date, code, points, expires_on, note) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(entry.id)
            .bind(day(entry.date))
            .bind(entry.code.as_str())
            .bind(entry.points)
            .bind(entry.expires_on.map(day))
            .bind(&entry.note)
            .execute(&mut **tx)
            .await?;
        }
        Change::Checkup(checkup) => mirror(tx, "checkup", &day(checkup.date), change).await?,
        Change::Exchange(exchange) => {
            mirror(tx, "exchange", &exchange.exchange_id.to_string(), change).await?;
        }
        Change::Notice(notice) => mirror(tx, "notice", &notice.id.to_string(), change).await?,
    }
    Ok(true)
}

async fn upsert_goal(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    goal: &Goal,
) -> LocalResult<()> {
    sqlx::query(
        "INSERT INTO goals (id, label, active) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET label = excluded.label, active = excluded.active",
    )
    .bind(goal.id.0)
    .bind(goal.label.as_str())
    .bind(i64::from(goal.active))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn mirror(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    kind: &str,
    key: &str,
    change: &Change,
) -> LocalResult<()> {
    let payload = serde_json::to_string(change).map_err(|_| corrupt("change"))?;
    sqlx::query(
        "INSERT INTO mirror (kind, key, payload) VALUES ($1, $2, $3) \
         ON CONFLICT (kind, key) DO UPDATE SET payload = excluded.payload",
    )
    .bind(kind)
    .bind(key)
    .bind(payload)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use kenpo_domain::api::{Record, RecordValue};

    use super::super::tests::{at, d, scratch, steps};
    use super::*;
    use crate::client::ChangesPage;

    #[tokio::test]
    async fn the_newer_edit_wins_when_the_feed_brings_one() {
        let (_dir, store) = scratch().await;
        store
            .save(d("2026-11-22"), steps(100), at("2026-11-22T12:00:00+09:00"))
            .await
            .unwrap();
        let older = Record::from_entry(d("2026-11-22"), steps(50), at("2026-11-22T11:00:00+09:00"));
        let newer = Record::from_entry(d("2026-11-21"), steps(70), at("2026-11-22T11:00:00+09:00"));
        store
            .apply_changes(
                &[
                    FeedItem::Change(Change::Record(older)),
                    FeedItem::Change(Change::Record(newer)),
                ],
                "v1.2.0",
            )
            .await
            .unwrap();
        let records = store
            .records_between(d("2026-11-20"), d("2026-11-22"))
            .await
            .unwrap();
        let values: Vec<_> = records.iter().map(|r| r.record.value).collect();
        assert_eq!(
            values,
            [RecordValue::Number(70.0), RecordValue::Number(100.0)]
        );
        assert_eq!(store.cursor().await.unwrap().as_deref(), Some("v1.2.0"));
    }

    /// A page as a newer server could send it: a change type this client
    /// has never heard of, a record outside its rules (300,000 steps), an
    /// item of a known type that cannot be read, and good changes around them.
    const POISONED_PAGE: &str = r#"{
      "changes": [
        {"type": "record", "date": "2026-11-20", "kind": "steps", "value": 4000,
         "updated_at": "2026-11-20T20:00:00+09:00"},
        {"type": "badge", "id": 7, "name": "10,000 steps"},
        {"type": "record", "date": "2026-11-21", "kind": "steps", "value": 300000,
         "updated_at": "2026-11-21T20:00:00+09:00"},
        {"type": "ledger", "id": "not a number"},
        {"type": "ledger", "id": 1, "date": "2026-11-20", "code": "steps", "points": 10,
         "expires_on": "2028-03-31", "note": null},
        {"type": "record", "date": "2026-11-22", "kind": "weight", "value": 64.5,
         "updated_at": "2026-11-22T20:00:00+09:00"}
      ],
      "cursor": "v1.6.0",
      "has_more": false
    }"#;

    #[tokio::test]
    async fn a_page_with_an_unknown_type_and_an_invalid_record_applies_everything_else() {
        let (_dir, store) = scratch().await;
        let page: ChangesPage =
            serde_json::from_str(POISONED_PAGE).expect("a page with bad items still reads");
        let done = store
            .apply_changes(&page.changes, &page.cursor)
            .await
            .unwrap();
        assert_eq!(
            done,
            Applied {
                applied: 3,
                unknown: 1,
                invalid: 2
            }
        );
        let records = store
            .records_between(d("2026-11-01"), d("2026-11-30"))
            .await
            .unwrap();
        let kept: Vec<_> = records
            .iter()
            .map(|r| (r.record.date, r.record.value))
            .collect();
        assert_eq!(
            kept,
            [
                (d("2026-11-20"), RecordValue::Number(4000.0)),
                (d("2026-11-22"), RecordValue::Number(64.5)),
            ]
        );
        assert_eq!(store.balance().await.unwrap(), 10);
        assert_eq!(
            store.cursor().await.unwrap().as_deref(),
            Some("v1.6.0"),
            "the cursor moves past the bad items: they are not read again"
        );
    }
}
