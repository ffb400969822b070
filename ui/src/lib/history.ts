// The 履歴 screens' arithmetic that is only about showing: chart time
// stamps for Japan's days, Japanese axis labels, the month grid, sorting
// the table. What is counted (averages, totals, streaks) comes from the
// core.
import type { TableRow } from "../bindings";

const DAY = 86_400;
const JST = 9 * 3600;

/** A "YYYY-MM-DD" day as the chart's x: 00:00 in Japan, in Unix seconds. */
export function dayToTs(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / 1000 - JST;
}

/** The Japanese day of a chart x. */
export function tsToDay(ts: number): string {
  return new Date((Math.round(ts) + JST) * 1000).toISOString().slice(0, 10);
}

/** 0 (Sunday) to 6 (Saturday). */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/**
 * The chart's date labels: months (2026年12月) when ticks are a month or
 * more apart, else days with their weekday (12/2(水)); English likewise.
 */
export function axisLabel(ts: number, increment: number, lang: string, weekdays: string[]): string {
  const day = tsToDay(ts);
  const [y, m, d] = day.split("-").map(Number);
  if (increment >= 28 * DAY) return lang === "ja" ? `${y}年${m}月` : `${m}/${y}`;
  return `${m}/${d}(${weekdays[weekdayOf(day)] ?? ""})`;
}

/** The month `delta` months from `year`-`month`. */
export function shiftMonth(year: number, month: number, delta: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export type SortKey = "date" | "steps" | "weight_kg" | "points" | `goal:${number}`;

/** The table's rows sorted by `key`; empty cells last whichever the direction. */
export function sortRows(rows: TableRow[], key: SortKey, ascending: boolean): TableRow[] {
  const value = (row: TableRow): number | string | null => {
    if (key === "date") return row.date;
    if (key.startsWith("goal:")) {
      const goal = row.goals[Number(key.slice(5))];
      return goal == null ? null : goal ? 1 : 0;
    }
    return row[key as "steps" | "weight_kg" | "points"] ?? null;
  };
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === null && y === null) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  });
}
