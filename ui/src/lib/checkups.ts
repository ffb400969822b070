// The 健診・報告 screen's words: a checkup's BMI class, and for each rule
// what the checkup earned or why not, as the core reviewed it (the review
// is kenpo-domain's; this only says it). Checkups grouped by fiscal year,
// and the points a report earned.
import type { BmiClass, CheckupDetail, Outcome, ReportCreated } from "../bindings";
import type { ErrorMessage } from "./errors";
import { formatDay, formatNumber } from "./format";

export const BMI_CLASS_KEYS: Record<BmiClass, string> = {
  underweight: "checkups.bmi_class.underweight",
  normal: "checkups.bmi_class.normal",
  obesity1: "checkups.bmi_class.obesity1",
  obesity2: "checkups.bmi_class.obesity2",
  obesity3: "checkups.bmi_class.obesity3",
  obesity4: "checkups.bmi_class.obesity4",
};

/** A measured value to one decimal, as printed on the result: 22.5, 170.0. */
export function oneDecimal(value: number): string {
  return value.toFixed(1);
}

/** A bound of a range as the leaflet writes it: 18.5, 25 (no ".0"). */
export function bound(value: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1, useGrouping: false }).format(value);
}

/** What a rule's outcome says, e.g. 「BMI 26.1: 18.5以上25未満ではありません」. */
export function outcomeMessage(outcome: Outcome, locale: string): ErrorMessage {
  const key = `checkups.outcome.${outcome.kind}`;
  switch (outcome.kind) {
    case "earned":
      return { key, values: { points: formatNumber(outcome.points, locale) } };
    case "earned_by_another":
      return { key, values: { date: formatDay(outcome.date, locale) } };
    case "bmi_out_of_range":
      return {
        key,
        values: { bmi: oneDecimal(outcome.bmi), min: bound(outcome.min, locale), below: bound(outcome.below, locale) },
      };
    case "health_age_not_younger":
      return {
        key,
        values: {
          health_age: String(outcome.health_age),
          real_age: String(outcome.real_age),
          years: String(outcome.years),
        },
      };
    default:
      return { key, values: {} };
  }
}

export interface FiscalYearGroup {
  year: number;
  checkups: CheckupDetail[];
}

/** The checkups by fiscal year, in the order given (newest first). */
export function byFiscalYear(checkups: CheckupDetail[]): FiscalYearGroup[] {
  const groups: FiscalYearGroup[] = [];
  for (const detail of checkups) {
    const last = groups[groups.length - 1];
    if (last && last.year === detail.fiscal_year) last.checkups.push(detail);
    else groups.push({ year: detail.fiscal_year, checkups: [detail] });
  }
  return groups;
}

/** The points a report earned at once (0: it earned none). */
export function reportPoints(created: ReportCreated): number {
  return created.points_granted.reduce((sum, grant) => sum + grant.points, 0);
}
