import { describe, expect, it } from "vitest";
import en from "./locales/en.json";
import ja from "./locales/ja.json";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("locale files", () => {
  it("English has exactly the Japanese keys, so no screen falls back silently", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
  });

  it("no message is empty", () => {
    for (const [key, text] of [...Object.entries(ja), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe("");
    }
  });

  it("both languages use the same placeholders in each message", () => {
    for (const [key, text] of Object.entries(ja)) {
      expect(placeholders(en[key as keyof typeof en]), key).toEqual(placeholders(text));
    }
  });
});
