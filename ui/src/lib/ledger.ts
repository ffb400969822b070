// Labels for the codes of the points ledger. Codes this version does not
// know (campaigns, new rules) are shown as they are. The statement's
// filters (kind, fiscal year) are view state: the core tells each line's.
import type { LineKind } from "../bindings";

export const LEDGER_CODES = [
  "registration",
  "login",
  "steps",
  "weight",
  "behaviour_goals",
  "checkup_bmi",
  "non_smoker",
  "health_age",
  "flu_vaccine",
  "secondary_exam",
  "spouse_checkup",
  "smoking_cessation",
  "exchange",
  "exchange_cancelled",
  "expiry",
] as const;

export type LedgerCode = (typeof LEDGER_CODES)[number];

function isKnown(code: string): code is LedgerCode {
  return (LEDGER_CODES as readonly string[]).includes(code);
}

/** The locale key of a code's label, or `null` for a code shown as is. */
export function ledgerLabelKey(code: string): string | null {
  return isKnown(code) ? `ledger.code.${code}` : null;
}

/** The kinds of line the statement's filter offers, after すべて. */
export const LINE_KINDS: readonly LineKind[] = ["earned", "spent", "returned", "expired"];

/** The ledger's lines of one kind and one fiscal year (`"all"`: any). */
export function filterLedger<Line extends { kind: LineKind; fiscal_year: number }>(
  lines: readonly Line[],
  kind: LineKind | "all",
  year: number | "all",
): Line[] {
  return lines.filter((line) => (kind === "all" || line.kind === kind) && (year === "all" || line.fiscal_year === year));
}
