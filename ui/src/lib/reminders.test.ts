import { describe, expect, it } from "vitest";
import { dayTime, nextFreeTime, reminderField } from "./reminders";

const refusal = (code: "reminder_bad_time" | "reminder_bad_weekday" | "reminder_empty_quiet" | "locked", field: string | null = null) => ({
  code,
  message: "never shown",
  api_code: null,
  field,
  offline: null,
  wait_secs: null,
});

describe("reminder rules", () => {
  it("reads a time input's value as the core writes times", () => {
    expect(dayTime("07:05")).toBe("07:05");
    expect(dayTime("07:05:00"), "some inputs add seconds").toBe("07:05");
    expect(dayTime("23:59")).toBe("23:59");
    expect(dayTime(""), "an empty input").toBeNull();
    expect(dayTime("24:00")).toBeNull();
    expect(dayTime("7:05")).toBeNull();
  });

  it("offers the first whole hour from 20:00 not chosen yet", () => {
    expect(nextFreeTime(["12:30", "17:30"])).toBe("20:00");
    expect(nextFreeTime(["20:00", "21:00"])).toBe("22:00");
    expect(nextFreeTime(["20:00", "21:00", "22:00", "23:00"])).toBe("00:00");
  });

  it("points a refusal at its part of the form: by its field, else by its code", () => {
    expect(reminderField(refusal("reminder_empty_quiet", "quiet"))).toBe("quiet");
    expect(reminderField(refusal("reminder_bad_time", "quiet"))).toBe("quiet");
    expect(reminderField(refusal("reminder_bad_time"))).toBe("times");
    expect(reminderField(refusal("reminder_bad_weekday"))).toBe("weekdays");
    expect(reminderField(refusal("locked"))).toBeNull();
  });
});
