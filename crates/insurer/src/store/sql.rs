//! [`SqliteStore`] and [`PostgresStore`]: the same SQL, compiled once for
//! each sqlx driver by [`sql_store!`]. The SQL is written to mean the same
//! on both (`$n` parameters in order, integer times, `RETURNING`,
//! `ON CONFLICT`); what differs is passed in: how a write transaction
//! starts (SQLite must take its write lock up front, `BEGIN IMMEDIATE`, or
//! two readers that both upgrade deadlock) and the row-lock suffix
//! PostgreSQL needs for read-then-write.

use async_trait::async_trait;
use chrono::NaiveDate;
use kenpo_domain::member::{Relationship, RosterRelationship, Sex};
use sqlx::Row;

use super::{
    Account, ImportSummary, NewAccount, Purpose, RefreshOutcome, RosterEntry, RosterPerson,
    SessionInfo, Store, StoreError, StoreResult, Token, TokenAttempt, TokenPair,
};

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

pub(super) fn parse_date(text: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| corrupt("date"))
}

fn parse_purpose(text: &str) -> StoreResult<Purpose> {
    Ok(match text {
        "registration" => Purpose::Registration,
        "confirmation" => Purpose::Confirmation,
        "setup" => Purpose::Setup,
        "password_reset" => Purpose::PasswordReset,
        _ => return Err(corrupt("token purpose")),
    })
}

/// Which unique constraint a failed insert hit, from the driver's error.
fn unique_violation_on(err: &sqlx::Error, column: &str) -> bool {
    match err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            db.constraint().is_some_and(|c| c.contains(column)) || db.message().contains(column)
        }
        _ => false,
    }
}

const ROSTER_COLUMNS: &str = "id, insurer_number, card_symbol, card_number, branch_number, \
     relationship, employee_number, family_name, given_name, birth_date, sex, active";
const ACCOUNT_COLUMNS: &str = "id, roster_id, login_id, password_hash, password_change_required, \
     kind, nickname, notification_email, created_at";
const TOKEN_COLUMNS: &str = "hash, purpose, email, roster_id, account_id, secret_hash, expires_at";

macro_rules! sql_store {
    ($store:ident, $db:ty, $pool:ty, $row:ty, begin_write: |$p:ident| $begin:expr, for_update: $for_update:literal, migrations: $migrations:literal) => {
        #[derive(Debug, Clone)]
        pub struct $store {
            pool: $pool,
        }

        impl $store {
            pub fn pool(&self) -> &$pool {
                &self.pool
            }

            pub(crate) async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, $db>> {
                let $p = &self.pool;
                Ok($begin.await?)
            }

            fn roster_row(row: &$row) -> StoreResult<RosterPerson> {
                let relationship: String = row.try_get("relationship")?;
                let sex: String = row.try_get("sex")?;
                let birth_date: String = row.try_get("birth_date")?;
                let active: i32 = row.try_get("active")?;
                Ok(RosterPerson {
                    id: row.try_get("id")?,
                    entry: RosterEntry {
                        insurer_number: row.try_get("insurer_number")?,
                        card_symbol: row.try_get("card_symbol")?,
                        card_number: row.try_get("card_number")?,
                        branch_number: row.try_get("branch_number")?,
                        relationship: relationship
                            .parse::<RosterRelationship>()
                            .map_err(|_| corrupt("roster relationship"))?,
                        employee_number: row.try_get("employee_number")?,
                        family_name: row.try_get("family_name")?,
                        given_name: row.try_get("given_name")?,
                        birth_date: parse_date(&birth_date)?,
                        sex: sex.parse::<Sex>().map_err(|_| corrupt("sex"))?,
                    },
                    active: active != 0,
                })
            }

            fn account_row(row: &$row) -> StoreResult<Account> {
                let kind: String = row.try_get("kind")?;
                let change: i32 = row.try_get("password_change_required")?;
                Ok(Account {
                    id: row.try_get("id")?,
                    roster_id: row.try_get("roster_id")?,
                    login_id: row.try_get("login_id")?,
                    password_hash: row.try_get("password_hash")?,
                    password_change_required: change != 0,
                    kind: kind.parse::<Relationship>().map_err(|_| corrupt("account kind"))?,
                    nickname: row.try_get("nickname")?,
                    notification_email: row.try_get("notification_email")?,
                    created_at: row.try_get("created_at")?,
                })
            }

            fn token_row(row: &$row) -> StoreResult<Token> {
                let purpose: String = row.try_get("purpose")?;
                Ok(Token {
                    hash: row.try_get("hash")?,
                    purpose: parse_purpose(&purpose)?,
                    email: row.try_get("email")?,
                    roster_id: row.try_get("roster_id")?,
                    account_id: row.try_get("account_id")?,
                    secret_hash: row.try_get("secret_hash")?,
                    expires_at: row.try_get("expires_at")?,
                })
            }

            async fn account_where(&self, clause: &str, value: AccountKey<'_>) -> StoreResult<Option<Account>> {
                let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {clause} = $1");
                let query = sqlx::query(&sql);
                let query = match value {
                    AccountKey::Id(id) => query.bind(id),
                    AccountKey::Text(text) => query.bind(text),
                };
                query.fetch_optional(&self.pool).await?.map(|r| Self::account_row(&r)).transpose()
            }
        }

        #[async_trait]
        impl Store for $store {
            async fn migrate(&self) -> StoreResult<()> {
                sqlx::migrate!($migrations).run(&self.pool).await?;
                Ok(())
            }

            async fn ping(&self) -> StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn close(&self) {
                self.pool.close().await;
            }

            async fn roster_import(&self, entries: &[RosterEntry], full: bool, now: i64) -> StoreResult<ImportSummary> {
                let mut tx = self.begin_write().await?;
                let mut summary = ImportSummary::default();
                let mut present = std::collections::HashSet::new();
                for e in entries {
                    let existing: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM roster WHERE insurer_number = $1 AND card_symbol = $2 \
                         AND card_number = $3 AND branch_number = $4",
                    )
                    .bind(&e.insurer_number)
                    .bind(&e.card_symbol)
                    .bind(&e.card_number)
                    .bind(&e.branch_number)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let birth = e.birth_date.format("%Y-%m-%d").to_string();
                    if let Some(id) = existing {
                        present.insert(id);
                    }
                    match existing {
                        Some(id) => {
                            sqlx::query(
                                "UPDATE roster SET relationship = $1, employee_number = $2, \
                                 family_name = $3, given_name = $4, birth_date = $5, sex = $6, \
                                 active = 1, left_at = NULL, updated_at = $7 WHERE id = $8",
                            )
                            .bind(e.relationship.as_str())
                            .bind(&e.employee_number)
                            .bind(&e.family_name)
                            .bind(&e.given_name)
                            .bind(&birth)
                            .bind(e.sex.as_str())
                            .bind(now)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                            summary.updated += 1;
                        }
                        None => {
                            sqlx::query(
                                "INSERT INTO roster (insurer_number, card_symbol, card_number, \
                                 branch_number, relationship, employee_number, family_name, \
                                 given_name, birth_date, sex, active, updated_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11)",
                            )
                            .bind(&e.insurer_number)
                            .bind(&e.card_symbol)
                            .bind(&e.card_number)
                            .bind(&e.branch_number)
                            .bind(e.relationship.as_str())
                            .bind(&e.employee_number)
                            .bind(&e.family_name)
                            .bind(&e.given_name)
                            .bind(&birth)
                            .bind(e.sex.as_str())
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                            summary.inserted += 1;
                        }
                    }
                }
                if full {
                    let active: Vec<i64> = sqlx::query_scalar("SELECT id FROM roster WHERE active = 1")
                        .fetch_all(&mut *tx)
                        .await?;
                    for id in active.into_iter().filter(|id| !present.contains(id)) {
                        sqlx::query("UPDATE roster SET active = 0, left_at = $1, updated_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        sqlx::query(
                            "UPDATE sessions SET ended_at = $1 WHERE ended_at IS NULL \
                             AND account_id IN (SELECT id FROM accounts WHERE roster_id = $2)",
                        )
                        .bind(now)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                        summary.removed += 1;
                    }
                }
                tx.commit().await?;
                Ok(summary)
            }

            async fn roster_get(&self, id: i64) -> StoreResult<Option<RosterPerson>> {
                let sql = format!("SELECT {ROSTER_COLUMNS} FROM roster WHERE id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                row.map(|r| Self::roster_row(&r)).transpose()
            }

            async fn roster_by_card(&self, symbol: &str, number: &str) -> StoreResult<Vec<RosterPerson>> {
                let sql = format!(
                    "SELECT {ROSTER_COLUMNS} FROM roster WHERE card_symbol = $1 AND card_number = $2 \
                     ORDER BY branch_number"
                );
                let rows = sqlx::query(&sql).bind(symbol).bind(number).fetch_all(&self.pool).await?;
                rows.iter().map(Self::roster_row).collect()
            }

            async fn roster_by_employee(&self, employee_number: &str) -> StoreResult<Option<RosterPerson>> {
                let sql = format!("SELECT {ROSTER_COLUMNS} FROM roster WHERE employee_number = $1");
                let row = sqlx::query(&sql).bind(employee_number).fetch_optional(&self.pool).await?;
                row.map(|r| Self::roster_row(&r)).transpose()
            }

            async fn account_create(&self, a: &NewAccount, now: i64) -> StoreResult<i64> {
                let inserted = sqlx::query_scalar(
                    "INSERT INTO accounts (roster_id, login_id, password_hash, \
                     password_change_required, kind, nickname, notification_email, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(a.roster_id)
                .bind(&a.login_id)
                .bind(&a.password_hash)
                .bind(i32::from(a.password_change_required))
                .bind(a.kind.as_str())
                .bind(&a.nickname)
                .bind(&a.notification_email)
                .bind(now)
                .fetch_one(&self.pool)
                .await;
                match inserted {
                    Ok(id) => Ok(id),
                    Err(err) if unique_violation_on(&err, "login_id") => Err(StoreError::LoginIdTaken),
                    Err(err) if unique_violation_on(&err, "roster_id") => {
                        Err(StoreError::AlreadyRegistered)
                    }
                    Err(err) => Err(err.into()),
                }
            }

            async fn account_get(&self, id: i64) -> StoreResult<Option<Account>> {
                self.account_where("id", AccountKey::Id(id)).await
            }

            async fn account_by_login(&self, login_id: &str) -> StoreResult<Option<Account>> {
                self.account_where("login_id", AccountKey::Text(login_id)).await
            }

            async fn account_by_roster(&self, roster_id: i64) -> StoreResult<Option<Account>> {
                self.account_where("roster_id", AccountKey::Id(roster_id)).await
            }

            async fn account_set_password(
                &self,
                id: i64,
                hash: &str,
                change_required: bool,
                keep: Option<i64>,
                now: i64,
            ) -> StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE accounts SET password_hash = $1, password_change_required = $2 WHERE id = $3",
                )
                .bind(hash)
                .bind(i32::from(change_required))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE sessions SET ended_at = $1 WHERE account_id = $2 AND ended_at IS NULL \
                     AND id <> $3",
                )
                .bind(now)
                .bind(id)
                .bind(keep.unwrap_or(-1))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn account_update_profile(
                &self,
                id: i64,
                nickname: Option<&str>,
                notification_email: Option<&str>,
            ) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE accounts SET nickname = COALESCE($1, nickname), \
                     notification_email = COALESCE($2, notification_email) WHERE id = $3",
                )
                .bind(nickname)
                .bind(notification_email)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn token_insert(&self, t: &Token, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO tokens (hash, purpose, email, roster_id, account_id, secret_hash, \
                     attempts, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)",
                )
                .bind(&t.hash)
                .bind(t.purpose.as_str())
                .bind(&t.email)
                .bind(t.roster_id)
                .bind(t.account_id)
                .bind(&t.secret_hash)
                .bind(t.expires_at)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn token_attempt(&self, hash: &str, max_attempts: u32, now: i64) -> StoreResult<TokenAttempt> {
                // One conditional UPDATE: the row lock (PostgreSQL) or the
                // single writer (SQLite) serialises racing attempts, and the
                // `attempts < max` guard makes the limit exact.
                let sql = format!(
                    "UPDATE tokens SET attempts = attempts + 1 WHERE hash = $1 AND used_at IS NULL \
                     AND expires_at > $2 AND attempts < $3 RETURNING attempts, {TOKEN_COLUMNS}"
                );
                let row = sqlx::query(&sql)
                    .bind(hash)
                    .bind(now)
                    .bind(i32::try_from(max_attempts).unwrap_or(i32::MAX))
                    .fetch_optional(&self.pool)
                    .await?;
                match row {
                    None => Ok(TokenAttempt::Unusable),
                    Some(row) => {
                        let attempt: i32 = row.try_get("attempts")?;
                        Ok(TokenAttempt::Counted {
                            token: Self::token_row(&row)?,
                            attempt: u32::try_from(attempt).map_err(|_| corrupt("attempts"))?,
                        })
                    }
                }
            }

            async fn token_use(&self, hash: &str, now: i64) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL AND expires_at > $3",
                )
                .bind(now)
                .bind(hash)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn tokens_void_for(&self, purpose: Purpose, roster_id: i64, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE tokens SET used_at = $1 WHERE purpose = $2 AND roster_id = $3 AND used_at IS NULL",
                )
                .bind(now)
                .bind(purpose.as_str())
                .bind(roster_id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn captcha_insert(&self, id: &str, answer: &str, expires_at: i64) -> StoreResult<()> {
                sqlx::query("INSERT INTO captchas (id, answer, expires_at) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(answer)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn captcha_take(&self, id: &str, now: i64) -> StoreResult<Option<String>> {
                let row: Option<(String, i64)> =
                    sqlx::query_as("DELETE FROM captchas WHERE id = $1 RETURNING answer, expires_at")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                // Old captchas are swept on the way: they are worthless.
                sqlx::query("DELETE FROM captchas WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(row.filter(|(_, expires_at)| *expires_at > now).map(|(answer, _)| answer))
            }

            async fn captcha_peek(&self, id: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT answer FROM captchas WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn session_create(&self, account_id: i64, pair: &TokenPair, now: i64) -> StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO sessions (account_id, created_at, last_used_at, expires_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(account_id)
                .bind(now)
                .bind(now)
                .bind(pair.refresh_expires_at)
                .fetch_one(&mut *tx)
                .await?;
                insert_pair(&mut tx, id, pair).await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn session_by_access(&self, access_hash: &str, now: i64) -> StoreResult<Option<(i64, Account)>> {
                // The account comes in the same round trip: every request
                // of a member starts here.
                let row = sqlx::query(
                    "SELECT s.id AS session_id, a.id, a.roster_id, a.login_id, a.password_hash, \
                     a.password_change_required, a.kind, a.nickname, a.notification_email, a.created_at \
                     FROM session_tokens t JOIN sessions s ON s.id = t.session_id \
                     JOIN accounts a ON a.id = s.account_id \
                     WHERE t.hash = $1 AND t.kind = 'access' AND t.expires_at > $2 AND s.ended_at IS NULL \
                     AND s.created_at > $3",
                )
                .bind(access_hash)
                .bind(now)
                .bind(now - crate::store::SESSION_LIFETIME_SECS)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|row| Ok((row.try_get("session_id")?, Self::account_row(&row)?)))
                    .transpose()
            }

            async fn session_refresh(&self, refresh_hash: &str, pair: &TokenPair, now: i64) -> StoreResult<RefreshOutcome> {
                let mut tx = self.begin_write().await?;
                let sql = concat!(
                    "SELECT t.session_id, t.used_at, t.expires_at, s.account_id, s.ended_at, s.created_at \
                     FROM session_tokens t JOIN sessions s ON s.id = t.session_id \
                     WHERE t.hash = $1 AND t.kind = 'refresh'",
                    $for_update
                );
                let found: Option<(i64, Option<i64>, i64, i64, Option<i64>, i64)> =
                    sqlx::query_as(sql).bind(refresh_hash).fetch_optional(&mut *tx).await?;
                let Some((session_id, used_at, expires_at, account_id, ended_at, created_at)) = found else {
                    return Ok(RefreshOutcome::Invalid);
                };
                // Refreshing keeps a session from going idle, never past its
                // absolute lifetime.
                let ends_at = created_at + crate::store::SESSION_LIFETIME_SECS;
                if ended_at.is_some() || expires_at <= now || ends_at <= now {
                    return Ok(RefreshOutcome::Invalid);
                }
                if used_at.is_some() {
                    // A stolen token and its owner both hold it now: end the session for both.
                    sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(session_id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    return Ok(RefreshOutcome::Reused);
                }
                sqlx::query("UPDATE session_tokens SET used_at = $1 WHERE hash = $2")
                    .bind(now)
                    .bind(refresh_hash)
                    .execute(&mut *tx)
                    .await?;
                // The old access token goes with the old refresh token.
                sqlx::query(
                    "DELETE FROM session_tokens WHERE session_id = $1 AND kind = 'access'",
                )
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE sessions SET last_used_at = $1, expires_at = $2 WHERE id = $3")
                    .bind(now)
                    .bind(pair.refresh_expires_at.min(ends_at))
                    .bind(session_id)
                    .execute(&mut *tx)
                    .await?;
                insert_pair(&mut tx, session_id, pair).await?;
                tx.commit().await?;
                Ok(RefreshOutcome::Rotated { session_id, account_id })
            }

            async fn session_end(&self, session_id: i64, now: i64) -> StoreResult<bool> {
                let done = sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
                    .bind(now)
                    .bind(session_id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn sessions_end_all(&self, account_id: i64, except: Option<i64>, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "UPDATE sessions SET ended_at = $1 WHERE account_id = $2 AND ended_at IS NULL \
                     AND id <> $3",
                )
                .bind(now)
                .bind(account_id)
                .bind(except.unwrap_or(-1))
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn sessions_of(&self, account_id: i64, now: i64) -> StoreResult<Vec<SessionInfo>> {
                let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
                    "SELECT id, account_id, created_at, last_used_at FROM sessions \
                     WHERE account_id = $1 AND ended_at IS NULL AND expires_at > $2 ORDER BY id",
                )
                .bind(account_id)
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, account_id, created_at, last_used_at)| SessionInfo {
                        id,
                        account_id,
                        created_at,
                        last_used_at,
                    })
                    .collect())
            }

            async fn throttle_hit(&self, key: &str, window: i64, now: i64) -> StoreResult<u32> {
                let start = now - now.rem_euclid(window);
                let hits: i32 = sqlx::query_scalar(
                    "INSERT INTO throttles (key, window_start, hits) VALUES ($1, $2, 1) \
                     ON CONFLICT (key) DO UPDATE SET \
                     hits = CASE WHEN throttles.window_start = excluded.window_start \
                            THEN throttles.hits + 1 ELSE 1 END, \
                     window_start = excluded.window_start \
                     RETURNING hits",
                )
                .bind(key)
                .bind(start)
                .fetch_one(&self.pool)
                .await?;
                Ok(u32::try_from(hits).unwrap_or(0))
            }

            async fn throttle_take(
                &self,
                key: &str,
                window: i64,
                limit: u32,
                now: i64,
            ) -> StoreResult<bool> {
                let start = now - now.rem_euclid(window);
                let taken: Option<i32> = sqlx::query_scalar(
                    "INSERT INTO throttles (key, window_start, hits) VALUES ($1, $2, 1) \
                     ON CONFLICT (key) DO UPDATE SET \
                     hits = CASE WHEN throttles.window_start = excluded.window_start \
                            THEN throttles.hits + 1 ELSE 1 END, \
                     window_start = excluded.window_start \
                     WHERE throttles.window_start <> excluded.window_start OR throttles.hits < $3 \
                     RETURNING hits",
                )
                .bind(key)
                .bind(start)
                .bind(i32::try_from(limit).unwrap_or(i32::MAX))
                .fetch_optional(&self.pool)
                .await?;
                Ok(taken.is_some() && limit > 0)
            }

            async fn throttle_hits(&self, key: &str, window: i64, now: i64) -> StoreResult<u32> {
                let start = now - now.rem_euclid(window);
                let hits: Option<i32> = sqlx::query_scalar(
                    "SELECT hits FROM throttles WHERE key = $1 AND window_start = $2",
                )
                .bind(key)
                .bind(start)
                .fetch_optional(&self.pool)
                .await?;
                Ok(hits.map_or(0, |h| u32::try_from(h).unwrap_or(0)))
            }

            async fn throttle_clear(&self, key: &str) -> StoreResult<()> {
                sqlx::query("DELETE FROM throttles WHERE key = $1").bind(key).execute(&self.pool).await?;
                Ok(())
            }

            async fn setting_get(&self, key: &str) -> StoreResult<Option<String>> {
                Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn setting_set(&self, key: &str, value: &str) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&self.pool)
                .await?;
                Ok(())
            }
        }

        async fn insert_pair(
            tx: &mut sqlx::Transaction<'static, $db>,
            session_id: i64,
            pair: &TokenPair,
        ) -> StoreResult<()> {
            for (hash, kind, expires_at) in [
                (&pair.access_hash, "access", pair.access_expires_at),
                (&pair.refresh_hash, "refresh", pair.refresh_expires_at),
            ] {
                sqlx::query(
                    "INSERT INTO session_tokens (hash, session_id, kind, expires_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(hash)
                .bind(session_id)
                .bind(kind)
                .bind(expires_at)
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }
    };
}

enum AccountKey<'a> {
    Id(i64),
    Text(&'a str),
}

mod sqlite {
    use super::*;

    sql_store!(
        SqliteStore,
        sqlx::Sqlite,
        sqlx::SqlitePool,
        sqlx::sqlite::SqliteRow,
        begin_write: |pool| pool.begin_with("BEGIN IMMEDIATE"),
        for_update: "",
        migrations: "migrations/sqlite"
    );

    impl SqliteStore {
        pub async fn connect(url: &str) -> StoreResult<Self> {
            use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
            use std::str::FromStr;
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                // Writers queue on the lock instead of failing at once.
                .busy_timeout(std::time::Duration::from_secs(10));
            // An in-memory database exists once per connection: keep one.
            let max = if url.contains(":memory:") { 1 } else { 8 };
            let pool = SqlitePoolOptions::new()
                .max_connections(max)
                .connect_with(options)
                .await?;
            Ok(Self { pool })
        }
    }
}

mod postgres {
    use super::*;

    sql_store!(
        PostgresStore,
        sqlx::Postgres,
        sqlx::PgPool,
        sqlx::postgres::PgRow,
        begin_write: |pool| pool.begin(),
        for_update: " FOR UPDATE OF t",
        migrations: "migrations/postgres"
    );

    impl PostgresStore {
        pub async fn connect(url: &str) -> StoreResult<Self> {
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(16)
                .connect(url)
                .await?;
            Ok(Self { pool })
        }
    }
}

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;
