//! 健診結果 and reports through kenpo-core's `Desk`, against a real
//! kenpo-insurer: each checkup says, rule by rule, what it earned or why
//! not, also offline from the synced copy; a report earns at once and a
//! second of its kind in the year is refused by its code.

use std::sync::Arc;

use chrono::Utc;
use kenpo_core::desk::{Desk, DeskOptions};
use kenpo_core::error::Coded;
use kenpo_core::keychain::Keychain;
use kenpo_core::scheduler::{NoEvents, Plan};
use kenpo_domain::api::{ErrorCode, Secret};
use kenpo_domain::checkup_review::Outcome;
use kenpo_domain::health::BmiClass;
use kenpo_domain::points::ReportKind;
use kenpo_domain::time::FixedClock;

mod common;

use common::{Insurer, PASSWORD, desk_today};

const HEADER: &str =
    "card_symbol,card_number,branch_number,date,height_cm,weight_kg,bmi,smoker,health_age\n";

#[tokio::test]
async fn checkups_say_what_they_earned_and_why_not_and_reports_earn_at_once() {
    let insurer = Insurer::start().await;
    let state = &insurer.server.state;
    let today = desk_today();
    let year = kenpo_domain::time::FiscalYear::of(today);
    let (last, this) = (year.first_day() - chrono::Days::new(100), year.first_day());
    // 山田 太郎 (born 1980-01-01): last year fine, this year heavier and smoking.
    kenpo_insurer::admin::import_checkups(
        state,
        &format!(
            "{HEADER}10,1001,00,{last},170.0,65.0,22.5,no,38\n10,1001,00,{this},170.0,75.4,26.1,yes,44\n"
        ),
    )
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let keychain = Keychain::in_memory("jp.kenpodesk.test");
    let desk = Desk::open(DeskOptions {
        data_dir: data.path().to_owned(),
        keychain: Ok(keychain.clone()),
        clock: Arc::new(FixedClock::new(Utc::now())),
        events: Arc::new(NoEvents),
        plan: Plan::default(),
    })
    .await;
    desk.login(&insurer.base, "U100001", &Secret::new(PASSWORD.to_owned()))
        .await
        .unwrap();
    desk.sync().await.unwrap();

    let view = desk.checkups().await.unwrap();
    assert!(!view.offline);
    assert_eq!(view.checkups.len(), 2);
    let newest = &view.checkups[0];
    assert_eq!(newest.checkup.date, this);
    assert_eq!(newest.fiscal_year, year.start_year());
    assert_eq!(newest.bmi_class, BmiClass::Obesity1);
    let outcomes: Vec<(&str, Outcome)> = newest
        .rules
        .iter()
        .map(|r| (r.code.as_str(), r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("spouse_checkup", Outcome::NotEligible),
            (
                "checkup_bmi",
                Outcome::BmiOutOfRange {
                    bmi: "26.1".parse().unwrap(),
                    min: "18.5".parse().unwrap(),
                    below: "25.0".parse().unwrap()
                }
            ),
            ("non_smoker", Outcome::Smoker),
            (
                "health_age",
                Outcome::HealthAgeNotYounger {
                    health_age: 44,
                    real_age: newest.checkup.real_age,
                    years: 5
                }
            ),
        ]
    );
    let last_year: Vec<Outcome> = view.checkups[1].rules.iter().map(|r| r.outcome).collect();
    assert_eq!(
        last_year[1..],
        [Outcome::Earned { points: 500 }; 3],
        "last year's checkup earned BMI, non-smoker and health age"
    );

    // Offline, from the synced copy: the same review.
    let online = view;
    let before = desk.points().await.unwrap().balance;
    let created = desk
        .report(ReportKind::FluVaccine, today, None)
        .await
        .unwrap();
    let earned: Vec<(&str, i64)> = created
        .points_granted
        .iter()
        .map(|g| (g.code.as_str(), g.points))
        .collect();
    assert_eq!(earned, [("flu_vaccine", 300)]);
    assert_eq!(desk.points().await.unwrap().balance, before + 300);
    let again = desk
        .report(ReportKind::FluVaccine, today, None)
        .await
        .expect_err("once a year");
    assert_eq!(again.api_code(), Some(ErrorCode::AlreadyReported));
    let clinic = desk
        .report(ReportKind::FluVaccine, today, Some("内科".into()))
        .await
        .expect_err("no clinic for a vaccination");
    assert_eq!(
        (again.code().as_str(), clinic.field().as_deref()),
        ("insurer", Some("clinic"))
    );
    let future = desk
        .report(
            ReportKind::SecondaryExam,
            today + chrono::Days::new(1),
            None,
        )
        .await
        .expect_err("not a future day");
    assert_eq!(future.field().as_deref(), Some("date"));
    let exam = desk
        .report(ReportKind::SecondaryExam, today, Some("千代田内科".into()))
        .await
        .unwrap();
    assert_eq!(exam.points_granted[0].points, 500);

    desk.sync().await.unwrap();
    drop(insurer);
    let offline = desk.checkups().await.unwrap();
    assert!(offline.offline);
    assert_eq!(offline.checkups, online.checkups);
    desk.shutdown().await;
}
