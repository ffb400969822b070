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

  it("every key a component names is in the locale files", () => {
    const sources = import.meta.glob("./**/*.svelte", { query: "?raw", import: "default", eager: true });
    let named = 0;
    for (const [file, source] of Object.entries(sources)) {
      for (const match of (source as string).matchAll(/\$_\(\s*"([\w.]+)"/g)) {
        const key = match[1] ?? "";
        expect(ja, `${file}: ${key}`).toHaveProperty([key]);
        named += 1;
      }
    }
    expect(named, "the search found the components' keys").toBeGreaterThan(50);
  });

  it("both languages use the same placeholders in each message", () => {
    for (const [key, text] of Object.entries(ja)) {
      expect(placeholders(en[key as keyof typeof en]), key).toEqual(placeholders(text));
    }
  });
});
