import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { events, type CalendarDay, type MonthView, type TableView, type TotalsView } from "../bindings";
import "../lib/i18n";
import { addDays, todayJst } from "../lib/jst";
import ja from "../locales/ja.json";
import { mockCommands } from "../test/ipc";
import HistoryScreen from "./HistoryScreen.svelte";

afterEach(() => clearMocks());

const today = todayJst();

function month(year: number, m: number): MonthView {
  const first = `${year}-${String(m).padStart(2, "0")}-01`;
  const days: CalendarDay[] = [];
  for (let date = first; date.slice(5, 7) === first.slice(5, 7); date = addDays(date, 1)) {
    days.push({
      date,
      steps: date.endsWith("-02") ? 8123 : null,
      weight_kg: date.endsWith("-02") ? 65.4 : null,
      goals_achieved: date.endsWith("-02") ? 1 : 0,
      goals_recorded: date.endsWith("-02") ? 2 : 0,
      points: date.endsWith("-02") ? 25 : 0,
      earns: date <= today && date > addDays(today, -30),
      future: date > today,
    });
  }
  return { year, month: m, today, days };
}

describe("HistoryScreen", () => {
  it("shows this month's days with what was entered, and moves month to month", async () => {
    const calls = mockCommands({ history_month: ({ year, month: m }) => month(year as number, m as number) });
    render(HistoryScreen, { onopenday: () => {} });
    const [y, m] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
    const heading = await screen.findByTestId("calendar-month");
    expect(heading.textContent?.trim()).toBe(`${y}年${m}月`);
    const second = await screen.findByRole("button", { name: /2日.*8,123歩、65.4kg、目標 1\/2、25P/ });
    expect(second.dataset.empty).toBe("false");
    expect((screen.getByTestId("calendar-next") as HTMLButtonElement).disabled, "no month after this one").toBe(true);
    await fireEvent.click(screen.getByTestId("calendar-prev"));
    const before = m === 1 ? { year: y - 1, month: 12 } : { year: y, month: m - 1 };
    await vi.waitFor(() =>
      expect(screen.getByTestId("calendar-month").textContent?.trim()).toBe(`${before.year}年${before.month}月`),
    );
    expect(calls.of("history_month")).toContainEqual(before);
    const asked = calls.of("history_month").length;
    await events.recordsChanged.emit();
    await vi.waitFor(() => expect(calls.of("history_month").length, "changed records are fetched again").toBeGreaterThan(asked));
  });

  it("opens a day with Enter and moves between days with the arrow keys", async () => {
    mockCommands({ history_month: ({ year, month: m }) => month(year as number, m as number) });
    const onopenday = vi.fn();
    render(HistoryScreen, { onopenday });
    const todayCell = await screen.findByRole("button", { current: "date" });
    expect(todayCell.dataset.date).toBe(today);
    expect(todayCell.tabIndex).toBe(0);
    await fireEvent.keyDown(todayCell, { key: "ArrowLeft" });
    const yesterday = addDays(today, -1);
    await vi.waitFor(() => expect((document.activeElement as HTMLElement).dataset.date).toBe(yesterday));
    await fireEvent.click(document.activeElement as HTMLElement);
    expect(onopenday).toHaveBeenCalledWith(yesterday);
  });

  it("shows the fiscal-year totals and the streaks", async () => {
    const totals: TotalsView = {
      step_goal: 8000,
      streaks: { current: 12, longest: 40, longest_end: "2026-06-30" },
      years: [
        { fiscal_year: 2025, days_recorded: 300, steps_total: 2_400_000, steps_average: 8000, days_at_goal: 150, weight_first: 72, weight_last: 70.5, weight_change: -1.5, goals_achieved: 200, points_earned: 4000, points_spent: 3000, points_expired: 0 },
        { fiscal_year: 2026, days_recorded: 200, steps_total: 1_700_000, steps_average: 8500, days_at_goal: 120, weight_first: 70.5, weight_last: 69, weight_change: -1.5, goals_achieved: 150, points_earned: 2500, points_spent: 0, points_expired: 50 },
      ],
    };
    mockCommands({ history_month: ({ year, month: m }) => month(year as number, m as number), history_totals: () => totals });
    render(HistoryScreen, { onopenday: () => {} });
    await fireEvent.click(screen.getByTestId("history-view-totals"));
    const rows = await screen.findAllByTestId("totals-row");
    expect(rows.map((r) => r.dataset.year), "newest first").toEqual(["2026", "2025"]);
    expect(within(rows[0] as HTMLElement).getByRole("rowheader").textContent).toBe("2026年度");
    expect(rows[0]?.textContent).toContain("1,700,000");
    expect(rows[0]?.textContent).toMatch(/[-−]1\.5 kg/);
    expect(screen.getByTestId("streak-current").textContent).toContain("12日");
    expect(screen.getByTestId("streak-longest").textContent).toContain("40日");
  });

  it("sorts the table by a column and saves the range as CSV where the member chose", async () => {
    const table: TableView = {
      from: addDays(today, -30),
      to: today,
      goals: [{ id: 1, label: "1日8,000歩あるく" }],
      rows: [
        { date: addDays(today, -2), steps: 9000, weight_kg: 65.1, goals: [true], points: 15 },
        { date: addDays(today, -1), steps: 4000, weight_kg: null, goals: [false], points: 10 },
        { date: today, steps: null, weight_kg: 64.9, goals: [null], points: 0 },
      ],
    };
    const calls = mockCommands({
      history_month: ({ year, month: m }) => month(year as number, m as number),
      history_table: () => table,
      "plugin:dialog|save": () => "/home/hanako/kenpo.csv",
      history_export_csv: () => 3,
    });
    render(HistoryScreen, { onopenday: () => {} });
    await fireEvent.click(screen.getByTestId("history-view-table"));
    const dates = async () => (await screen.findAllByTestId("table-row")).map((r) => r.dataset.date);
    expect(await dates(), "newest first").toEqual([today, addDays(today, -1), addDays(today, -2)]);
    await fireEvent.click(screen.getByTestId("sort-steps"));
    expect(await dates(), "fewest steps first, empty last").toEqual([addDays(today, -1), addDays(today, -2), today]);
    expect(screen.getByTestId("table-days").textContent).toContain("1日8,000歩あるく");
    expect(screen.getByTestId("table-days").textContent).toContain("未達成");

    await fireEvent.click(screen.getByTestId("table-csv"));
    expect((await screen.findByTestId("table-csv-done")).textContent).toBe(
      ja["history.table.csv_done"].replace("{count}", "3"),
    );
    expect(calls.of("history_export_csv")[0]).toMatchObject({
      from: table.from,
      to: table.to,
      path: "/home/hanako/kenpo.csv",
      words: { date: "日付", steps: "歩数", weight: "体重(kg)", points: "ポイント", achieved: "達成", not_achieved: "未達成" },
    });
  });
});
