//! The bulk writes of a records batch, per database. PostgreSQL takes one
//! array per column (`unnest`): one statement text whatever the batch's
//! size, prepared once per connection, and seven parameters instead of
//! seven per row. SQLite, which has no arrays, takes multi-row `VALUES`.

/// A record as stored, to upsert.
pub struct RecordRow {
    pub date: String,
    pub kind: &'static str,
    pub goal_id: i64,
    pub value: i64,
    pub updated_ms: i64,
    pub updated_at: String,
}

/// An Idempotency-Key's answer, kept with the feed in the same statement.
pub struct Kept<'a> {
    pub key: &'a str,
    pub request_hash: &'a str,
    pub response: &'a str,
}

/// The key of a record the upsert saved (new, or newer than the stored).
pub type SavedKey = (String, String, i64);

const UPSERT_TAIL: &str = " ON CONFLICT (account_id, date, kind, goal_id) DO UPDATE SET \
     value = excluded.value, updated_ms = excluded.updated_ms, updated_at = excluded.updated_at \
     WHERE records.updated_ms < excluded.updated_ms RETURNING date, kind, goal_id";

pub mod postgres {
    use super::{Kept, RecordRow, SavedKey, UPSERT_TAIL};

    /// Upserts `rows` (no key twice) for the account; answers what was saved.
    pub async fn upsert_records(
        conn: &mut sqlx::PgConnection,
        account_id: i64,
        rows: &[RecordRow],
    ) -> Result<Vec<SavedKey>, sqlx::Error> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "INSERT INTO records (account_id, date, kind, goal_id, value, updated_ms, updated_at) \
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], \
             $6::bigint[], $7::text[]){UPSERT_TAIL}"
        );
        sqlx::query_as(&sql)
            .bind(account_id)
            .bind(rows.iter().map(|r| r.date.as_str()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.kind).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.goal_id).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.value).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.updated_ms).collect::<Vec<_>>())
            .bind(
                rows.iter()
                    .map(|r| r.updated_at.as_str())
                    .collect::<Vec<_>>(),
            )
            .fetch_all(conn)
            .await
    }

    /// Writes feed entries `(seq, payload)` of the account, its feed's new
    /// number `seq` and an idempotent answer, in one statement.
    pub async fn close_feed(
        conn: &mut sqlx::PgConnection,
        account_id: i64,
        entries: &[(i64, String)],
        seq: i64,
        kept: Option<Kept<'_>>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "WITH written AS (INSERT INTO changes (account_id, seq, payload, created_at) \
             SELECT $1, seq, payload, $4 FROM unnest($2::bigint[], $3::text[]) AS e (seq, payload)), \
             kept AS (INSERT INTO idempotency_keys (account_id, key, request_hash, response, created_at) \
             SELECT $1, $6, $7, $8, $4 WHERE $6::text IS NOT NULL) \
             UPDATE accounts SET change_seq = $5 WHERE id = $1",
        )
        .bind(account_id)
        .bind(entries.iter().map(|(seq, _)| *seq).collect::<Vec<_>>())
        .bind(entries.iter().map(|(_, p)| p.as_str()).collect::<Vec<_>>())
        .bind(now)
        .bind(seq)
        .bind(kept.as_ref().map(|k| k.key))
        .bind(kept.as_ref().map(|k| k.request_hash))
        .bind(kept.as_ref().map(|k| k.response))
        .execute(conn)
        .await?;
        Ok(())
    }
}

pub mod sqlite {
    use super::{Kept, RecordRow, SavedKey, UPSERT_TAIL};

    /// Rows per statement: SQLite allows 32,766 parameters.
    const RECORD_ROWS_PER_INSERT: usize = 500;
    const FEED_ROWS_PER_INSERT: usize = 500;

    pub async fn upsert_records(
        conn: &mut sqlx::SqliteConnection,
        account_id: i64,
        rows: &[RecordRow],
    ) -> Result<Vec<SavedKey>, sqlx::Error> {
        let mut saved = Vec::new();
        for chunk in rows.chunks(RECORD_ROWS_PER_INSERT) {
            let mut insert: sqlx::QueryBuilder<'_, sqlx::Sqlite> = sqlx::QueryBuilder::new(
                "INSERT INTO records (account_id, date, kind, goal_id, value, updated_ms, updated_at) ",
            );
            insert.push_values(chunk, |mut row, r| {
                row.push_bind(account_id)
                    .push_bind(r.date.as_str())
                    .push_bind(r.kind)
                    .push_bind(r.goal_id)
                    .push_bind(r.value)
                    .push_bind(r.updated_ms)
                    .push_bind(r.updated_at.as_str());
            });
            insert.push(UPSERT_TAIL);
            saved.extend(insert.build_query_as().fetch_all(&mut *conn).await?);
        }
        Ok(saved)
    }

    pub async fn close_feed(
        conn: &mut sqlx::SqliteConnection,
        account_id: i64,
        entries: &[(i64, String)],
        seq: i64,
        kept: Option<Kept<'_>>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        if let Some(kept) = kept {
            sqlx::query(
                "INSERT INTO idempotency_keys (account_id, key, request_hash, response, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(account_id)
            .bind(kept.key)
            .bind(kept.request_hash)
            .bind(kept.response)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        for chunk in entries.chunks(FEED_ROWS_PER_INSERT) {
            let mut insert: sqlx::QueryBuilder<'_, sqlx::Sqlite> = sqlx::QueryBuilder::new(
                "INSERT INTO changes (account_id, seq, payload, created_at) ",
            );
            insert.push_values(chunk, |mut row, (seq, payload)| {
                row.push_bind(account_id)
                    .push_bind(*seq)
                    .push_bind(payload.as_str())
                    .push_bind(now);
            });
            insert.build().execute(&mut *conn).await?;
        }
        sqlx::query("UPDATE accounts SET change_seq = $1 WHERE id = $2")
            .bind(seq)
            .bind(account_id)
            .execute(conn)
            .await?;
        Ok(())
    }
}
