import { describe, expect, it } from "vitest";
import en from "../locales/en.json";
import ja from "../locales/ja.json";
import { filterLedger, LEDGER_CODES, LINE_KINDS, ledgerLabelKey } from "./ledger";

describe("ledgerLabelKey", () => {
  it("labels every known code in both languages", () => {
    for (const code of LEDGER_CODES) {
      const key = ledgerLabelKey(code) ?? "";
      expect(ja, code).toHaveProperty([key]);
      expect(en, code).toHaveProperty([key]);
    }
    expect(ja["ledger.code.behaviour_goals"]).toBe("行動目標入力");
  });

  it("leaves codes it does not know to be shown as they are", () => {
    expect(ledgerLabelKey("spring_walk_2026")).toBeNull();
    expect(ledgerLabelKey("toString")).toBeNull();
  });
});

describe("filterLedger", () => {
  const lines = [
    { id: 4, kind: "spent", fiscal_year: 2026 },
    { id: 3, kind: "earned", fiscal_year: 2026 },
    { id: 2, kind: "expired", fiscal_year: 2025 },
    { id: 1, kind: "earned", fiscal_year: 2025 },
  ] as const;

  it("keeps every line by default, in order", () => {
    expect(filterLedger(lines, "all", "all").map((l) => l.id)).toEqual([4, 3, 2, 1]);
  });

  it("keeps one kind, one fiscal year, or both", () => {
    expect(filterLedger(lines, "earned", "all").map((l) => l.id)).toEqual([3, 1]);
    expect(filterLedger(lines, "all", 2025).map((l) => l.id)).toEqual([2, 1]);
    expect(filterLedger(lines, "earned", 2026).map((l) => l.id)).toEqual([3]);
    expect(filterLedger(lines, "returned", "all")).toEqual([]);
  });

  it("offers every kind with a label in both languages", () => {
    expect(LINE_KINDS).toEqual(["earned", "spent", "returned", "expired"]);
    for (const kind of LINE_KINDS) {
      expect(ja, kind).toHaveProperty([`points.ledger.kind.${kind}`]);
      expect(en, kind).toHaveProperty([`points.ledger.kind.${kind}`]);
    }
  });
});
