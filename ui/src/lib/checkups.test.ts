import { describe, expect, it } from "vitest";
import type { Outcome } from "../bindings";
import en from "../locales/en.json";
import ja from "../locales/ja.json";
import { checkupsView } from "../test/checkups";
import { BMI_CLASS_KEYS, bound, byFiscalYear, outcomeMessage, reportPoints } from "./checkups";

/** The sentence a locale makes of an outcome (placeholders filled as svelte-i18n does). */
function said(outcome: Outcome, lang: "ja" | "en" = "ja"): string {
  const message = outcomeMessage(outcome, lang);
  const table: Record<string, string> = lang === "ja" ? ja : en;
  return (table[message.key] ?? message.key).replace(/\{(\w+)\}/g, (_m, name: string) => message.values[name] ?? "");
}

describe("outcomeMessage", () => {
  it("says each outcome in the leaflet's words", () => {
    expect(said({ kind: "earned", points: 500 })).toBe("+500ポイント 獲得");
    expect(said({ kind: "earned", points: 1000 })).toBe("+1,000ポイント 獲得");
    expect(said({ kind: "earned_by_another", date: "2026-06-01" })).toBe("2026/06/01の健診で獲得済み（年度に1回）");
    expect(said({ kind: "not_eligible" })).toBe("対象外です");
    expect(said({ kind: "bmi_out_of_range", bmi: 26.1, min: 18.5, below: 25 })).toBe("BMI 26.1: 18.5以上25未満ではありません");
    expect(said({ kind: "smoker" })).toBe("喫煙ありのため対象外です");
    expect(said({ kind: "no_health_age" })).toBe("健康年齢の記載がありません");
    expect(said({ kind: "health_age_not_younger", health_age: 44, real_age: 47, years: 5 })).toBe(
      "健康年齢 44歳: 実年齢 47歳より5歳以上若くありません",
    );
    expect(said({ kind: "other_terms" })).toBe("この健診では条件を満たしていません（年齢や健診の種類など）");
  });

  it("writes a BMI with one decimal and a bound as the leaflet does", () => {
    expect(said({ kind: "bmi_out_of_range", bmi: 17, min: 18.5, below: 25 })).toBe("BMI 17.0: 18.5以上25未満ではありません");
    expect(said({ kind: "bmi_out_of_range", bmi: 26.1, min: 18.5, below: 25 }, "en")).toBe("BMI 26.1: not from 18.5 to below 25");
    expect(bound(25, "ja")).toBe("25");
    expect(bound(18.5, "en")).toBe("18.5");
  });

  it("has words in both languages for every outcome and BMI class", () => {
    const kinds = ["earned", "earned_by_another", "not_eligible", "bmi_out_of_range", "smoker", "no_health_age", "health_age_not_younger", "other_terms"];
    for (const key of [...kinds.map((kind) => `checkups.outcome.${kind}`), ...Object.values(BMI_CLASS_KEYS)]) {
      expect(ja, key).toHaveProperty([key]);
      expect(en, key).toHaveProperty([key]);
    }
    expect(ja["checkups.bmi_class.obesity1"]).toBe("肥満（1度）");
  });
});

describe("byFiscalYear", () => {
  it("groups the checkups by fiscal year, newest first as given", () => {
    const groups = byFiscalYear(checkupsView().checkups);
    expect(groups.map((g) => [g.year, g.checkups.map((c) => c.checkup.date)])).toEqual([
      [2026, ["2026-06-01"]],
      [2025, ["2025-10-15", "2025-05-20"]],
    ]);
  });
});

describe("reportPoints", () => {
  it("adds up what a report earned (0 for nothing)", () => {
    expect(reportPoints({ report_id: 1, points_granted: [{ date: "2026-11-02", code: "flu_vaccine", points: 300 }] })).toBe(300);
    expect(reportPoints({ report_id: 2, points_granted: [] })).toBe(0);
  });
});
