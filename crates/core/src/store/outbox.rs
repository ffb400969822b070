//! The member's own edits: saved at once, then sent in batches. A sent
//! batch is frozen under its Idempotency-Key (sent again unchanged until
//! the server answers); a newer edit of the same record waits in a new row.
//! A batch the server refuses as a whole is set aside: its records keep
//! their values here, marked with the insurer's reason, and the outbox
//! moves on, so one refusal never holds back every later edit.

use chrono::{DateTime, FixedOffset, NaiveDate};
use kenpo_domain::api::{Record, RecordResult, RecordStatus};
use kenpo_domain::entry::{EntryValue, GoalId, RecordKind};
use sqlx::Row;

use super::{LocalResult, LocalStore, RecordRow, day};

/// A record as the member sees it locally, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalRecord {
    pub record: Record,
    /// Saved on this PC and not yet accepted by the server.
    pub pending: bool,
    /// The server refused it (e.g. a day out of range): the insurer's code.
    pub rejected_code: Option<String>,
}

/// Edits sent together under one Idempotency-Key.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingBatch {
    pub key: String,
    pub records: Vec<Record>,
}

/// What marks a record refused: its key, and the edits not yet sent of
/// it (a newer edit clears the mark when it is saved).
const MARK_REFUSED: &str = "UPDATE records SET rejected_code = $1 \
     WHERE date = $2 AND kind = $3 AND goal_id = $4 \
     AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.batch_key IS NULL AND o.date = $2 \
                     AND o.kind = $3 AND o.goal_id = $4)";

impl LocalStore {
    /// Saves the member's edit of one record, with its outbox entry, in one
    /// transaction. A newer edit of a record not yet sent replaces the older.
    pub async fn save(
        &self,
        date: NaiveDate,
        value: EntryValue,
        updated_at: DateTime<FixedOffset>,
    ) -> LocalResult<()> {
        let (goal_id, number) = value.to_stored();
        let kind = value.kind().as_str();
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO records (date, kind, goal_id, value, updated_at, updated_ms, rejected_code) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL) \
             ON CONFLICT (date, kind, goal_id) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at, updated_ms = excluded.updated_ms, rejected_code = NULL",
        )
        .bind(day(date))
        .bind(kind)
        .bind(goal_id)
        .bind(number)
        .bind(updated_at.to_rfc3339())
        .bind(updated_at.timestamp_millis())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO outbox (date, kind, goal_id, value, updated_at, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (date, kind, goal_id) WHERE batch_key IS NULL DO UPDATE SET \
             value = excluded.value, updated_at = excluded.updated_at, updated_ms = excluded.updated_ms",
        )
        .bind(day(date))
        .bind(kind)
        .bind(goal_id)
        .bind(number)
        .bind(updated_at.to_rfc3339())
        .bind(updated_at.timestamp_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The member's records from `from` to `to`, with their sync state.
    pub async fn records_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> LocalResult<Vec<LocalRecord>> {
        let rows = sqlx::query(
            "SELECT r.date, r.kind, r.goal_id, r.value, r.updated_at, r.rejected_code, \
             EXISTS (SELECT 1 FROM outbox o WHERE o.date = r.date AND o.kind = r.kind \
                     AND o.goal_id = r.goal_id) AS pending \
             FROM records r WHERE r.date >= $1 AND r.date <= $2 ORDER BY r.date, r.kind, r.goal_id",
        )
        .bind(day(from))
        .bind(day(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LocalRecord {
                    record: <RecordRow as sqlx::FromRow<_>>::from_row(row)?.record()?,
                    pending: row.try_get::<i64, _>("pending")? != 0,
                    rejected_code: row.try_get("rejected_code")?,
                })
            })
            .collect()
    }

    /// Edits not yet accepted by the server.
    pub async fn pending(&self) -> LocalResult<i64> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Records the server refused, kept here with the reason.
    pub async fn refused(&self) -> LocalResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM records WHERE rejected_code IS NOT NULL")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The batch to send next: the one already sent (or about to be) if a
    /// previous run did not see its answer, so that it goes again under the
    /// same key and with the same body; else up to `max` waiting edits
    /// under a new key. `None` when there is nothing to send.
    pub async fn next_batch(&self, max: usize) -> LocalResult<Option<OutgoingBatch>> {
        let mut tx = self.write().await?;
        let open: Option<String> =
            sqlx::query_scalar("SELECT batch_key FROM outbox WHERE batch_key IS NOT NULL LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
        let key = match open {
            Some(key) => key,
            None => {
                let key = format!("kd-{}", hex::encode(rand::random::<[u8; 16]>()));
                let taken = sqlx::query(
                    "UPDATE outbox SET batch_key = $1 WHERE id IN \
                     (SELECT id FROM outbox WHERE batch_key IS NULL ORDER BY id LIMIT $2)",
                )
                .bind(&key)
                .bind(i64::try_from(max).unwrap_or(i64::MAX))
                .execute(&mut *tx)
                .await?;
                if taken.rows_affected() == 0 {
                    return Ok(None);
                }
                key
            }
        };
        let rows: Vec<RecordRow> = sqlx::query_as(
            "SELECT date, kind, goal_id, value, updated_at FROM outbox WHERE batch_key = $1 ORDER BY id",
        )
        .bind(&key)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let records = rows
            .into_iter()
            .map(RecordRow::record)
            .collect::<LocalResult<_>>()?;
        Ok(Some(OutgoingBatch { key, records }))
    }

    /// The server answered batch `key`: its edits leave the outbox; refused
    /// ones are marked with their error code.
    pub async fn batch_done(&self, key: &str, results: &[RecordResult]) -> LocalResult<()> {
        let mut tx = self.write().await?;
        for result in results {
            if result.status != RecordStatus::Rejected {
                continue;
            }
            let code = result
                .error
                .as_ref()
                .map_or("rejected", |e| e.code.as_str());
            mark_refused(&mut tx, code, result.date, result.kind, result.goal_id).await?;
        }
        sqlx::query("DELETE FROM outbox WHERE batch_key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The server refused batch `key` as a whole (`reason`: its code): the
    /// batch leaves the outbox, each of its records keeps its value here,
    /// marked refused, and the next batch can go.
    pub async fn batch_refused(&self, key: &str, reason: &str) -> LocalResult<usize> {
        let mut tx = self.write().await?;
        let rows: Vec<RecordRow> = sqlx::query_as(
            "SELECT date, kind, goal_id, value, updated_at FROM outbox WHERE batch_key = $1",
        )
        .bind(key)
        .fetch_all(&mut *tx)
        .await?;
        let count = rows.len();
        for row in rows {
            let record = row.record()?;
            mark_refused(&mut tx, reason, record.date, record.kind, record.goal_id).await?;
        }
        sqlx::query("DELETE FROM outbox WHERE batch_key = $1")
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(count)
    }
}

async fn mark_refused(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    code: &str,
    date: NaiveDate,
    kind: RecordKind,
    goal_id: Option<GoalId>,
) -> LocalResult<()> {
    sqlx::query(MARK_REFUSED)
        .bind(code)
        .bind(day(date))
        .bind(kind.as_str())
        .bind(goal_id.map_or(0, |g| g.0))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{at, d, scratch, steps};

    #[tokio::test]
    async fn a_sent_batch_is_sent_again_unchanged_and_new_edits_wait() {
        let (_dir, store) = scratch().await;
        store
            .save(d("2026-11-21"), steps(1), at("2026-11-22T10:00:00+09:00"))
            .await
            .unwrap();
        store
            .save(d("2026-11-22"), steps(2), at("2026-11-22T10:00:01+09:00"))
            .await
            .unwrap();
        let first = store.next_batch(10).await.unwrap().unwrap();
        assert_eq!(first.records.len(), 2);
        // An edit after the batch left: it waits, the batch stays as it was.
        store
            .save(d("2026-11-22"), steps(3), at("2026-11-22T10:00:02+09:00"))
            .await
            .unwrap();
        let again = store.next_batch(10).await.unwrap().unwrap();
        assert_eq!(again, first, "same key, same body");
        store.batch_done(&first.key, &[]).await.unwrap();
        let next = store.next_batch(10).await.unwrap().unwrap();
        assert_ne!(next.key, first.key);
        assert_eq!(next.records.len(), 1);
        assert_eq!(
            next.records[0].value,
            kenpo_domain::api::RecordValue::Number(3.0)
        );
        store.batch_done(&next.key, &[]).await.unwrap();
        assert_eq!(store.next_batch(10).await.unwrap(), None);
        assert_eq!(store.pending().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn a_refused_batch_is_set_aside_with_its_values_and_later_edits_go() {
        let (_dir, store) = scratch().await;
        store
            .save(d("2026-11-21"), steps(1), at("2026-11-22T10:00:00+09:00"))
            .await
            .unwrap();
        let refused = store.next_batch(10).await.unwrap().unwrap();
        // A later edit of another day waits behind the sent batch.
        store
            .save(d("2026-11-22"), steps(2), at("2026-11-22T10:00:01+09:00"))
            .await
            .unwrap();
        assert_eq!(
            store
                .batch_refused(&refused.key, "validation")
                .await
                .unwrap(),
            1
        );
        let next = store.next_batch(10).await.unwrap().unwrap();
        assert_ne!(next.key, refused.key, "the refused batch is not sent again");
        assert_eq!(next.records.len(), 1);
        assert_eq!(next.records[0].date, d("2026-11-22"));
        let kept = store
            .records_between(d("2026-11-21"), d("2026-11-21"))
            .await
            .unwrap();
        assert_eq!(kept.len(), 1, "the refused value is still on this PC");
        assert_eq!(kept[0].rejected_code.as_deref(), Some("validation"));
        assert!(!kept[0].pending);
        assert_eq!(store.refused().await.unwrap(), 1);
        // Editing the day again clears the mark and sends it anew.
        store
            .save(d("2026-11-21"), steps(5), at("2026-11-22T10:00:02+09:00"))
            .await
            .unwrap();
        assert_eq!(store.refused().await.unwrap(), 0);
    }
}
