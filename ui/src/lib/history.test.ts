import { describe, expect, it } from "vitest";
import type { TableRow } from "../bindings";
import { axisLabel, dayToTs, shiftMonth, sortRows, tsToDay, weekdayOf } from "./history";

const WEEKDAYS = ["日", "月", "火", "水", "木", "金", "土"];

describe("history helpers", () => {
  it("puts a Japanese day at 00:00 JST and reads it back, whatever the PC's zone", () => {
    const ts = dayToTs("2026-12-02");
    expect(ts).toBe(Date.UTC(2026, 11, 1, 15) / 1000);
    expect(tsToDay(ts)).toBe("2026-12-02");
    expect(tsToDay(ts + 86_399)).toBe("2026-12-02");
    expect(weekdayOf("2026-12-02")).toBe(3);
  });

  it("labels the time axis by month when ticks are far apart, else by day with its weekday", () => {
    const ts = dayToTs("2026-12-02");
    expect(axisLabel(ts, 30 * 86_400, "ja", WEEKDAYS)).toBe("2026年12月");
    expect(axisLabel(ts, 86_400, "ja", WEEKDAYS)).toBe("12/2(水)");
  });

  it("moves months across years", () => {
    expect(shiftMonth(2026, 1, -1)).toEqual({ year: 2025, month: 12 });
    expect(shiftMonth(2026, 12, 1)).toEqual({ year: 2027, month: 1 });
    expect(shiftMonth(2026, 4, -16)).toEqual({ year: 2024, month: 12 });
  });

  it("sorts rows by a column with empty cells last both ways", () => {
    const row = (date: string, steps: number | null, goal: boolean | null): TableRow => ({
      date,
      steps,
      weight_kg: null,
      goals: [goal],
      points: 0,
    });
    const rows = [row("2026-12-01", 5000, true), row("2026-12-02", null, null), row("2026-12-03", 9000, false)];
    expect(sortRows(rows, "steps", true).map((r) => r.date)).toEqual(["2026-12-01", "2026-12-03", "2026-12-02"]);
    expect(sortRows(rows, "steps", false).map((r) => r.date)).toEqual(["2026-12-03", "2026-12-01", "2026-12-02"]);
    expect(sortRows(rows, "goal:0", false).map((r) => r.date)).toEqual(["2026-12-01", "2026-12-03", "2026-12-02"]);
    expect(sortRows(rows, "date", false)[0]?.date).toBe("2026-12-03");
  });
});
