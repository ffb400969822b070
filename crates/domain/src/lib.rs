//! Kenpo Desk's domain: every rule of the kenpo, in one pure crate.
//!
//! This crate holds the rules of DOMAIN.md as types and pure functions, with
//! no I/O, no async and no global state beyond compiled-in data. The
//! insurer's server (`kenpo-insurer`), the desktop core (`kenpo-core`) and,
//! through generated TypeScript bindings, the UI all use it, so they share
//! one truth: what a valid card number is, which day an instant falls on,
//! when points expire, which points are due, and what goes over the wire.
//!
//! # Modules
//!
//! - [`time`]: the [`Clock`](time::Clock) trait ([`SystemClock`](time::SystemClock),
//!   [`FixedClock`](time::FixedClock)), the Japanese day of an instant,
//!   [`FiscalYear`](time::FiscalYear), point expiry, ages by the legal rule.
//! - [`id`]: insurer number, card symbol and number, branch number,
//!   employee number, login ID, e-mail, nickname, auth key: parsed, never invalid.
//! - [`member`]: sex, relationship (insured / dependent spouse), roster relationship.
//! - [`entry`]: steps, weight, behaviour goals, and the entry window.
//! - [`password`]: the password policy as data, with the common-password list.
//! - [`passphrase`]: the rules of a PC's passphrase (where no keychain answers) and its waits.
//! - [`reminder`]: when to remind (check-in slots, snooze, catch-up, quiet
//!   hours, holidays, expiry warnings, new notices), as one pure decision.
//! - [`points`]: the rules file and [`grants_due`](points::grants_due).
//! - [`ledger`]: lots, spending soonest-expiring first, cancellation, expiry.
//! - [`health`]: height, BMI and its JASSO class, the health-age rule.
//! - [`history`]: moving averages, the weight trend, streaks, the normal-BMI
//!   band in kg, the step goal a goal's label names, fiscal-year buckets.
//! - [`api`]: the wire types of the insurer API and its [`ErrorCode`](api::ErrorCode)s.
//! - [`error`]: the [`Coded`](error::Coded) trait that every error implements.
//!
//! # Using it
//!
//! Parse what comes in, ask the clock for today (in Japan), and let the rules
//! decide:
//!
//! ```
//! use kenpo_domain::entry::{EntryDay, EntryWindow, RecordKind};
//! use kenpo_domain::id::InsurerNumber;
//! use kenpo_domain::ledger::Ledger;
//! use kenpo_domain::member::{Member, Relationship};
//! use kenpo_domain::points::{Activity, RuleSet, grants_due};
//! use kenpo_domain::time::{Clock, FixedClock, expiry_of_grant};
//! use chrono::NaiveDate;
//!
//! // Identifiers are parsed as the member types them, full-width digits included.
//! let insurer: InsurerNumber = "０６２７３４９４".parse()?;
//! assert_eq!(insurer.as_str(), "06273494");
//! assert!("06273495".parse::<InsurerNumber>().is_err(), "check digit");
//!
//! // 2026-11-21 15:30 UTC is already the 22nd in Japan.
//! let clock = FixedClock::at_jst(2026, 11, 22, 0, 30, 0).expect("a real time");
//! let today = clock.today();
//! assert_eq!(expiry_of_grant(today), NaiveDate::from_ymd_opt(2028, 3, 31).unwrap());
//!
//! // Today's steps earn 10 points once, however often the day is edited.
//! let rules = RuleSet::default();
//! let member = Member {
//!     relationship: Relationship::Insured,
//!     birth_date: NaiveDate::from_ymd_opt(1990, 6, 15).unwrap(),
//! };
//! let window = EntryWindow::default();
//! assert_eq!(window.classify(today, today), EntryDay::Earning);
//! let steps = Activity::Recorded { date: today, kind: RecordKind::Steps };
//! let due = grants_due(&rules, &member, &steps, today, window, &[]);
//! assert_eq!(due.len(), 1);
//! let again = grants_due(&rules, &member, &steps, today, window, &[due[0].key()]);
//! assert!(again.is_empty());
//!
//! // The ledger keeps the arithmetic honest.
//! let mut ledger = Ledger::new();
//! for grant in &due {
//!     ledger.grant(grant.code.clone(), grant.points, grant.granted_on)?;
//! }
//! assert_eq!(ledger.balance(), 10);
//! assert!(ledger.spend(11, today).is_err(), "never below zero");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Errors are `thiserror` enums local to each module; every one implements
//! [`error::Coded`] with a stable snake_case code. Messages name the broken
//! rule and never repeat a password or a health value. The types the UI sees
//! derive `specta::Type` with the `specta` feature.
//!
//! The shipped data are compiled in: `rules/default.toml` (the default point
//! rules, [`points::DEFAULT_RULES_TOML`]) and `data/common-passwords.txt`
//! (19,640 common passwords from Django, BSD-3-Clause; see `data/README.md`).
//!
//! # Decisions
//!
//! Where DOMAIN.md and the issue were silent, the crate decides as follows.
//!
//! **Time**
//! - A lot's `expires_on` is the last day its points can be used; they are
//!   gone from 00:00 JST the next day, so a lot is usable on its expiry day
//!   and the expiry run on day D empties lots whose `expires_on` < D.
//! - [`time::age_on`] is the age during the whole day: the year gained at the
//!   end of the day before the birthday holds for all of the birthday. A
//!   29 February birthday completes its year at the end of 28 February in
//!   common years (民法 143 条), so the age changes on 1 March.
//! - Age bands of the points rules (spouse checkup ≥35 / ≤34, the ≤34 web
//!   survey) use the age at the end of the fiscal year of the activity
//!   (年度末年齢): someone born on 1 April counts as a year older than a
//!   classmate born on 2 April. The health-age rule compares with the real
//!   age on the checkup day.
//! - [`time::FiscalYear`] serializes as its start year (`2026`) and prints as `FY2026`.
//! - [`time::FixedClock`] is immutable (`advanced` returns a new clock); a
//!   settable sandbox clock is the server's own `Clock` implementation.
//!
//! **Identifiers**
//! - Insurer numbers are checked for 8 digits and the check digit only; the
//!   法別番号 `06` is not required (see `InsurerNumber::is_kenpo`) and the
//!   prefecture digits are not checked.
//! - Card symbol and card number: 1 to 8 digits each, leading zeros kept (a
//!   digit string, not a number). Full-width digits, half- and full-width
//!   spaces, tabs, no-break spaces, hyphens and the dash look-alikes
//!   `‐ ‑ ‒ – — ― − － ー ｰ ﹣ ⁃ ˗` are removed, in insurer numbers, card symbols
//!   and numbers, branch numbers and auth keys alike.
//! - Branch number: 1 or 2 digits; one digit is read with a leading zero
//!   (`1` → `01`), because spreadsheets drop it from roster files.
//! - Employee number: 1 to 20 ASCII letters and digits, full-width forms
//!   converted, letters upper-cased; hyphens are not part of it.
//! - Login ID: anything containing `@` is an e-mail login ID, stored wholly in
//!   lower case; otherwise it must be `U` (or `u`) and an employee number,
//!   stored as `U` + the upper-cased number. Login IDs thus compare
//!   case-insensitively.
//! - E-mail: trimmed, full-width ASCII converted, ASCII only (internationalised
//!   domains in punycode), one `@`, local part of 1 to 64 atom characters with
//!   dots allowed anywhere (old Japanese mobile-carrier addresses such as
//!   `taro..k.@docomo.ne.jp` are still in use), a domain of two or more labels
//!   whose last is not numeric, 254 characters at most. The domain is
//!   lower-cased; the local part of a notification address keeps its case.
//!   Quoted local parts and IP-literal domains are refused.
//! - Nickname: trimmed (the ideographic space too), 1 to 20 characters
//!   counted as Unicode scalar values, no control characters and no
//!   zero-width or bidirectional formatting characters.
//! - Sex reads `male`/`female` in any case and 男/女; nothing is guessed from
//!   abbreviations. On the roster, `spouse` always means the dependent spouse.
//!
//! **Daily entries**
//! - The entry window of N days includes today: with the default 30, today
//!   and the 29 days before it earn; an older day is kept but earns nothing.
//!   The window is 1 to 366 days. There is no lower bound on how old a kept
//!   day may be.
//! - A steps entry of 0 is valid and earns like any other: the points
//!   reward recording, not walking. Likewise a goal record earns whether the
//!   goal was achieved or not.
//! - Weight is accepted when within 10⁻⁶ of a multiple of 0.1 kg (floating
//!   point noise); typed text is read exactly.
//! - Behaviour goals: at most 5 active per member, labels of 1 to 40
//!   characters, no label or id twice in one list; goal ids are integers
//!   assigned by the server.
//!
//! **Passwords**
//! - Length counts Unicode scalar values; passwords are not normalised.
//!   "Any printable character" means no control characters (tab and newline
//!   refused); spaces and Japanese are allowed.
//! - The legacy rule keeps the common-password and login-ID checks on (the
//!   leaflet's rule only adds restrictions) and a maximum of 128.
//! - The login-ID check looks, case-insensitively, for the whole login ID,
//!   the local part of an e-mail login ID, and the employee number of an
//!   issued ID, each only when it has at least 4 characters.
//! - A policy can never allow fewer than 8 or more than 1,024 characters;
//!   fields left out of a policy take the default's values.
//! - The common-password check lower-cases the password (and also tries it
//!   trimmed); the list holds 19,640 entries.
//! - A PC's passphrase (where no keychain answers) follows the default
//!   policy, whatever the insurer's. Wrong ones are never capped (that would
//!   lock members out of their own data): three cost nothing, then each
//!   waits twice as long as the last, from 30 seconds to at most 15 minutes.
//!
//! **Points**
//! - Each rule lists its *ways* to be earned (trigger, optional
//!   relationships, optional age band, and for checkups the kinds and a
//!   condition). A rule without ways (smoking cessation) is granted only by
//!   the insurer; an insurer's award of a rule checks its eligibility and
//!   frequency but not its ways or age bands (the insurer has judged them).
//!   Codes that are not in the rules file are campaign grants, outside
//!   [`points::grants_due`].
//! - Smoking cessation is granted once per member; the secondary exam once
//!   per fiscal year (one checkup a year, so one referral).
//! - Spouse checkup: checkups have a kind (人間ドック, circuit, at-home kit,
//!   submitted results). ≥35 earns with a dock, circuit or submitted
//!   result; ≤34 with the at-home kit or a submitted result. Results whose
//!   kind is not known (the import has no kind column) count as submitted
//!   results, which earn in both bands.
//! - Non-smoker: the checkup questionnaire earns for every eligible member
//!   whatever the age; the web survey only for the insured aged ≤34.
//! - A grant's period comes from the day of the activity (the recorded day,
//!   the checkup day, the report day); its `granted_on`, and so its expiry,
//!   is the day the grant is made.
//! - Records earn only inside the entry window. Checkups, surveys and reports
//!   earn when dated today or earlier and in the current or the previous
//!   fiscal year (a March checkup imported in April still counts); nothing
//!   dated in the future earns.
//! - BMI conditions compare the BMI as printed, to one decimal.
//! - Labels follow the KENPOS leaflet without the brand name (KENPOS登録 →
//!   初回登録, KENPOSログイン → ログイン).
//! - The rules file refuses unknown fields (a typo is an error, not a
//!   silently ignored setting) and rules worth more than 1,000,000 points.
//!
//! **Ledger**
//! - Spending draws from the lots usable on the spend day, soonest expiry
//!   first, then the oldest grant, then the first lot. Lots past their expiry
//!   are never spent, even before the expiry run has emptied them.
//! - A refused spend changes nothing; one grant or spend moves at most
//!   100,000,000 points.
//! - Cancelling a spend returns each point to its original lot with its
//!   original expiry. Points returned to a lot already past its expiry are
//!   not revived: they expire again at once, and the ledger shows the return
//!   and the expiry.
//! - The expiry run writes one entry per emptied lot. Ledger codes outside
//!   the rules are `exchange`, `exchange_cancelled` and `expiry`.
//! - "Expiring within N days" counts lots expiring from today to today + N.
//!
//! **Health**
//! - BMI is computed in integers (weight in 100 g, height in mm) and rounded
//!   half up to one decimal; it ranges 3.0 to 300.0, what valid heights and
//!   weights produce. Heights are 100.0 to 250.0 cm in steps of 0.1 cm.
//! - The health-age rule: health age + 5 ≤ real age.
//!
//! **Wire types**
//! - Request bodies carry typed-in values as strings where the server must
//!   answer a specific code (`invalid_email`, `invalid_insurer_number`,
//!   `password_policy`) or one uniform answer (`identity_mismatch`);
//!   responses carry the parsed types. Passwords and tokens are
//!   [`api::Secret`]s, whose `Debug` output is redacted.
//! - Error codes beyond INSURER_API.md: `not_cancellable` (409, an exchange
//!   that has shipped), `forbidden` (403), `service_unavailable` (503), and
//!   `unknown` (500), which a client reads for any code newer than itself.
//! - Record values are numbers for steps and weight (kg) and booleans for
//!   goals; a goal record needs `goal_id` and the others must not have one.
//! - Server changes are tagged by `type` (`record`, `goal`, `ledger`,
//!   `checkup`, `exchange`, `notice`).
//! - Identifiers on the wire are integers (member, exchange, ledger entry,
//!   notice, FAQ entry, session, report, inquiry), except catalog items,
//!   which use the insurer's item code. An issued account's nickname and
//!   notification e-mail are `null` until the member sets them.
//! - Shipping addresses: text fields trimmed and at most 100 characters;
//!   the postal code is 7 digits, written `NNN-NNNN`; the phone 10 or 11
//!   digits starting with 0, written as digits; the prefecture one of the 47
//!   (都/府/県 may be left out). Orders move ordered → shipped → delivered,
//!   and only an ordered one can be cancelled.
//! - A mailed link's token is taken from a pasted deep link, web link or bare
//!   code by [`api::token_from_link`]: URL-safe, 16 to 256 characters.

pub mod api;
pub mod checkup_review;
pub mod entry;
pub mod error;
pub mod exchange;
pub mod faq;
pub mod health;
pub mod history;
pub mod id;
pub mod ledger;
pub mod member;
pub mod number;
pub mod passphrase;
pub mod password;
pub mod points;
pub mod reminder;
pub mod statement;
pub mod time;
#[cfg(all(test, feature = "openapi"))]
mod wire_schema;
