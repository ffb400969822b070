//! The types the UI sees export to TypeScript the way the app exports them
//! (specta-serde's phased and unified formats), with plain `number`s and no
//! BigInt. Needs `--features specta` (see `required-features` in Cargo.toml).

use kenpo_domain::{api, entry, health, ledger, member, password, points, time};
use specta::Types;

fn types() -> Types {
    Types::default()
        .register::<api::ErrorBody>()
        .register::<api::InsurerInfo>()
        .register::<api::RegistrationRequest>()
        .register::<api::Captcha>()
        .register::<api::IdentityRequest>()
        .register::<api::IdentityResponse>()
        .register::<api::AuthKeyRequest>()
        .register::<api::AuthKeyResponse>()
        .register::<api::AccountSetupRequest>()
        .register::<api::DependentRegistrationRequest>()
        .register::<api::MemberCreated>()
        .register::<api::SessionRequest>()
        .register::<api::SessionResponse>()
        .register::<api::RefreshRequest>()
        .register::<api::SessionList>()
        .register::<api::Account>()
        .register::<api::AccountPatch>()
        .register::<api::PasswordChangeRequest>()
        .register::<api::PasswordResetRequest>()
        .register::<api::PasswordResetCompletion>()
        .register::<api::CheckInResponse>()
        .register::<api::RecordsRequest>()
        .register::<api::RecordsResponse>()
        .register::<api::RecordsQuery>()
        .register::<api::RecordList>()
        .register::<api::GoalList>()
        .register::<api::GoalsUpdate>()
        .register::<api::ChangesQuery>()
        .register::<api::ChangesResponse>()
        .register::<api::PointsSummary>()
        .register::<api::LedgerQuery>()
        .register::<api::LedgerPage>()
        .register::<api::CheckupList>()
        .register::<api::ReportRequest>()
        .register::<api::ReportCreated>()
        .register::<api::Catalog>()
        .register::<api::ExchangeRequest>()
        .register::<api::ExchangeCreated>()
        .register::<api::ExchangeList>()
        .register::<api::NoticeList>()
        .register::<api::FaqList>()
        .register::<api::InquiryRequest>()
        .register::<api::InquiryCreated>()
        .register::<api::SandboxMailQuery>()
        .register::<api::SandboxMailbox>()
        .register::<api::SandboxCaptchaAnswer>()
        .register::<api::ClockAdvance>()
        .register::<api::ClockNow>()
        .register::<api::Empty>()
        .register::<entry::EntryDay>()
        .register::<entry::GoalResult>()
        .register::<health::BmiClass>()
        .register::<ledger::Expiring>()
        .register::<member::RosterRelationship>()
        .register::<password::PasswordPolicy>()
        .register::<points::GrantKey>()
        .register::<points::CheckupKind>()
        .register::<points::CheckupCondition>()
        .register::<points::AgeBand>()
        .register::<time::FiscalYear>()
}

#[test]
fn every_ui_type_exports_to_typescript() {
    let types = types();
    let exporter = specta_typescript::Typescript::default();
    let phased = exporter.export(&types, specta_serde::PhasesFormat);
    let unified = exporter.export(&types, specta_serde::Format);
    for (format, result) in [("phased", phased), ("unified", unified)] {
        let ts = result.unwrap_or_else(|e| panic!("{format} export failed: {e}"));
        let has = |needle: &str| ts.contains(needle);
        assert!(
            has("export type Weight = number;"),
            "{format}: weight is a plain number"
        );
        assert!(
            has("export type MemberId = number;"),
            "{format}: ids are plain numbers"
        );
        assert!(
            has("export type LoginId = string;"),
            "{format}: login IDs are strings"
        );
        assert!(
            has("\"insufficient_points\""),
            "{format}: error codes are listed"
        );
        assert!(
            has("\"dependent_spouse\""),
            "{format}: relationships are snake_case"
        );
        assert!(!has("bigint"), "{format}: no BigInt reaches the UI");
    }
}
