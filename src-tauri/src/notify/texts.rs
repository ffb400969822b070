//! The words of a reminder, in the member's language. Never a health value
//! or the member's name: a colleague may be looking at the screen. A
//! locked app says only that something is waiting.

use chrono::Datelike;
use kenpo_core::prefs::Locale;
use kenpo_domain::number::grouped;
use kenpo_domain::reminder::{Entries, Reminder};

/// What a notification shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub title: &'static str,
    pub body: String,
}

/// A notification's buttons.
#[derive(Debug, Clone)]
pub struct Labels {
    pub open: &'static str,
    pub snooze: fn(u32) -> String,
}

pub fn labels(locale: Locale) -> Labels {
    match locale {
        Locale::Ja => Labels {
            open: "開く",
            snooze: |m| format!("{m}分後にもう一度"),
        },
        Locale::En => Labels {
            open: "Open",
            snooze: |m| format!("Again in {m} min"),
        },
    }
}

/// The words of `reminder`; `locked` when the app is locked.
pub fn words(reminder: &Reminder, locale: Locale, locked: bool) -> Words {
    let title = match locale {
        Locale::Ja => "けんぽデスク",
        Locale::En => "Kenpo Desk",
    };
    let body = match (reminder, locale) {
        (Reminder::CheckIn { .. }, Locale::Ja) if locked => {
            "今日の記録がまだ済んでいません".to_owned()
        }
        (Reminder::CheckIn { .. }, Locale::En) if locked => {
            "Today's check-in is not done yet".to_owned()
        }
        (Reminder::CheckIn { missing, .. }, Locale::Ja) => {
            format!("今日の{}がまだ記録されていません", join_ja(*missing))
        }
        (Reminder::CheckIn { missing, .. }, Locale::En) => {
            format!("Today's {} not recorded yet", join_en(*missing))
        }
        (Reminder::PointsExpiring { .. }, Locale::Ja) if locked => {
            "まもなく失効するポイントがあります".to_owned()
        }
        (Reminder::PointsExpiring { .. }, Locale::En) if locked => {
            "Some of your points expire soon".to_owned()
        }
        (
            Reminder::PointsExpiring {
                points, expires_on, ..
            },
            Locale::Ja,
        ) => format!(
            "{}ポイントが{}月{}日に失効します",
            grouped(*points),
            expires_on.month(),
            expires_on.day()
        ),
        (
            Reminder::PointsExpiring {
                points, expires_on, ..
            },
            Locale::En,
        ) => format!(
            "{} points expire on {}",
            grouped(*points),
            expires_on.format("%B %-d")
        ),
        (Reminder::NewNotices { count, .. }, Locale::Ja) => {
            format!("新しいお知らせが{count}件あります")
        }
        (Reminder::NewNotices { count: 1, .. }, Locale::En) => {
            "A new notice from your insurer".to_owned()
        }
        (Reminder::NewNotices { count, .. }, Locale::En) => {
            format!("{count} new notices from your insurer")
        }
    };
    Words { title, body }
}

fn names_ja(missing: Entries) -> Vec<&'static str> {
    [
        (missing.steps, "歩数"),
        (missing.weight, "体重"),
        (missing.goals, "行動目標"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

/// 歩数 / 歩数と体重 / 歩数、体重と行動目標
fn join_ja(missing: Entries) -> String {
    match names_ja(missing).as_slice() {
        [] => "記録".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{}と{last}", rest.join("、")),
    }
}

fn join_en(missing: Entries) -> String {
    let names: Vec<&str> = [
        (missing.steps, "steps"),
        (missing.weight, "weight"),
        (missing.goals, "goals"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    let (text, plural) = match names.as_slice() {
        [] => ("check-in".to_owned(), false),
        [one] => ((*one).to_owned(), *one != "weight"),
        [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), true),
    };
    format!("{text} {}", if plural { "are" } else { "is" })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    const STEPS_AND_WEIGHT: Entries = Entries {
        steps: true,
        weight: true,
        goals: false,
    };

    #[test]
    fn a_check_in_reminder_names_only_what_is_missing() {
        let r = Reminder::CheckIn {
            missing: STEPS_AND_WEIGHT,
            catch_up: false,
        };
        assert_eq!(
            words(&r, Locale::Ja, false).body,
            "今日の歩数と体重がまだ記録されていません"
        );
        assert_eq!(
            words(&r, Locale::En, false).body,
            "Today's steps and weight are not recorded yet"
        );
        let all = Reminder::CheckIn {
            missing: Entries::ALL,
            catch_up: true,
        };
        assert_eq!(
            words(&all, Locale::Ja, false).body,
            "今日の歩数、体重と行動目標がまだ記録されていません"
        );
        let weight = Reminder::CheckIn {
            missing: Entries {
                steps: false,
                weight: true,
                goals: false,
            },
            catch_up: false,
        };
        assert_eq!(
            words(&weight, Locale::En, false).body,
            "Today's weight is not recorded yet"
        );
    }

    #[test]
    fn expiring_points_give_the_amount_and_the_day_unless_locked() {
        let r = Reminder::PointsExpiring {
            points: 1240,
            expires_on: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
            days_before: 30,
        };
        assert_eq!(
            words(&r, Locale::Ja, false).body,
            "1,240ポイントが3月31日に失効します"
        );
        assert_eq!(
            words(&r, Locale::En, false).body,
            "1,240 points expire on March 31"
        );
        assert_eq!(
            words(&r, Locale::Ja, true).body,
            "まもなく失効するポイントがあります"
        );
    }

    #[test]
    fn a_locked_app_reminds_generically() {
        let r = Reminder::CheckIn {
            missing: STEPS_AND_WEIGHT,
            catch_up: false,
        };
        let shown = words(&r, Locale::Ja, true).body;
        assert_eq!(shown, "今日の記録がまだ済んでいません");
        assert!(!shown.contains("歩数"));
    }
}
