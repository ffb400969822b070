//! What the insurer's staff do from the command line, as functions the CLI
//! and the tests share: imports, grants, the expiry job, orders, notices.

use chrono::NaiveDate;
use kenpo_domain::api::ExchangeStatus;
use kenpo_domain::id::LoginId;
use kenpo_domain::ledger::MAX_POINTS_PER_OPERATION;
use kenpo_domain::member::Member;
use kenpo_domain::points::{Activity, Grant, Period, RuleCode};

use crate::csv_file::{FileError, Problem};
use crate::earning;
use crate::http::AppState;
use crate::images::ItemImage;
use crate::imports;
use crate::store::{
    CatalogImport, CheckupImport, CheckupMember, ExpirySummary, ImportSummary, RosterEntry,
    StoreError,
};

/// Ledger codes the server writes itself; no grant may use them.
pub const RESERVED_CODES: [&str; 3] = ["exchange", "exchange_cancelled", "expiry"];

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type AdminResult<T> = Result<T, AdminError>;

fn refused(message: impl Into<String>) -> AdminError {
    AdminError::Refused(message.into())
}

/// Imports a roster. With `full`, the file is the whole roster: people not
/// in it have left (資格喪失): they can no longer log in or earn, their
/// sessions end, and their history stays.
pub async fn import_roster(
    state: &AppState,
    entries: &[RosterEntry],
    full: bool,
) -> AdminResult<ImportSummary> {
    let now = state.clock.now().await?;
    Ok(state.store.roster_import(entries, full, now).await?)
}

/// Imports checkup results (all or nothing) and grants the points they earn.
pub async fn import_checkups(state: &AppState, text: &str) -> AdminResult<ImportSummary> {
    let (now, today) = state.clock.today().await?;
    let lines = imports::parse_checkups(text, today)?;
    let mut rows = Vec::with_capacity(lines.len());
    let mut problems = Vec::new();
    for line in lines {
        let person = state
            .store
            .roster_by_card(&line.card_symbol, &line.card_number)
            .await?
            .into_iter()
            .find(|p| p.entry.branch_number == line.branch_number);
        let Some(person) = person else {
            problems.push(Problem {
                line: line.line,
                field: None,
                message: "nobody in the roster has this card and branch number".into(),
            });
            continue;
        };
        let account = match state.store.account_by_roster(person.id).await? {
            Some(account) if person.active => Some(account),
            _ => None,
        };
        let member = account.map(|account| {
            let member = Member {
                relationship: account.kind,
                birth_date: person.entry.birth_date,
            };
            let activity = earning::checkup_activity(&line.result);
            CheckupMember {
                account_id: account.id,
                checkup: earning::checkup_view(&line.result, person.entry.birth_date),
                grants: earning::due(state, &member, &activity, today),
                earning_codes: earning::checkup_codes(state),
            }
        });
        rows.push(CheckupImport {
            roster_id: person.id,
            result: line.result,
            member,
        });
    }
    if !problems.is_empty() {
        return Err(FileError(problems).into());
    }
    Ok(state.store.checkups_import(&rows, now).await?)
}

/// Where a catalog file's pictures are read from: by the name in its
/// `image` column, the bytes or why they cannot be read.
pub type Pictures<'a> = &'a (dyn Fn(&str) -> Result<Vec<u8>, String> + Sync);

/// A catalog without pictures (the file names none).
pub fn no_pictures(name: &str) -> Result<Vec<u8>, String> {
    Err(format!("no picture {name} comes with this file"))
}

/// Deletes the rows past their use (the hourly job of `serve`).
pub async fn purge(state: &AppState) -> AdminResult<crate::store::PurgeSummary> {
    let now = state.clock.now().await?;
    Ok(state.store.purge(now).await?)
}

/// Imports the catalog (the whole catalog and its pictures; all or nothing:
/// a picture that cannot be read or is not accepted refuses the file).
pub async fn import_catalog(
    state: &AppState,
    text: &str,
    pictures: Pictures<'_>,
) -> AdminResult<ImportSummary> {
    let rows = imports::parse_catalog(text)?;
    let mut items = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for row in rows {
        let image = match &row.image {
            None => None,
            Some(name) => match pictures(name)
                .and_then(|bytes| ItemImage::check(bytes).map_err(|err| format!("{name}: {err}")))
            {
                Ok(image) => Some(image),
                Err(message) => {
                    problems.push(Problem {
                        line: row.line,
                        field: Some("image"),
                        message,
                    });
                    None
                }
            },
        };
        items.push(CatalogImport {
            item: row.item,
            image,
        });
    }
    if !problems.is_empty() {
        return Err(FileError(problems).into());
    }
    let now = state.clock.now().await?;
    Ok(state.store.catalog_import(&items, now).await?)
}

/// Replaces the FAQ.
pub async fn import_faq(state: &AppState, text: &str) -> AdminResult<u64> {
    let entries = imports::parse_faq(text)?;
    Ok(state.store.faq_replace(&entries).await?)
}

pub async fn post_notice(state: &AppState, title: &str, body: &str) -> AdminResult<i64> {
    let (title, body) = imports::check_notice(title, body).map_err(AdminError::Refused)?;
    let now = state.clock.now().await?;
    Ok(state.store.notice_post(&title, &body, now).await?)
}

/// What `points grant` asks for.
#[derive(Debug, Clone)]
pub struct GrantOrder {
    pub login_id: String,
    pub code: String,
    /// Only for codes outside the rules file (campaigns, events).
    pub points: Option<i64>,
    /// The day of the activity; today when absent.
    pub date: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Grants a rule of the rules file by hand (its eligibility and frequency
/// apply), or a campaign's points (once per member and code).
pub async fn grant_points(state: &AppState, order: &GrantOrder) -> AdminResult<Grant> {
    let (now, today) = state.clock.today().await?;
    let login_id = LoginId::parse(&order.login_id)
        .map_err(|_| refused("not a login ID"))?
        .to_string();
    let account = state
        .store
        .account_by_login(&login_id)
        .await?
        .ok_or_else(|| refused("no member has this login ID"))?;
    let person = state
        .store
        .roster_get(account.roster_id)
        .await?
        .ok_or_else(|| refused("no member has this login ID"))?;
    if !person.active {
        return Err(refused(
            "this person has left the roster and can no longer earn",
        ));
    }
    let code = RuleCode::parse(&order.code)
        .map_err(|_| refused("a code is lower-case letters, digits and _"))?;
    if RESERVED_CODES.contains(&code.as_str()) {
        return Err(refused(format!("{code} is written by the server itself")));
    }
    let date = order.date.unwrap_or(today);
    if date > today {
        return Err(refused("the activity's day cannot be in the future"));
    }
    let grants = match (state.rules.get(code.as_str()), order.points) {
        (Some(_), Some(_)) => {
            return Err(refused(
                "this code is in the rules file, which says how many points it is worth: \
                 leave out --points",
            ));
        }
        (Some(_), None) => {
            let member = Member {
                relationship: account.kind,
                birth_date: person.entry.birth_date,
            };
            let activity = Activity::Awarded {
                code: code.clone(),
                date,
            };
            earning::due(state, &member, &activity, today)
        }
        (None, Some(points)) if (1..=MAX_POINTS_PER_OPERATION).contains(&points) => vec![Grant {
            code: code.clone(),
            period: Period::Once,
            points,
            activity_date: date,
            granted_on: today,
        }],
        (None, Some(_)) => return Err(refused("--points must be from 1 to 100,000,000")),
        (None, None) => {
            return Err(refused(
                "this code is not in the rules file: say how many points with --points",
            ));
        }
    };
    if grants.is_empty() {
        return Err(refused(
            "not due: the member's relationship may not earn this rule",
        ));
    }
    let made = state
        .store
        .grants_apply(account.id, &grants, order.note.as_deref(), now)
        .await?;
    made.into_iter()
        .next()
        .ok_or_else(|| refused("already granted to this member for this period"))
}

/// The expiry job: writes off every lot whose last day has passed.
/// Running it again changes nothing.
pub async fn expire_points(state: &AppState) -> AdminResult<ExpirySummary> {
    let (now, today) = state.clock.today().await?;
    Ok(state.store.points_expire_all(today, now).await?)
}

/// Marks an order shipped or delivered.
pub async fn advance_exchange(
    state: &AppState,
    exchange_id: i64,
    status: ExchangeStatus,
) -> AdminResult<kenpo_domain::api::ExchangeInfo> {
    let now = state.clock.now().await?;
    match state.store.exchange_advance(exchange_id, status, now).await {
        Err(StoreError::NotFound) => Err(refused("no such order")),
        Err(StoreError::StatusChange) => Err(refused(
            "an order goes ordered → shipped → delivered, and a cancelled one nowhere",
        )),
        other => Ok(other?),
    }
}

/// The demo member's past (two years of records and a checkup), once: what
/// `demo` loads after the roster and the content, for the app's demo
/// insurer. Returns the days written (0 when there was a past already).
pub async fn load_demo_history(state: &AppState, until: Option<NaiveDate>) -> AdminResult<usize> {
    let days = crate::demo_history::load(state, until).await?;
    if days > 0 {
        let (_, server_today) = state.clock.today().await?;
        let today = until.map_or(server_today, |until| until.min(server_today));
        import_checkups(state, &crate::demo_history::demo_checkup_csv(today)).await?;
    }
    Ok(days)
}

/// Loads the demo catalog, notices and FAQ (the demo roster comes with `demo`).
pub async fn load_demo_content(state: &AppState) -> AdminResult<()> {
    import_catalog(state, imports::DEMO_CATALOG_CSV, &imports::demo_picture).await?;
    import_faq(state, imports::DEMO_FAQ_CSV).await?;
    if state.store.notices().await?.is_empty() {
        for (title, body) in imports::DEMO_NOTICES {
            post_notice(state, title, body).await?;
        }
    }
    Ok(())
}
