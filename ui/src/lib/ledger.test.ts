import { describe, expect, it } from "vitest";
import en from "../locales/en.json";
import ja from "../locales/ja.json";
import { LEDGER_CODES, ledgerLabelKey } from "./ledger";

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
