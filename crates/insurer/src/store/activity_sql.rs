//! [`ActivityStore`] for both databases, from the same SQL (see `sql.rs`).
//!
//! Every member operation runs in one write transaction that starts by
//! touching the member's account row: on PostgreSQL that row lock
//! serialises the member's writes (their balance, their feed numbers) while
//! other members go on in parallel; on SQLite `BEGIN IMMEDIATE` serialises
//! all writers. Row locks are always taken member first, catalog item
//! second, so two transactions never wait on each other in a circle.

use std::collections::{BTreeMap, HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate};
use kenpo_domain::api::{
    Change, ErrorCode, ErrorDetail, ExchangeCreated, ExchangeInfo, ExchangeStatus, FaqEntry,
    InquiryCategory, InquiryRequest, LedgerEntryInfo, Notice, PointsGranted, Record, RecordResult,
    RecordStatus, RecordsResponse,
};
use kenpo_domain::entry::{EntryValue, Goal, GoalId, GoalLabel, RecordKind, Weight};
use kenpo_domain::health::{Bmi, Height};
use kenpo_domain::ledger::{LedgerError, Lot, LotId, allocate};
use kenpo_domain::points::{Grant, ReportKind, RuleCode};
use kenpo_domain::time::expiry_of_grant;

use super::activity::{
    ActivityStore, CheckupImport, CheckupResult, ExchangeOrder, ExpirySummary, FeedCursor,
    FeedPage, IdempotencyKey, NewExchange, NewReport, RecordItem, StoredInquiry,
};
use super::sql::{PostgresStore, SqliteStore, parse_date};
use super::{ImportSummary, StoreError, StoreResult};
use crate::clock::to_jst;

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn rule_code(text: &str) -> StoreResult<RuleCode> {
    RuleCode::parse(text).map_err(|_| corrupt("rule code"))
}

fn json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|_| corrupt("unserialisable value"))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|_| corrupt("stored JSON"))
}

fn record_from_row(
    (date, kind, goal_id, value, updated_at): (String, String, i64, i64, String),
) -> StoreResult<Record> {
    let bad = || corrupt("record");
    let entry = EntryValue::from_stored(&kind, goal_id, value).ok_or_else(bad)?;
    let updated_at = DateTime::parse_from_rfc3339(&updated_at).map_err(|_| bad())?;
    Ok(Record::from_entry(parse_date(&date)?, entry, updated_at))
}

fn exchange_status(text: &str) -> StoreResult<ExchangeStatus> {
    from_json(&format!("\"{text}\""))
}

fn status_str(status: ExchangeStatus) -> &'static str {
    match status {
        ExchangeStatus::Ordered => "ordered",
        ExchangeStatus::Shipped => "shipped",
        ExchangeStatus::Delivered => "delivered",
        ExchangeStatus::Cancelled => "cancelled",
    }
}

fn inquiry_category(text: &str) -> StoreResult<InquiryCategory> {
    from_json(&format!("\"{text}\""))
}

fn report_str(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::FluVaccine => "flu_vaccine",
        ReportKind::SecondaryExam => "secondary_exam",
    }
}

type ExchangeRow = (i64, String, String, i64, i64, String, i64, i64);
const EXCHANGE_COLUMNS: &str =
    "id, item_id, item_name, quantity, points_spent, status, ordered_at, updated_at";

fn exchange_info(
    (id, item_id, item_name, quantity, points_spent, status, ordered_at, updated_at): ExchangeRow,
) -> StoreResult<ExchangeInfo> {
    Ok(ExchangeInfo {
        exchange_id: id,
        item_id,
        item_name,
        quantity: u32::try_from(quantity).map_err(|_| corrupt("quantity"))?,
        points_spent,
        status: exchange_status(&status)?,
        ordered_at: to_jst(ordered_at),
        updated_at: to_jst(updated_at),
    })
}

type LedgerRow = (i64, String, String, i64, Option<String>, Option<String>);

fn ledger_info(
    (id, date, code, points, expires_on, note): LedgerRow,
) -> StoreResult<LedgerEntryInfo> {
    Ok(LedgerEntryInfo {
        id,
        date: parse_date(&date)?,
        code: rule_code(&code)?,
        points,
        expires_on: expires_on.as_deref().map(parse_date).transpose()?,
        note,
    })
}

type CheckupRow = (String, i32, i32, i32, i32, Option<i32>);

fn checkup_result(
    (date, height, weight, bmi, smoker, health_age): CheckupRow,
) -> StoreResult<CheckupResult> {
    let bad = || corrupt("checkup");
    Ok(CheckupResult {
        date: parse_date(&date)?,
        height: Height::from_mm(height).map_err(|_| bad())?,
        weight: Weight::from_hectograms(weight).map_err(|_| bad())?,
        bmi: u16::try_from(bmi)
            .ok()
            .and_then(|b| Bmi::from_tenths(b).ok())
            .ok_or_else(bad)?,
        smoker: smoker != 0,
        health_age: health_age
            .map(|a| u32::try_from(a).map_err(|_| bad()))
            .transpose()?,
    })
}

fn updated_ms(item: &RecordItem) -> i64 {
    match item {
        RecordItem::Valid { updated_at, .. } => updated_at.timestamp_millis(),
        RecordItem::Rejected(_) => i64::MIN,
    }
}

/// The outcome of a valid record.
fn record_result(
    item: &RecordItem,
    status: RecordStatus,
    error: Option<ErrorDetail>,
) -> RecordResult {
    match item {
        RecordItem::Rejected(result) => result.clone(),
        RecordItem::Valid { date, value, .. } => {
            let goal_id = value.to_stored().0;
            RecordResult {
                date: *date,
                kind: value.kind(),
                goal_id: (goal_id != 0).then_some(GoalId(goal_id)),
                status,
                error,
            }
        }
    }
}

/// A member's change feed inside a write transaction: entries are numbered
/// as they come and written together by `close_feed`.
struct Feed {
    account_id: i64,
    seq: i64,
    pending: Vec<(i64, String)>,
}

impl Feed {
    fn push(&mut self, change: &Change) -> StoreResult<()> {
        self.seq += 1;
        self.pending.push((self.seq, json(change)?));
        Ok(())
    }
}

/// A ledger line to write.
struct LedgerLine<'a> {
    date: NaiveDate,
    code: &'a str,
    points: i64,
    expires_on: Option<NaiveDate>,
    note: Option<&'a str>,
    lot_id: Option<i64>,
    exchange_id: Option<i64>,
}

macro_rules! activity_store {
    ($store:ident, $db:ty, bulk: $bulk:ident, for_update: $for_update:literal, lock_notices: $lock_notices:literal) => {
        type Tx = sqlx::Transaction<'static, $db>;

        /// Takes the member's row (see the module docs) and opens their feed
        /// at its current number; `NotFound` when there is no such account.
        async fn open_feed(tx: &mut Tx, account_id: i64) -> StoreResult<Feed> {
            // A row lock, not a write: `close_feed` writes the row once.
            // (SQLite's write transaction holds the whole database already.)
            let seq: Option<i64> = sqlx::query_scalar(concat!(
                "SELECT change_seq FROM accounts WHERE id = $1",
                $for_update
            ))
            .bind(account_id)
            .fetch_optional(&mut **tx)
            .await?;
            let seq = seq.ok_or(StoreError::NotFound)?;
            Ok(Feed { account_id, seq, pending: Vec::new() })
        }

        /// Writes the feed's new entries and its new number, in as few
        /// statements as the batch allows.
        async fn close_feed(tx: &mut Tx, feed: Feed, now: i64) -> StoreResult<()> {
            close_feed_keeping(tx, feed, None, "", now).await
        }

        /// [`close_feed`], keeping the answer to an Idempotency-Key with it.
        async fn close_feed_keeping(
            tx: &mut Tx,
            feed: Feed,
            key: Option<&IdempotencyKey>,
            response: &str,
            now: i64,
        ) -> StoreResult<()> {
            if feed.pending.is_empty() && key.is_none() {
                return Ok(());
            }
            let kept = key.map(|key| crate::store::bulk::Kept {
                key: &key.key,
                request_hash: &key.request_hash,
                response,
            });
            crate::store::bulk::$bulk::close_feed(&mut **tx, feed.account_id, &feed.pending, feed.seq, kept, now)
                .await?;
            Ok(())
        }

        /// The stored answer for a key, if this key was used before; a
        /// conflict when it came with another body.
        async fn idempotent_answer(
            tx: &mut Tx,
            account_id: i64,
            key: Option<&IdempotencyKey>,
        ) -> StoreResult<Option<String>> {
            let Some(key) = key else { return Ok(None) };
            let found: Option<(String, String)> = sqlx::query_as(
                "SELECT request_hash, response FROM idempotency_keys WHERE account_id = $1 AND key = $2",
            )
            .bind(account_id)
            .bind(&key.key)
            .fetch_optional(&mut **tx)
            .await?;
            match found {
                None => Ok(None),
                Some((hash, response)) if hash == key.request_hash => Ok(Some(response)),
                Some(_) => Err(StoreError::IdempotencyConflict),
            }
        }

        async fn write_ledger(
            tx: &mut Tx,
            feed: &mut Feed,
            line: LedgerLine<'_>,
            now: i64,
        ) -> StoreResult<LedgerEntryInfo> {
            let account_id = feed.account_id;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO ledger (account_id, date, code, points, expires_on, note, lot_id, \
                 exchange_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(account_id)
            .bind(day(line.date))
            .bind(line.code)
            .bind(line.points)
            .bind(line.expires_on.map(day))
            .bind(line.note)
            .bind(line.lot_id)
            .bind(line.exchange_id)
            .bind(now)
            .fetch_one(&mut **tx)
            .await?;
            let entry = LedgerEntryInfo {
                id,
                date: line.date,
                code: rule_code(line.code)?,
                points: line.points,
                expires_on: line.expires_on,
                note: line.note.map(str::to_owned),
            };
            feed.push(&Change::Ledger(entry.clone()))?;
            Ok(entry)
        }

        /// The grants of `codes` whose activity was on `date`.
        async fn grants_dated(
            tx: &mut Tx,
            account_id: i64,
            date: NaiveDate,
            codes: &[RuleCode],
        ) -> StoreResult<Vec<PointsGranted>> {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT code, points FROM grants WHERE account_id = $1 AND activity_date = $2 \
                 ORDER BY code",
            )
            .bind(account_id)
            .bind(day(date))
            .fetch_all(&mut **tx)
            .await?;
            Ok(rows
                .into_iter()
                .filter_map(|(code, points)| {
                    let code = codes.iter().find(|c| c.as_str() == code)?.clone();
                    Some(PointsGranted { date, code, points })
                })
                .collect())
        }

        /// Makes each grant whose (member, rule, period) is new: the primary
        /// key of `grants` refuses the second, even from another process.
        async fn apply_grants(
            tx: &mut Tx,
            feed: &mut Feed,
            grants: &[Grant],
            note: Option<&str>,
            now: i64,
        ) -> StoreResult<Vec<Grant>> {
            let account_id = feed.account_id;
            let mut made = Vec::new();
            for grant in grants {
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO grants (account_id, code, period, activity_date, points, granted_on, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (account_id, code, period) DO NOTHING RETURNING points",
                )
                .bind(account_id)
                .bind(grant.code.as_str())
                .bind(grant.period.to_string())
                .bind(day(grant.activity_date))
                .bind(grant.points)
                .bind(day(grant.granted_on))
                .bind(now)
                .fetch_optional(&mut **tx)
                .await?;
                if inserted.is_none() {
                    continue;
                }
                let expires_on = expiry_of_grant(grant.granted_on);
                let lot_id: i64 = sqlx::query_scalar(
                    "INSERT INTO lots (account_id, granted_on, expires_on, granted, remaining) \
                     VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(account_id)
                .bind(day(grant.granted_on))
                .bind(day(expires_on))
                .bind(grant.points)
                .fetch_one(&mut **tx)
                .await?;
                write_ledger(
                    tx,
                    feed,
                    LedgerLine {
                        date: grant.granted_on,
                        code: grant.code.as_str(),
                        points: grant.points,
                        expires_on: Some(expires_on),
                        note,
                        lot_id: Some(lot_id),
                        exchange_id: None,
                    },
                    now,
                )
                .await?;
                made.push(grant.clone());
            }
            Ok(made)
        }

        async fn member_lots(tx: &mut Tx, account_id: i64) -> StoreResult<Vec<Lot>> {
            let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
                "SELECT id, granted_on, expires_on, granted, remaining FROM lots \
                 WHERE account_id = $1 AND remaining > 0 ORDER BY id",
            )
            .bind(account_id)
            .fetch_all(&mut **tx)
            .await?;
            rows.into_iter()
                .map(|(id, granted_on, expires_on, granted, remaining)| {
                    Ok(Lot {
                        id: LotId(u64::try_from(id).map_err(|_| corrupt("lot id"))?),
                        granted_on: parse_date(&granted_on)?,
                        expires_on: parse_date(&expires_on)?,
                        granted,
                        remaining,
                    })
                })
                .collect()
        }

        fn lot_row_id(lot: LotId) -> StoreResult<i64> {
            i64::try_from(lot.0).map_err(|_| corrupt("lot id"))
        }

        /// Empties the member's lots that are no longer usable on `today`.
        /// Empties the member's lots that are no longer usable on `today`:
        /// one ledger line per expiry day, however many lots it held.
        async fn expire_member(tx: &mut Tx, feed: &mut Feed, today: NaiveDate, now: i64) -> StoreResult<i64> {
            let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
            for lot in member_lots(tx, feed.account_id).await? {
                if lot.is_usable_on(today) {
                    continue;
                }
                sqlx::query("UPDATE lots SET remaining = 0 WHERE id = $1")
                    .bind(lot_row_id(lot.id)?)
                    .execute(&mut **tx)
                    .await?;
                *per_day.entry(lot.expires_on).or_default() += lot.remaining;
            }
            for (expires_on, points) in &per_day {
                let line = LedgerLine {
                    date: today,
                    code: "expiry",
                    points: -points,
                    expires_on: Some(*expires_on),
                    note: None,
                    lot_id: None,
                    exchange_id: None,
                };
                write_ledger(tx, feed, line, now).await?;
            }
            Ok(per_day.values().sum())
        }

        async fn balance(tx: &mut Tx, account_id: i64) -> StoreResult<i64> {
            Ok(sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM ledger WHERE account_id = $1",
            )
            .bind(account_id)
            .fetch_one(&mut **tx)
            .await?)
        }

        async fn read_exchange(tx: &mut Tx, exchange_id: i64) -> StoreResult<ExchangeInfo> {
            let sql = format!("SELECT {EXCHANGE_COLUMNS} FROM exchanges WHERE id = $1");
            let row: ExchangeRow = sqlx::query_as(&sql).bind(exchange_id).fetch_one(&mut **tx).await?;
            exchange_info(row)
        }

        #[async_trait]
        impl ActivityStore for $store {
            async fn goals_of(&self, account_id: i64) -> StoreResult<Vec<Goal>> {
                let rows: Vec<(i64, String, i32)> = sqlx::query_as(
                    "SELECT id, label, active FROM goals WHERE account_id = $1 \
                     ORDER BY active DESC, position, id",
                )
                .bind(account_id)
                .fetch_all(self.pool())
                .await?;
                rows.into_iter()
                    .map(|(id, label, active)| {
                        Ok(Goal {
                            id: GoalId(id),
                            label: GoalLabel::parse(&label).map_err(|_| corrupt("goal label"))?,
                            active: active != 0,
                        })
                    })
                    .collect()
            }

            async fn goals_replace(
                &self,
                account_id: i64,
                goals: &[(Option<GoalId>, GoalLabel)],
                now: i64,
            ) -> StoreResult<Vec<Goal>> {
                let mut tx = self.begin_write().await?;
                let mut feed = open_feed(&mut tx, account_id).await?;
                let before: Vec<(i64, String, i32)> = sqlx::query_as(
                    "SELECT id, label, active FROM goals WHERE account_id = $1",
                )
                .bind(account_id)
                .fetch_all(&mut *tx)
                .await?;
                let mut kept = Vec::new();
                for (position, (id, label)) in goals.iter().enumerate() {
                    let position = i32::try_from(position).map_err(|_| StoreError::NotFound)?;
                    let id = match id {
                        Some(id) => {
                            let Some((_, old_label, old_active)) =
                                before.iter().find(|(known, _, _)| *known == id.0)
                            else {
                                return Err(StoreError::NotFound);
                            };
                            sqlx::query(
                                "UPDATE goals SET label = $1, active = 1, position = $2, updated_at = $3 \
                                 WHERE id = $4",
                            )
                            .bind(label.as_str())
                            .bind(position)
                            .bind(now)
                            .bind(id.0)
                            .execute(&mut *tx)
                            .await?;
                            if old_label != label.as_str() || *old_active == 0 {
                                let goal = Goal { id: *id, label: label.clone(), active: true };
                                feed.push(&Change::Goal(goal))?;
                            }
                            id.0
                        }
                        None => {
                            let id: i64 = sqlx::query_scalar(
                                "INSERT INTO goals (account_id, label, active, position, updated_at) \
                                 VALUES ($1, $2, 1, $3, $4) RETURNING id",
                            )
                            .bind(account_id)
                            .bind(label.as_str())
                            .bind(position)
                            .bind(now)
                            .fetch_one(&mut *tx)
                            .await?;
                            let goal = Goal { id: GoalId(id), label: label.clone(), active: true };
                            feed.push(&Change::Goal(goal))?;
                            id
                        }
                    };
                    kept.push(id);
                }
                for (id, label, active) in &before {
                    if *active != 0 && !kept.contains(id) {
                        sqlx::query("UPDATE goals SET active = 0, updated_at = $1 WHERE id = $2")
                            .bind(now)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        let goal = Goal {
                            id: GoalId(*id),
                            label: GoalLabel::parse(label).map_err(|_| corrupt("goal label"))?,
                            active: false,
                        };
                        feed.push(&Change::Goal(goal))?;
                    }
                }
                close_feed(&mut tx, feed, now).await?;
                tx.commit().await?;
                self.goals_of(account_id).await
            }

            async fn records_write(
                &self,
                account_id: i64,
                items: &[RecordItem],
                idempotency: Option<&IdempotencyKey>,
                now: i64,
            ) -> StoreResult<RecordsResponse> {
                let mut tx = self.begin_write().await?;
                let mut feed = open_feed(&mut tx, account_id).await?;
                if let Some(answer) = idempotent_answer(&mut tx, account_id, idempotency).await? {
                    return from_json(&answer);
                }
                // Goals are read only for a batch that has goal records.
                let has_goals = items.iter().any(|item| {
                    matches!(item, RecordItem::Valid { value, .. } if value.kind() == RecordKind::Goal)
                });
                let goals: Vec<i64> = if has_goals {
                    sqlx::query_scalar("SELECT id FROM goals WHERE account_id = $1")
                        .bind(account_id)
                        .fetch_all(&mut *tx)
                        .await?
                } else {
                    Vec::new()
                };
                // Judge every record first; then one upsert statement per
                // chunk (a record is a row, not a round trip).
                let mut results: Vec<Option<RecordResult>> = vec![None; items.len()];
                let mut newest: HashMap<(NaiveDate, RecordKind, i64), usize> = HashMap::new();
                for (i, item) in items.iter().enumerate() {
                    let (date, value, updated_at) = match item {
                        RecordItem::Rejected(result) => {
                            results[i] = Some(result.clone());
                            continue;
                        }
                        RecordItem::Valid { date, value, updated_at, .. } => (*date, *value, updated_at),
                    };
                    let (goal_id, _) = value.to_stored();
                    if value.kind() == RecordKind::Goal && !goals.contains(&goal_id) {
                        let error = ErrorDetail::new(ErrorCode::NotFound, "this member has no such goal")
                            .with_field("goal_id");
                        results[i] = Some(record_result(item, RecordStatus::Rejected, Some(error)));
                        continue;
                    }
                    // The same record twice in one batch: the newer one goes on.
                    let key = (date, value.kind(), goal_id);
                    match newest.get(&key).copied() {
                        Some(j) if updated_ms(&items[j]) >= updated_at.timestamp_millis() => {
                            results[i] = Some(record_result(item, RecordStatus::Stale, None));
                        }
                        Some(j) => {
                            results[j] = Some(record_result(&items[j], RecordStatus::Stale, None));
                            newest.insert(key, i);
                        }
                        None => {
                            newest.insert(key, i);
                        }
                    }
                }
                let mut candidates: Vec<usize> = newest.into_values().collect();
                candidates.sort_unstable();
                let rows: Vec<crate::store::bulk::RecordRow> = candidates
                    .iter()
                    .filter_map(|&i| match &items[i] {
                        RecordItem::Valid { date, value, updated_at, .. } => {
                            let (goal_id, stored) = value.to_stored();
                            Some(crate::store::bulk::RecordRow {
                                date: day(*date),
                                kind: value.kind().as_str(),
                                goal_id,
                                value: stored,
                                updated_ms: updated_at.timestamp_millis(),
                                updated_at: updated_at.to_rfc3339(),
                            })
                        }
                        RecordItem::Rejected(_) => None,
                    })
                    .collect();
                let saved: HashSet<crate::store::bulk::SavedKey> =
                    crate::store::bulk::$bulk::upsert_records(&mut *tx, account_id, &rows)
                        .await?
                        .into_iter()
                        .collect();
                let mut granted = Vec::new();
                for i in candidates {
                    let RecordItem::Valid { date, value, updated_at, grants } = &items[i] else {
                        continue;
                    };
                    let key = (day(*date), value.kind().as_str().to_owned(), value.to_stored().0);
                    if !saved.contains(&key) {
                        results[i] = Some(record_result(&items[i], RecordStatus::Stale, None));
                        continue;
                    }
                    feed.push(&Change::Record(Record::from_entry(*date, *value, *updated_at)))?;
                    granted.extend(apply_grants(&mut tx, &mut feed, grants, None, now).await?);
                    results[i] = Some(record_result(&items[i], RecordStatus::Accepted, None));
                }
                let results = results
                    .into_iter()
                    .map(|r| r.ok_or_else(|| corrupt("a record without an outcome")))
                    .collect::<StoreResult<Vec<_>>>()?;
                let response = RecordsResponse {
                    results,
                    points_granted: granted.iter().map(PointsGranted::from).collect(),
                };
                close_feed_keeping(&mut tx, feed, idempotency, &json(&response)?, now).await?;
                tx.commit().await?;
                Ok(response)
            }

            async fn records_between(
                &self,
                account_id: i64,
                from: NaiveDate,
                to: NaiveDate,
            ) -> StoreResult<Vec<Record>> {
                let rows: Vec<(String, String, i64, i64, String)> = sqlx::query_as(
                    "SELECT date, kind, goal_id, value, updated_at FROM records \
                     WHERE account_id = $1 AND date >= $2 AND date <= $3 ORDER BY date, kind, goal_id",
                )
                .bind(account_id)
                .bind(day(from))
                .bind(day(to))
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(record_from_row).collect()
            }

            async fn grants_apply(
                &self,
                account_id: i64,
                grants: &[Grant],
                note: Option<&str>,
                now: i64,
            ) -> StoreResult<Vec<Grant>> {
                let mut tx = self.begin_write().await?;
                let mut feed = open_feed(&mut tx, account_id).await?;
                let made = apply_grants(&mut tx, &mut feed, grants, note, now).await?;
                close_feed(&mut tx, feed, now).await?;
                tx.commit().await?;
                Ok(made)
            }

            async fn points_expire_member(&self, account_id: i64, today: NaiveDate, now: i64) -> StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                let mut feed = open_feed(&mut tx, account_id).await?;
                let expired = expire_member(&mut tx, &mut feed, today, now).await?;
                close_feed(&mut tx, feed, now).await?;
                tx.commit().await?;
                Ok(expired)
            }

            async fn points_expire_all(&self, today: NaiveDate, now: i64) -> StoreResult<ExpirySummary> {
                // A prefilter only: each member's lots are judged by the domain's rule.
                let members: Vec<i64> = sqlx::query_scalar(
                    "SELECT DISTINCT account_id FROM lots WHERE remaining > 0 AND expires_on < $1 \
                     ORDER BY account_id",
                )
                .bind(day(today))
                .fetch_all(self.pool())
                .await?;
                let mut summary = ExpirySummary::default();
                for account_id in members {
                    let points = self.points_expire_member(account_id, today, now).await?;
                    if points > 0 {
                        summary.members += 1;
                        summary.points += points;
                    }
                }
                Ok(summary)
            }

            async fn lots_of(&self, account_id: i64) -> StoreResult<Vec<Lot>> {
                let mut conn = self.pool().begin().await?;
                let lots = member_lots(&mut conn, account_id).await?;
                conn.commit().await?;
                Ok(lots)
            }

            async fn balance_of(&self, account_id: i64) -> StoreResult<i64> {
                let mut tx = self.pool().begin().await?;
                let balance = balance(&mut tx, account_id).await?;
                tx.commit().await?;
                Ok(balance)
            }

            async fn points_audit(&self, account_id: i64) -> StoreResult<(i64, i64)> {
                let mut tx = self.pool().begin().await?;
                let ledger = balance(&mut tx, account_id).await?;
                let lots: i64 = sqlx::query_scalar(
                    "SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM lots WHERE account_id = $1",
                )
                .bind(account_id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok((ledger, lots))
            }

            async fn ledger_page(&self, account_id: i64, before: Option<i64>, limit: u32) -> StoreResult<Vec<LedgerEntryInfo>> {
                let rows: Vec<LedgerRow> = sqlx::query_as(
                    "SELECT id, date, code, points, expires_on, note FROM ledger \
                     WHERE account_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                )
                .bind(account_id)
                .bind(before.unwrap_or(i64::MAX))
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(ledger_info).collect()
            }

            async fn checkups_import(&self, rows: &[CheckupImport], now: i64) -> StoreResult<ImportSummary> {
                let mut tx = self.begin_write().await?;
                let mut summary = ImportSummary::default();
                for row in rows {
                    let r = &row.result;
                    let existing: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM checkups WHERE roster_id = $1 AND date = $2",
                    )
                    .bind(row.roster_id)
                    .bind(day(r.date))
                    .fetch_optional(&mut *tx)
                    .await?;
                    let sql = if existing.is_some() {
                        summary.updated += 1;
                        "UPDATE checkups SET height_mm = $3, weight_hg = $4, bmi_tenths = $5, smoker = $6, \
                         health_age = $7, imported_at = $8 WHERE roster_id = $1 AND date = $2"
                    } else {
                        summary.inserted += 1;
                        "INSERT INTO checkups (roster_id, date, height_mm, weight_hg, bmi_tenths, smoker, \
                         health_age, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                    };
                    sqlx::query(sql)
                        .bind(row.roster_id)
                        .bind(day(r.date))
                        .bind(r.height.mm())
                        .bind(r.weight.hectograms())
                        .bind(i32::from(r.bmi.tenths()))
                        .bind(i32::from(r.smoker))
                        .bind(r.health_age.map(|a| i32::try_from(a).unwrap_or(i32::MAX)))
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                // Members in a fixed order, so two imports never lock in a circle.
                let mut members: Vec<&CheckupImport> = rows.iter().filter(|r| r.member.is_some()).collect();
                members.sort_by_key(|r| r.member.as_ref().map(|m| m.account_id));
                for row in members {
                    let Some(member) = &row.member else { continue };
                    let mut feed = open_feed(&mut tx, member.account_id).await?;
                    apply_grants(&mut tx, &mut feed, &member.grants, None, now).await?;
                    // The checkup goes to the feed with what it earned, now
                    // or at an earlier import of the same result.
                    let mut checkup = member.checkup.clone();
                    checkup.points_granted =
                        grants_dated(&mut tx, member.account_id, checkup.date, &member.earning_codes)
                            .await?;
                    feed.push(&Change::Checkup(checkup))?;
                    close_feed(&mut tx, feed, now).await?;
                }
                tx.commit().await?;
                Ok(summary)
            }

            async fn checkup_grants(
                &self,
                account_id: i64,
                dates: &[NaiveDate],
                codes: &[RuleCode],
            ) -> StoreResult<Vec<PointsGranted>> {
                let mut tx = self.pool().begin().await?;
                let mut found = Vec::new();
                for date in dates {
                    found.extend(grants_dated(&mut tx, account_id, *date, codes).await?);
                }
                tx.commit().await?;
                Ok(found)
            }

            async fn checkups_of(&self, roster_id: i64) -> StoreResult<Vec<CheckupResult>> {
                let rows: Vec<CheckupRow> = sqlx::query_as(
                    "SELECT date, height_mm, weight_hg, bmi_tenths, smoker, health_age FROM checkups \
                     WHERE roster_id = $1 ORDER BY date DESC",
                )
                .bind(roster_id)
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(checkup_result).collect()
            }

            async fn report_create(
                &self,
                account_id: i64,
                report: &NewReport<'_>,
                grants: &[Grant],
                now: i64,
            ) -> StoreResult<(i64, Vec<Grant>)> {
                let mut tx = self.begin_write().await?;
                // The member's row is taken first: two reports at once see
                // each other here.
                let mut feed = open_feed(&mut tx, account_id).await?;
                let year = kenpo_domain::time::FiscalYear::of(report.date);
                let earlier: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM reports WHERE account_id = $1 AND kind = $2 \
                     AND date >= $3 AND date <= $4 LIMIT 1",
                )
                .bind(account_id)
                .bind(report_str(report.kind))
                .bind(day(year.first_day()))
                .bind(day(year.last_day()))
                .fetch_optional(&mut *tx)
                .await?;
                if earlier.is_some() {
                    return Err(StoreError::AlreadyReported);
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO reports (account_id, kind, date, clinic, created_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(account_id)
                .bind(report_str(report.kind))
                .bind(day(report.date))
                .bind(report.clinic)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                let made = apply_grants(&mut tx, &mut feed, grants, None, now).await?;
                close_feed(&mut tx, feed, now).await?;
                tx.commit().await?;
                Ok((id, made))
            }

            async fn exchange_create(
                &self,
                account_id: i64,
                order: &NewExchange<'_>,
                idempotency: Option<&IdempotencyKey>,
                today: NaiveDate,
                now: i64,
            ) -> StoreResult<ExchangeCreated> {
                let NewExchange { item_id, quantity, address } = *order;
                let mut tx = self.begin_write().await?;
                let mut feed = open_feed(&mut tx, account_id).await?;
                if let Some(answer) = idempotent_answer(&mut tx, account_id, idempotency).await? {
                    return from_json(&answer);
                }
                let item: Option<(String, i64)> = sqlx::query_as(
                    "SELECT name, points FROM catalog WHERE id = $1 AND active = 1",
                )
                .bind(item_id)
                .fetch_optional(&mut *tx)
                .await?;
                let (item_name, price) = item.ok_or(StoreError::NotFound)?;
                let total = price
                    .checked_mul(i64::from(quantity))
                    .ok_or(StoreError::Ledger(LedgerError::InvalidAmount))?;
                // Points first (the member's row is already ours), then the stock.
                expire_member(&mut tx, &mut feed, today, now).await?;
                let lots = member_lots(&mut tx, account_id).await?;
                let allocations = allocate(&lots, total, today).map_err(StoreError::Ledger)?;
                let taken = sqlx::query("UPDATE catalog SET stock = stock - $1 WHERE id = $2 AND stock >= $1")
                    .bind(i64::from(quantity))
                    .bind(item_id)
                    .execute(&mut *tx)
                    .await?;
                if taken.rows_affected() != 1 {
                    return Err(StoreError::OutOfStock);
                }
                let exchange_id: i64 = sqlx::query_scalar(
                    "INSERT INTO exchanges (account_id, item_id, item_name, quantity, points_spent, status, \
                     address, ordered_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'ordered', $6, $7, $7) \
                     RETURNING id",
                )
                .bind(account_id)
                .bind(item_id)
                .bind(&item_name)
                .bind(i64::from(quantity))
                .bind(total)
                .bind(json(address)?)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                for allocation in &allocations {
                    let lot_id = lot_row_id(allocation.lot)?;
                    let drawn = sqlx::query(
                        "UPDATE lots SET remaining = remaining - $1 WHERE id = $2 AND remaining >= $1",
                    )
                    .bind(allocation.points)
                    .bind(lot_id)
                    .execute(&mut *tx)
                    .await?;
                    if drawn.rows_affected() != 1 {
                        return Err(corrupt("lot changed under its lock"));
                    }
                    sqlx::query("INSERT INTO exchange_lots (exchange_id, lot_id, points) VALUES ($1, $2, $3)")
                        .bind(exchange_id)
                        .bind(lot_id)
                        .bind(allocation.points)
                        .execute(&mut *tx)
                        .await?;
                }
                write_ledger(
                    &mut tx,
                    &mut feed,
                    LedgerLine {
                        date: today,
                        code: "exchange",
                        points: -total,
                        expires_on: None,
                        note: Some(&item_name),
                        lot_id: None,
                        exchange_id: Some(exchange_id),
                    },
                    now,
                )
                .await?;
                let info = read_exchange(&mut tx, exchange_id).await?;
                feed.push(&Change::Exchange(info))?;
                let response = ExchangeCreated {
                    exchange_id,
                    points_spent: total,
                    balance: balance(&mut tx, account_id).await?,
                };
                close_feed_keeping(&mut tx, feed, idempotency, &json(&response)?, now).await?;
                tx.commit().await?;
                Ok(response)
            }

            async fn exchange_cancel(
                &self,
                account_id: i64,
                exchange_id: i64,
                today: NaiveDate,
                now: i64,
            ) -> StoreResult<ExchangeInfo> {
                let mut tx = self.begin_write().await?;
                let mut feed = open_feed(&mut tx, account_id).await?;
                let found: Option<(String, String, String, i64)> = sqlx::query_as(
                    "SELECT status, item_id, item_name, quantity FROM exchanges WHERE id = $1 AND account_id = $2",
                )
                .bind(exchange_id)
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
                let (status, item_id, item_name, quantity) = found.ok_or(StoreError::NotFound)?;
                if !exchange_status(&status)?.can_cancel() {
                    return Err(StoreError::NotCancellable);
                }
                sqlx::query("UPDATE exchanges SET status = 'cancelled', updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(exchange_id)
                    .execute(&mut *tx)
                    .await?;
                let drawn: Vec<(i64, i64, String)> = sqlx::query_as(
                    "SELECT e.lot_id, e.points, l.expires_on FROM exchange_lots e \
                     JOIN lots l ON l.id = e.lot_id WHERE e.exchange_id = $1 ORDER BY e.lot_id",
                )
                .bind(exchange_id)
                .fetch_all(&mut *tx)
                .await?;
                // Each point back to its own lot; one ledger line per expiry day.
                let mut per_day: BTreeMap<NaiveDate, i64> = BTreeMap::new();
                for (lot_id, points, expires_on) in drawn {
                    sqlx::query("UPDATE lots SET remaining = remaining + $1 WHERE id = $2")
                        .bind(points)
                        .bind(lot_id)
                        .execute(&mut *tx)
                        .await?;
                    *per_day.entry(parse_date(&expires_on)?).or_default() += points;
                }
                for (expires_on, points) in per_day {
                    let line = LedgerLine {
                        date: today,
                        code: "exchange_cancelled",
                        points,
                        expires_on: Some(expires_on),
                        note: Some(&item_name),
                        lot_id: None,
                        exchange_id: Some(exchange_id),
                    };
                    write_ledger(&mut tx, &mut feed, line, now).await?;
                }
                sqlx::query("UPDATE catalog SET stock = stock + $1 WHERE id = $2")
                    .bind(quantity)
                    .bind(&item_id)
                    .execute(&mut *tx)
                    .await?;
                // Points returned to a lot whose last day has passed expire at once.
                expire_member(&mut tx, &mut feed, today, now).await?;
                let info = read_exchange(&mut tx, exchange_id).await?;
                feed.push(&Change::Exchange(info.clone()))?;
                close_feed(&mut tx, feed, now).await?;
                tx.commit().await?;
                Ok(info)
            }

            async fn exchange_advance(&self, exchange_id: i64, status: ExchangeStatus, now: i64) -> StoreResult<ExchangeInfo> {
                let owner: Option<i64> = sqlx::query_scalar("SELECT account_id FROM exchanges WHERE id = $1")
                    .bind(exchange_id)
                    .fetch_optional(self.pool())
                    .await?;
                let account_id = owner.ok_or(StoreError::NotFound)?;
                let mut tx = self.begin_write().await?;
                let mut feed = open_feed(&mut tx, account_id).await?;
                let current = read_exchange(&mut tx, exchange_id).await?;
                if !current.status.can_become(status) {
                    return Err(StoreError::StatusChange);
                }
                sqlx::query("UPDATE exchanges SET status = $1, updated_at = $2 WHERE id = $3")
                    .bind(status_str(status))
                    .bind(now)
                    .bind(exchange_id)
                    .execute(&mut *tx)
                    .await?;
                let info = read_exchange(&mut tx, exchange_id).await?;
                feed.push(&Change::Exchange(info.clone()))?;
                close_feed(&mut tx, feed, now).await?;
                tx.commit().await?;
                Ok(info)
            }

            async fn exchanges_of(&self, account_id: i64) -> StoreResult<Vec<ExchangeInfo>> {
                let sql = format!(
                    "SELECT {EXCHANGE_COLUMNS} FROM exchanges WHERE account_id = $1 ORDER BY id DESC"
                );
                let rows: Vec<ExchangeRow> = sqlx::query_as(&sql).bind(account_id).fetch_all(self.pool()).await?;
                rows.into_iter().map(exchange_info).collect()
            }

            async fn exchange_orders(&self, status: Option<ExchangeStatus>) -> StoreResult<Vec<ExchangeOrder>> {
                let rows: Vec<(i64, String, String, i64, i64, String, i64, i64, String, String)> = sqlx::query_as(
                    "SELECT e.id, e.item_id, e.item_name, e.quantity, e.points_spent, e.status, e.ordered_at, \
                     e.updated_at, a.login_id, e.address FROM exchanges e JOIN accounts a ON a.id = e.account_id \
                     WHERE $1 = '' OR e.status = $1 ORDER BY e.id",
                )
                .bind(status.map_or("", status_str))
                .fetch_all(self.pool())
                .await?;
                rows.into_iter()
                    .map(|(id, item_id, item_name, quantity, spent, status, ordered, updated, login_id, address)| {
                        Ok(ExchangeOrder {
                            info: exchange_info((id, item_id, item_name, quantity, spent, status, ordered, updated))?,
                            login_id,
                            address: from_json(&address)?,
                        })
                    })
                    .collect()
            }

            async fn notice_post(&self, title: &str, body: &str, now: i64) -> StoreResult<i64> {
                let mut tx = self.begin_write().await?;
                // Posters queue, so notice ids commit in order and a feed
                // reader past id n can never miss a later-committing n − 1.
                if !$lock_notices.is_empty() {
                    sqlx::query($lock_notices).execute(&mut *tx).await?;
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO notices (title, body, published_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(title)
                .bind(body)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(id)
            }

            async fn notices(&self) -> StoreResult<Vec<Notice>> {
                let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
                    "SELECT id, title, body, published_at FROM notices ORDER BY id DESC",
                )
                .fetch_all(self.pool())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, title, body, published_at)| Notice {
                        id,
                        title,
                        body,
                        published_at: to_jst(published_at),
                    })
                    .collect())
            }

            async fn faq_replace(&self, entries: &[FaqEntry]) -> StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM faq").execute(&mut *tx).await?;
                for (position, entry) in entries.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO faq (category, question, answer, position) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(&entry.category)
                    .bind(&entry.question)
                    .bind(&entry.answer)
                    .bind(i32::try_from(position).unwrap_or(i32::MAX))
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(entries.len() as u64)
            }

            async fn faq(&self) -> StoreResult<Vec<FaqEntry>> {
                let rows: Vec<(i64, Option<String>, String, String)> = sqlx::query_as(
                    "SELECT id, category, question, answer FROM faq ORDER BY position, id",
                )
                .fetch_all(self.pool())
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, category, question, answer)| FaqEntry { id, category, question, answer })
                    .collect())
            }

            async fn inquiry_create(&self, inquiry: &InquiryRequest, now: i64) -> StoreResult<i64> {
                let category = json(&inquiry.category)?;
                Ok(sqlx::query_scalar(
                    "INSERT INTO inquiries (category, body, contact_email, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(category.trim_matches('"'))
                .bind(&inquiry.body)
                .bind(&inquiry.contact_email)
                .bind(now)
                .fetch_one(self.pool())
                .await?)
            }

            async fn inquiries(&self) -> StoreResult<Vec<StoredInquiry>> {
                let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
                    "SELECT id, category, body, contact_email, created_at FROM inquiries ORDER BY id",
                )
                .fetch_all(self.pool())
                .await?;
                rows.into_iter()
                    .map(|(id, category, body, contact_email, created_at)| {
                        Ok(StoredInquiry {
                            id,
                            request: InquiryRequest {
                                category: inquiry_category(&category)?,
                                body,
                                contact_email,
                            },
                            created_at,
                        })
                    })
                    .collect()
            }

            async fn changes_since(&self, account_id: i64, cursor: FeedCursor, limit: u32) -> StoreResult<FeedPage> {
                let limit = usize::try_from(limit).unwrap_or(usize::MAX).max(1);
                let fetch = i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1;
                // Two streams, each committed in the order of its numbers
                // (the member's row lock; the notices' table lock): reading
                // past a number can never skip one committed later.
                let own: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT seq, payload FROM changes WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                )
                .bind(account_id)
                .bind(cursor.member_seq)
                .bind(fetch)
                .fetch_all(self.pool())
                .await?;
                let notices: Vec<(i64, String, String, i64)> = sqlx::query_as(
                    "SELECT id, title, body, published_at FROM notices WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(cursor.notice_id)
                .bind(fetch)
                .fetch_all(self.pool())
                .await?;
                let mut next = cursor;
                let mut changes = Vec::new();
                let available = own.len() + notices.len();
                for (seq, payload) in own.into_iter().take(limit) {
                    changes.push(from_json::<Change>(&payload)?);
                    next.member_seq = seq;
                }
                for (id, title, body, published_at) in notices.into_iter().take(limit - changes.len()) {
                    changes.push(Change::Notice(Notice { id, title, body, published_at: to_jst(published_at) }));
                    next.notice_id = id;
                }
                Ok(FeedPage {
                    has_more: available > changes.len(),
                    changes,
                    cursor: next,
                })
            }
        }
    };
}

mod sqlite {
    use super::*;
    activity_store!(SqliteStore, sqlx::Sqlite, bulk: sqlite, for_update: "", lock_notices: "");
}

mod postgres {
    use super::*;
    activity_store!(
        PostgresStore,
        sqlx::Postgres,
        bulk: postgres,
        for_update: " FOR UPDATE",
        lock_notices: "LOCK TABLE notices IN EXCLUSIVE MODE"
    );
}
