import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { locale } from "svelte-i18n";
import { afterEach, describe, expect, it, vi } from "vitest";
import { events } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { checkupsView, june2026 } from "../test/checkups";
import { fail, fakeRoutes, type Handler, mockCommands } from "../test/ipc";
import CheckupsScreen from "./CheckupsScreen.svelte";

// jsdom draws no canvas: the chart library never arrives, the chart's card and table do.
vi.mock("../lib/uplot", () => ({ loadUPlot: () => new Promise(() => {}) }));

afterEach(async () => {
  clearMocks();
  await locale.set("ja");
});

function show(handlers: Record<string, Handler> = {}) {
  const calls = mockCommands({ checkups_get: () => checkupsView(), ...handlers });
  render(CheckupsScreen);
  return calls;
}

const line = (code: string) => screen.getByTestId(`checkup-rule-${code}`);
const outcome = (code: string) => screen.getByTestId(`checkup-rule-${code}-outcome`).textContent?.trim();

describe("CheckupsScreen", () => {
  it("lists the checkups by fiscal year, newest first, each with its day and BMI; the newest shows", async () => {
    show();
    const list = await screen.findByTestId("checkup-list");
    expect([...list.querySelectorAll("h3")].map((h) => h.textContent)).toEqual(["2026年度", "2025年度"]);
    expect(within(list).getAllByRole("button").map((b) => b.dataset.testid)).toEqual([
      "checkup-2026-06-01",
      "checkup-2025-10-15",
      "checkup-2025-05-20",
    ]);
    expect(screen.getByTestId("checkup-2025-10-15").textContent).toContain("2025/10/15");
    expect(screen.getByTestId("checkup-2025-10-15").textContent).toContain("BMI 26.1");
    expect(screen.getByTestId("checkup-2026-06-01").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("checkup-detail").dataset.date).toBe("2026-06-01");
  });

  it("shows what a checkup measured: height, weight, BMI and its class, smoking, health age", async () => {
    show();
    await screen.findByTestId("checkup-detail");
    expect(screen.getByTestId("checkup-height").textContent).toBe("170.0 cm");
    expect(screen.getByTestId("checkup-weight").textContent).toBe("65.0 kg");
    expect(screen.getByTestId("checkup-bmi").textContent).toBe("22.5");
    expect(screen.getByTestId("checkup-bmi-class").textContent).toBe("普通体重");
    expect(screen.getByTestId("checkup-smoker").textContent).toBe("なし");
    expect(screen.getByTestId("checkup-health-age").textContent?.trim()).toBe("44歳（実年齢 47歳）");

    await fireEvent.click(screen.getByTestId("checkup-2025-10-15"));
    expect(screen.getByTestId("checkup-detail").dataset.date).toBe("2025-10-15");
    expect(screen.getByTestId("checkup-2025-10-15").getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("checkup-bmi").textContent).toBe("26.1");
    expect(screen.getByTestId("checkup-bmi-class").textContent).toBe("肥満（1度）");
    expect(screen.getByTestId("checkup-smoker").textContent).toBe("あり");
    expect(screen.getByTestId("checkup-health-age").textContent?.trim()).toBe("記載なし（実年齢 46歳）");
  });

  it("says for each rule what the checkup earned, or why not", async () => {
    show();
    await screen.findByTestId("checkup-detail");
    expect(line("checkup_bmi").dataset.outcome).toBe("earned");
    expect(line("checkup_bmi").textContent).toContain("健診結果（BMI）");
    expect(line("checkup_bmi").textContent).toContain("500ポイント");
    expect(outcome("checkup_bmi")).toBe("+500ポイント 獲得");
    expect(line("health_age").dataset.outcome).toBe("health_age_not_younger");
    expect(outcome("health_age")).toBe("健康年齢 44歳: 実年齢 47歳より5歳以上若くありません");
    expect(line("spouse_checkup").dataset.outcome).toBe("not_eligible");
    expect(outcome("spouse_checkup")).toBe("対象外です");

    await fireEvent.click(screen.getByTestId("checkup-2025-10-15"));
    expect(line("checkup_bmi").dataset.outcome).toBe("bmi_out_of_range");
    expect(outcome("checkup_bmi")).toBe("BMI 26.1: 18.5以上25未満ではありません");
    expect(outcome("checkup_nonsmoker")).toBe("喫煙ありのため対象外です");
    expect(outcome("health_age")).toBe("健康年齢の記載がありません");
    expect(line("checkup_taken").dataset.outcome).toBe("earned_by_another");
    expect(outcome("checkup_taken")).toBe("2025/05/20の健診で獲得済み（年度に1回）");

    await fireEvent.click(screen.getByTestId("checkup-2025-05-20"));
    expect(line("health_age").dataset.outcome).toBe("other_terms");
    expect(outcome("health_age")).toBe("この健診では条件を満たしていません（年齢や健診の種類など）");
    expect(outcome("checkup_taken")).toBe("+300ポイント 獲得");
  });

  it("in English, names the rules and says the outcomes in English", async () => {
    await locale.set("en");
    show();
    await screen.findByTestId("checkup-detail");
    await fireEvent.click(screen.getByTestId("checkup-2025-10-15"));
    expect(line("checkup_bmi").textContent).toContain("Checkup result (BMI)");
    expect(outcome("checkup_bmi")).toBe("BMI 26.1: not from 18.5 to below 25");
    expect(screen.getByTestId("checkup-bmi-class").textContent).toBe("Obesity (class 1)");
  });

  it("charts BMI and weight once there are two checkups, with the figures as a table too", async () => {
    show();
    const chart = await screen.findByTestId("checkup-chart");
    const rows = [...within(chart).getByTestId("checkup-chart-table").querySelectorAll("tbody tr")];
    expect(rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
      ["2025/05/20", "23.5", "68.0"],
      ["2025/10/15", "26.1", "75.4"],
      ["2026/06/01", "22.5", "65.0"],
    ]);
  });

  it("has no chart for a single checkup", async () => {
    show({ checkups_get: () => checkupsView({ checkups: [june2026] }) });
    expect(await screen.findByTestId("checkup-detail")).toBeTruthy();
    expect(screen.queryByTestId("checkup-chart")).toBeNull();
  });

  it("says so when there are no checkup results yet, and still offers the reports", async () => {
    show({ checkups_get: () => checkupsView({ checkups: [] }) });
    expect((await screen.findByTestId("checkups-empty")).textContent).toBe("健診結果はまだありません");
    expect(screen.queryByTestId("checkup-detail")).toBeNull();
    expect(screen.queryByTestId("checkup-chart")).toBeNull();
    expect(screen.getByTestId("reports")).toBeTruthy();
  });

  it("says when the results are those of the last sync", async () => {
    show({ checkups_get: () => checkupsView({ offline: true }) });
    expect((await screen.findByTestId("checkups-offline")).textContent).toBe(ja["checkups.offline"]);
    expect(screen.getByTestId("checkup-detail")).toBeTruthy();
  });

  it("loads again when the points moved (a sync brought a result)", async () => {
    let view = checkupsView({ checkups: [] });
    const calls = show({ checkups_get: () => view });
    await screen.findByTestId("checkups-empty");
    view = checkupsView();
    await events.pointsChanged.emit();
    expect(await screen.findByTestId("checkup-detail")).toBeTruthy();
    expect(calls.of("checkups_get")).toHaveLength(2);
  });

  it("says what went wrong", async () => {
    show({ checkups_get: () => fail("local_database") });
    expect((await screen.findByTestId("checkups-error")).textContent).toBe(ja["error.local_database"]);
  });

  it("shows nothing of its own for a locked app", async () => {
    const routes = fakeRoutes();
    show({ checkups_get: () => fail("locked") });
    await vi.waitFor(() => expect(routes.locked).toHaveBeenCalled());
    expect(screen.queryByTestId("checkups-error")).toBeNull();
  });
});
