// The reminder settings' small rules, as the core keeps them (kenpo-domain's
// `Schedule`): times of day written "HH:MM", at most six a day, weekdays
// numbered 1 (Monday) to 7 (Sunday). The core checks them again and answers
// the schedule as kept (sorted, without repeats); these only spare the
// member a round trip, and make sure what is sent can be read at all.
import type { CommandError } from "../bindings";

/** The most reminder times a day (kenpo-domain's `MAX_TIMES`). */
export const MAX_TIMES = 6;

/** ISO weekday numbers, Monday first. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Quiet hours offered when the member turns them on: the night. */
export const DEFAULT_QUIET = { from: "22:00", to: "07:00" } as const;

/** The parts of the form a refused schedule points at. */
export type ReminderField = "times" | "weekdays" | "quiet";

/**
 * A time as the core reads it ("07:05"), from what a time input gives
 * (some add seconds: "07:05:00"); `null` when it is empty or not a time.
 */
export function dayTime(text: string): string | null {
  const match = /^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(text.trim());
  if (!match) return null;
  const [, hour = "", minute = ""] = match;
  return Number(hour) < 24 && Number(minute) < 60 ? `${hour}:${minute}` : null;
}

/** A time to offer for a new reminder: the first whole hour from 20:00 on not chosen yet. */
export function nextFreeTime(times: readonly string[]): string {
  for (let step = 0; step < 24; step++) {
    const time = `${String((20 + step) % 24).padStart(2, "0")}:00`;
    if (!times.includes(time)) return time;
  }
  return "20:00";
}

/** Which part of the form a refused schedule points at: the error's `field`, else its code's. */
export function reminderField(error: CommandError): ReminderField | null {
  const field = error.field;
  if (field === "times" || field === "weekdays" || field === "quiet") return field;
  if (error.code === "reminder_bad_time" || error.code === "reminder_too_many_times") return "times";
  if (error.code === "reminder_bad_weekday") return "weekdays";
  if (error.code === "reminder_empty_quiet") return "quiet";
  return null;
}
