// Hanako's checkups as the core reviews them, newest first: 2026年度 one
// that earned BMI and 禁煙, two of 2025年度 (one over the BMI range, a
// smoker's, without a health age). Between them every outcome a rule can
// have.
import type { CheckupDetail_Serialize, CheckupsView_Serialize, Outcome, RuleReview } from "../bindings";

const LABELS: Record<string, [string, string, number]> = {
  checkup_bmi: ["健診結果（BMI）", "Checkup result (BMI)", 500],
  checkup_nonsmoker: ["健診結果（禁煙）", "Checkup result (non-smoker)", 500],
  health_age: ["健康年齢", "Health age", 500],
  spouse_checkup: ["配偶者健診", "Spouse's checkup", 1000],
  checkup_taken: ["健診受診", "Checkup taken", 300],
};

export function rule(code: string, outcome: Outcome): RuleReview {
  const [label_ja, label_en, points] = LABELS[code] ?? [code, code, 0];
  return { code, label_ja, label_en, points, outcome };
}

export const june2026: CheckupDetail_Serialize = {
  checkup: {
    date: "2026-06-01",
    height_cm: 170,
    weight_kg: 65,
    bmi: 22.5,
    smoker: false,
    health_age: 44,
    real_age: 47,
    points_granted: [
      { date: "2026-06-01", code: "checkup_bmi", points: 500 },
      { date: "2026-06-01", code: "checkup_nonsmoker", points: 500 },
    ],
  },
  fiscal_year: 2026,
  bmi_class: "normal",
  rules: [
    rule("checkup_bmi", { kind: "earned", points: 500 }),
    rule("checkup_nonsmoker", { kind: "earned", points: 500 }),
    rule("health_age", { kind: "health_age_not_younger", health_age: 44, real_age: 47, years: 5 }),
    rule("spouse_checkup", { kind: "not_eligible" }),
  ],
};

export const october2025: CheckupDetail_Serialize = {
  checkup: {
    date: "2025-10-15",
    height_cm: 170,
    weight_kg: 75.4,
    bmi: 26.1,
    smoker: true,
    health_age: null,
    real_age: 46,
    points_granted: [],
  },
  fiscal_year: 2025,
  bmi_class: "obesity1",
  rules: [
    rule("checkup_bmi", { kind: "bmi_out_of_range", bmi: 26.1, min: 18.5, below: 25 }),
    rule("checkup_nonsmoker", { kind: "smoker" }),
    rule("health_age", { kind: "no_health_age" }),
    rule("checkup_taken", { kind: "earned_by_another", date: "2025-05-20" }),
  ],
};

export const may2025: CheckupDetail_Serialize = {
  checkup: {
    date: "2025-05-20",
    height_cm: 170.2,
    weight_kg: 68,
    bmi: 23.5,
    smoker: false,
    health_age: 40,
    real_age: 46,
    points_granted: [{ date: "2025-05-20", code: "checkup_taken", points: 300 }],
  },
  fiscal_year: 2025,
  bmi_class: "normal",
  rules: [
    rule("checkup_taken", { kind: "earned", points: 300 }),
    rule("health_age", { kind: "other_terms" }),
  ],
};

export function checkupsView(change: Partial<CheckupsView_Serialize> = {}): CheckupsView_Serialize {
  return { checkups: [june2026, october2025, may2025], offline: false, ...change };
}
