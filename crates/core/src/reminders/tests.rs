use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, Utc};
use kenpo_domain::entry::{EntryValue, Steps, Weight};
use kenpo_domain::reminder::Entries;

use super::*;
use crate::clock::SettableClock;
use crate::store::tests::scratch;

#[derive(Default)]
struct Caught(Mutex<Vec<DeskEvent>>);

impl EventSink for Caught {
    fn emit(&self, event: DeskEvent) {
        self.0.lock().unwrap().push(event);
    }
}

fn jst(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

async fn setup(
    at: &str,
) -> (
    tempfile::TempDir,
    Arc<Reminders>,
    Arc<SettableClock>,
    Arc<Caught>,
) {
    let (dir, store) = scratch().await;
    let clock = Arc::new(SettableClock::starting_at(jst(at)));
    let caught = Arc::new(Caught::default());
    let reminders = Reminders::new(store, EntryWindow::default(), clock.clone(), caught.clone());
    (dir, reminders, clock, caught)
}

fn check_ins(caught: &Caught) -> Vec<Entries> {
    caught
        .0
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            DeskEvent::Reminder(Reminder::CheckIn { missing, .. }) => Some(*missing),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_slot_reminds_once_and_names_what_is_missing() {
    // Wednesday 2026-12-02, just past the 12:30 slot.
    let (_dir, reminders, _clock, caught) = setup("2026-12-02T12:30:05+09:00").await;
    let saved_at: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2026-12-02T08:00:00+09:00").unwrap();
    reminders
        .store
        .save(
            saved_at.date_naive(),
            EntryValue::Steps(Steps::new(4000).unwrap()),
            saved_at,
        )
        .await
        .unwrap();
    reminders.check().await.unwrap();
    reminders.check().await.unwrap();
    assert_eq!(
        check_ins(&caught),
        vec![Entries {
            steps: false,
            weight: true,
            goals: false
        }],
        "one reminder for the slot, for the weight only (no goals set)"
    );
}

#[tokio::test]
async fn nothing_is_reminded_once_the_day_is_in() {
    let (_dir, reminders, _clock, caught) = setup("2026-12-02T12:31:00+09:00").await;
    let at: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2026-12-02T12:00:00+09:00").unwrap();
    let day = at.date_naive();
    reminders
        .store
        .save(day, EntryValue::Steps(Steps::new(4000).unwrap()), at)
        .await
        .unwrap();
    reminders
        .store
        .save(
            day,
            EntryValue::Weight("61.2".parse::<Weight>().unwrap()),
            at,
        )
        .await
        .unwrap();
    reminders.check().await.unwrap();
    assert!(check_ins(&caught).is_empty());
}

#[tokio::test]
async fn the_log_survives_a_restart_so_a_slot_is_not_shown_again() {
    let (_dir, reminders, _clock, caught) = setup("2026-12-02T12:30:30+09:00").await;
    reminders.check().await.unwrap();
    assert_eq!(check_ins(&caught).len(), 1);
    // A new task on the same store, as after a relaunch.
    let again = Reminders::new(
        reminders.store.clone(),
        EntryWindow::default(),
        reminders.clock.clone(),
        caught.clone(),
    );
    again.check().await.unwrap();
    assert_eq!(check_ins(&caught).len(), 1);
}

#[tokio::test]
async fn a_snooze_holds_the_reminder_then_brings_it_back() {
    let (_dir, reminders, clock, caught) = setup("2026-12-02T12:30:00+09:00").await;
    reminders.check().await.unwrap();
    assert_eq!(check_ins(&caught).len(), 1);
    assert!(matches!(
        reminders.snooze(20).await,
        Err(RemindersError::Snooze)
    ));
    reminders.snooze(15).await.unwrap();
    clock.set(jst("2026-12-02T12:40:00+09:00"));
    reminders.check().await.unwrap();
    assert_eq!(check_ins(&caught).len(), 1, "still snoozed");
    clock.set(jst("2026-12-02T12:45:30+09:00"));
    reminders.check().await.unwrap();
    assert_eq!(check_ins(&caught).len(), 2, "back after 15 minutes");
}

#[tokio::test]
async fn a_schedule_is_kept_normalised_and_bad_ones_are_refused() {
    let (_dir, reminders, _clock, _caught) = setup("2026-12-02T09:00:00+09:00").await;
    assert_eq!(reminders.schedule().await.unwrap(), Schedule::default());
    let schedule = Schedule {
        times: vec![
            "17:30".parse().unwrap(),
            "09:00".parse().unwrap(),
            "09:00".parse().unwrap(),
        ],
        weekdays: vec![5, 1],
        ..Schedule::default()
    };
    let kept = reminders.set_schedule(schedule).await.unwrap();
    assert_eq!(
        kept.times,
        vec!["09:00".parse().unwrap(), "17:30".parse().unwrap()]
    );
    assert_eq!(kept.weekdays, vec![1, 5]);
    assert_eq!(reminders.schedule().await.unwrap(), kept);

    let bad = Schedule {
        weekdays: vec![8],
        ..Schedule::default()
    };
    assert!(matches!(
        reminders.set_schedule(bad).await,
        Err(RemindersError::Schedule(ReminderError::BadWeekday))
    ));
    assert_eq!(
        reminders.schedule().await.unwrap(),
        kept,
        "nothing half kept"
    );
}

#[tokio::test]
async fn the_background_task_reminds_when_poked_and_stops() {
    let (_dir, reminders, _clock, caught) = setup("2026-12-02T17:30:10+09:00").await;
    let task = reminders.start();
    for _ in 0..100 {
        if !check_ins(&caught).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(check_ins(&caught).len(), 1);
    reminders.stop();
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .unwrap()
        .unwrap();
}
