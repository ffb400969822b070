use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::time::Clock;
use crate::time::FixedClock;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn jst(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    FixedClock::at_jst(y, m, day, h, min, 0).unwrap().now()
}

/// The Cabinet Office's list (内閣府「国民の祝日について」) for 2026 and 2027.
const OFFICIAL: [(i32, u32, u32); 35] = [
    (2026, 1, 1),
    (2026, 1, 12),
    (2026, 2, 11),
    (2026, 2, 23),
    (2026, 3, 20),
    (2026, 4, 29),
    (2026, 5, 3),
    (2026, 5, 4),
    (2026, 5, 5),
    (2026, 5, 6),
    (2026, 7, 20),
    (2026, 8, 11),
    (2026, 9, 21),
    (2026, 9, 22),
    (2026, 9, 23),
    (2026, 10, 12),
    (2026, 11, 3),
    (2026, 11, 23),
    (2027, 1, 1),
    (2027, 1, 11),
    (2027, 2, 11),
    (2027, 2, 23),
    (2027, 3, 21),
    (2027, 3, 22),
    (2027, 4, 29),
    (2027, 5, 3),
    (2027, 5, 4),
    (2027, 5, 5),
    (2027, 7, 19),
    (2027, 8, 11),
    (2027, 9, 20),
    (2027, 9, 23),
    (2027, 10, 11),
    (2027, 11, 3),
    (2027, 11, 23),
];

#[test]
fn holidays_of_2026_and_2027_are_the_official_list() {
    let official: Vec<NaiveDate> = OFFICIAL.iter().map(|&(y, m, dd)| d(y, m, dd)).collect();
    let mut day = d(2026, 1, 1);
    let mut found = Vec::new();
    while day <= d(2027, 12, 31) {
        if is_holiday(day) {
            found.push(day);
        }
        day = day.succ_opt().unwrap();
    }
    assert_eq!(found, official);
}

#[test]
fn day_times_read_and_write_as_hh_mm() {
    let t: DayTime = "12:30".parse().unwrap();
    assert_eq!(t.to_string(), "12:30");
    assert_eq!("7:05".parse::<DayTime>().unwrap().to_string(), "07:05");
    for bad in [
        "24:00", "12:60", "1230", "", "12:3", "ab:cd", "-1:00", "12:30:00",
    ] {
        assert!(bad.parse::<DayTime>().is_err(), "{bad}");
    }
    assert_eq!(serde_json::to_string(&t).unwrap(), "\"12:30\"");
}

#[test]
fn quiet_hours_may_cross_midnight() {
    let q = Quiet {
        from: "22:00".parse().unwrap(),
        to: "07:00".parse().unwrap(),
    };
    assert!(q.contains("23:10".parse().unwrap()));
    assert!(q.contains("06:59".parse().unwrap()));
    assert!(!q.contains("07:00".parse().unwrap()));
    assert!(!q.contains("12:30".parse().unwrap()));
}

fn nothing_today() -> TodayHolds {
    TodayHolds {
        steps: false,
        weight: false,
        goals: 1,
        goals_answered: 0,
    }
}

fn ask(
    schedule: &Schedule,
    now: DateTime<Utc>,
    today: TodayHolds,
    log: &ReminderLog,
) -> Vec<Reminder> {
    due(&Situation {
        schedule,
        now,
        today,
        log,
        expiring: &[],
        notice_ids: &[],
    })
}

#[test]
fn a_slot_reminds_once_and_names_only_what_is_missing() {
    let s = Schedule::default();
    let mut log = ReminderLog::default();
    // Wednesday 2026-12-02.
    assert!(ask(&s, jst(2026, 12, 2, 12, 29), nothing_today(), &log).is_empty());
    let now = jst(2026, 12, 2, 12, 30);
    let today = TodayHolds {
        steps: true,
        ..nothing_today()
    };
    let due = ask(&s, now, today, &log);
    assert_eq!(
        due,
        vec![Reminder::CheckIn {
            missing: Entries {
                steps: false,
                weight: true,
                goals: true
            },
            catch_up: false
        }]
    );
    log.record(&due[0], now);
    assert!(ask(&s, jst(2026, 12, 2, 12, 31), today, &log).is_empty());
    assert_eq!(ask(&s, jst(2026, 12, 2, 17, 30), today, &log).len(), 1);
    let all_in = TodayHolds {
        steps: true,
        weight: true,
        goals: 1,
        goals_answered: 1,
    };
    assert!(ask(&s, jst(2026, 12, 2, 17, 30), all_in, &log).is_empty());
}

#[test]
fn a_start_past_two_slots_catches_up_once() {
    let s = Schedule::default();
    let mut log = ReminderLog::default();
    let now = jst(2026, 12, 2, 19, 0);
    let due = ask(&s, now, nothing_today(), &log);
    assert_eq!(due.len(), 1);
    assert!(matches!(due[0], Reminder::CheckIn { catch_up: true, .. }));
    log.record(&due[0], now);
    assert!(ask(&s, jst(2026, 12, 2, 23, 59), nothing_today(), &log).is_empty());
    // The next morning, before the first slot: yesterday is not reminded.
    assert!(ask(&s, jst(2026, 12, 3, 9, 0), nothing_today(), &log).is_empty());
}

#[test]
fn holidays_weekends_and_quiet_hours_stay_silent() {
    let mut s = Schedule::default();
    let log = ReminderLog::default();
    // 2026-11-23 (Monday) is 勤労感謝の日; 2026-12-05 a Saturday.
    assert!(ask(&s, jst(2026, 11, 23, 12, 30), nothing_today(), &log).is_empty());
    assert!(ask(&s, jst(2026, 12, 5, 12, 30), nothing_today(), &log).is_empty());
    s.skip_holidays = false;
    assert_eq!(
        ask(&s, jst(2026, 11, 23, 12, 30), nothing_today(), &log).len(),
        1
    );
    s.quiet = Some(Quiet {
        from: "12:00".parse().unwrap(),
        to: "13:00".parse().unwrap(),
    });
    assert!(ask(&s, jst(2026, 11, 23, 12, 30), nothing_today(), &log).is_empty());
    // Quiet hours over: the slot they held is caught up.
    let after = ask(&s, jst(2026, 11, 23, 13, 0), nothing_today(), &log);
    assert!(
        matches!(after[..], [Reminder::CheckIn { catch_up: true, .. }]),
        "{after:?}"
    );
}

#[test]
fn a_snooze_holds_the_slots_then_reminds_once() {
    let s = Schedule::default();
    let mut log = ReminderLog::default();
    let shown = jst(2026, 12, 2, 12, 30);
    log.record(&ask(&s, shown, nothing_today(), &log)[0], shown);
    log.snooze(shown, 15);
    assert!(ask(&s, jst(2026, 12, 2, 12, 44), nothing_today(), &log).is_empty());
    let again = ask(&s, jst(2026, 12, 2, 12, 45), nothing_today(), &log);
    assert_eq!(again.len(), 1);
    log.record(&again[0], jst(2026, 12, 2, 12, 45));
    assert!(ask(&s, jst(2026, 12, 2, 12, 46), nothing_today(), &log).is_empty());
}

#[test]
fn new_notices_are_announced_once_and_old_ones_never() {
    let s = Schedule::default();
    let mut log = ReminderLog::default();
    let now = jst(2026, 12, 5, 10, 0);
    let ask_notices = |log: &ReminderLog, ids: &[u64]| {
        due(&Situation {
            schedule: &s,
            now,
            today: nothing_today(),
            log,
            expiring: &[],
            notice_ids: ids,
        })
    };
    assert!(
        ask_notices(&log, &[1, 2]).is_empty(),
        "nothing seen yet: no baseline"
    );
    log.baseline_notices(&[1, 2]);
    assert!(ask_notices(&log, &[1, 2]).is_empty());
    let due = ask_notices(&log, &[1, 2, 3, 4]);
    assert_eq!(
        due,
        vec![Reminder::NewNotices {
            count: 2,
            newest: 4
        }]
    );
    log.record(&due[0], now);
    assert!(ask_notices(&log, &[1, 2, 3, 4]).is_empty());
}

fn arb_schedule() -> impl Strategy<Value = Schedule> {
    (
        proptest::collection::vec((0u16..24, 0u16..60), 0..=4),
        proptest::collection::vec(1u8..=7, 0..=7),
        any::<(bool, bool, bool)>(),
        any::<bool>(),
        proptest::option::of(((0u16..24), (0u16..24))),
    )
        .prop_map(
            |(times, weekdays, (steps, weight, goals), skip_holidays, quiet)| {
                Schedule {
                    enabled: true,
                    times: times
                        .into_iter()
                        .filter_map(|(h, m)| DayTime::new(h, m))
                        .collect(),
                    weekdays,
                    entries: Entries {
                        steps,
                        weight,
                        goals,
                    },
                    skip_holidays,
                    quiet: quiet.filter(|(a, b)| a != b).map(|(a, b)| Quiet {
                        from: DayTime::new(a, 0).unwrap(),
                        to: DayTime::new(b, 0).unwrap(),
                    }),
                    points_expiry: true,
                    notices: true,
                }
                .normalised()
                .unwrap()
            },
        )
}

/// Instants over a week from 2026-12-28 (New Year holidays are not public
/// holidays but 1 January is), stepping by random gaps: minutes, or hours
/// of sleep.
fn arb_walk() -> impl Strategy<Value = Vec<i64>> {
    proptest::collection::vec(prop_oneof![1i64..=3, 1i64..=600], 1..400)
}

proptest! {
    #[test]
    fn never_two_reminders_for_one_slot_nor_any_on_a_skipped_day(
        schedule in arb_schedule(),
        walk in arb_walk(),
    ) {
        let mut log = ReminderLog::default();
        let mut now = jst(2026, 12, 28, 0, 0);
        let mut last_pending: Option<DateTime<Utc>> = None;
        for step in walk {
            now += Duration::minutes(step);
            let due = ask(&schedule, now, nothing_today(), &log);
            let check_ins: Vec<_> = due.iter().filter(|r| matches!(r, Reminder::CheckIn { .. })).collect();
            prop_assert!(check_ins.len() <= 1);
            if let Some(r) = check_ins.first() {
                let today = jst_date(now);
                prop_assert!(schedule.is_reminder_day(today), "reminded on a skipped day {today}");
                prop_assert!(!schedule.quiet.is_some_and(|q| q.contains(DayTime::of(&now))));
                // The slot it stands for: the latest passed today.
                let slot = schedule.times.iter().map(|t| at(today, *t)).filter(|t| *t <= now).max();
                prop_assert!(slot.is_some());
                prop_assert_ne!(slot, last_pending, "the same slot twice");
                last_pending = slot;
                log.record(r, now);
            }
        }
    }

    #[test]
    fn nothing_once_the_chosen_entries_are_in(
        schedule in arb_schedule(),
        walk in arb_walk(),
    ) {
        let log = ReminderLog::default();
        let all_in = TodayHolds { steps: true, weight: true, goals: 2, goals_answered: 2 };
        let mut now = jst(2026, 12, 28, 0, 0);
        for step in walk {
            now += Duration::minutes(step);
            prop_assert!(ask(&schedule, now, all_in, &log).is_empty());
        }
    }

    #[test]
    fn exactly_one_catch_up_after_a_gap(
        day in 0u32..60,
        gap_end in 0u16..(24 * 60),
    ) {
        let schedule = Schedule {
            weekdays: (1..=7).collect(),
            skip_holidays: false,
            ..Schedule::default()
        };
        let date = d(2027, 1, 1) + Duration::days(i64::from(day));
        let woke = at(date, DayTime(gap_end));
        // Asleep from midnight to `woke`, then awake each minute to the day's end.
        let mut log = ReminderLog::default();
        let mut shown = 0;
        let mut now = woke;
        let passed = schedule.times.iter().filter(|t| at(date, **t) <= woke).count();
        let mut first_after_wake = None;
        while jst_date(now) == date {
            for r in ask(&schedule, now, nothing_today(), &log) {
                if first_after_wake.is_none() { first_after_wake = Some(now); }
                log.record(&r, now);
                shown += 1;
            }
            now += Duration::minutes(1);
        }
        let later = schedule.times.iter().filter(|t| at(date, **t) > woke).count();
        // One for all the slots the gap held (if any), then one per later slot.
        prop_assert_eq!(shown, usize::from(passed > 0) + later);
        if passed > 0 {
            prop_assert_eq!(first_after_wake, Some(woke));
        }
    }

    #[test]
    fn expiry_warnings_come_at_exactly_30_and_7_days(
        points in 1i64..100_000,
        year in 2026i32..2040,
    ) {
        let schedule = Schedule::default();
        let expires_on = d(year + 1, 3, 31);
        let expiring = [Expiring { expires_on, points }];
        let mut log = ReminderLog::default();
        let mut warned_on = Vec::new();
        let mut day = d(year + 1, 1, 1);
        while day <= expires_on + Duration::days(3) {
            let now = at(day, DayTime(9 * 60));
            let due = due(&Situation { schedule: &schedule, now, today: nothing_today(), log: &log, expiring: &expiring, notice_ids: &[] });
            for r in due.iter().filter(|r| matches!(r, Reminder::PointsExpiring { .. })) {
                if let Reminder::PointsExpiring { points: p, days_before, .. } = r {
                    prop_assert_eq!(*p, points);
                    warned_on.push(((expires_on - day).num_days(), *days_before));
                }
                log.record(r, now);
            }
            day = day.succ_opt().unwrap();
        }
        prop_assert_eq!(warned_on, vec![(30, 30), (7, 7)]);
    }
}

#[test]
fn a_pc_off_on_the_thirtieth_day_warns_the_next_day_it_runs() {
    let schedule = Schedule::default();
    let expiring = [Expiring {
        expires_on: d(2027, 3, 31),
        points: 1240,
    }];
    let log = ReminderLog::default();
    let now = jst(2027, 3, 27, 9, 0);
    let due = due(&Situation {
        schedule: &schedule,
        now,
        today: nothing_today(),
        log: &log,
        expiring: &expiring,
        notice_ids: &[],
    });
    assert_eq!(
        due.iter()
            .filter(|r| matches!(r, Reminder::PointsExpiring { .. }))
            .cloned()
            .collect::<Vec<_>>(),
        vec![Reminder::PointsExpiring {
            points: 1240,
            expires_on: d(2027, 3, 31),
            days_before: 7
        }]
    );
}

#[test]
fn schedules_that_cannot_be_are_refused() {
    let mut s = Schedule {
        weekdays: vec![0],
        ..Schedule::default()
    };
    assert_eq!(s.clone().normalised(), Err(ReminderError::BadWeekday));
    s.weekdays = vec![5, 1, 1];
    s.times = vec![
        "17:30".parse().unwrap(),
        "12:30".parse().unwrap(),
        "12:30".parse().unwrap(),
    ];
    let n = s.clone().normalised().unwrap();
    assert_eq!(n.weekdays, vec![1, 5]);
    assert_eq!(n.times.len(), 2);
    s.times = (0..7).map(|h| DayTime::new(h, 0).unwrap()).collect();
    assert_eq!(s.normalised(), Err(ReminderError::TooManyTimes));
}
