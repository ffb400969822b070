import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { get } from "svelte/store";
import { locale } from "svelte-i18n";
import { afterEach, describe, expect, it } from "vitest";
import type { Prefs } from "../bindings";
import { applyToDocument, prefs } from "./prefs.svelte";

afterEach(() => clearMocks());

describe("applyToDocument", () => {
  it("sets the language and text size on the root element, for every screen to inherit", () => {
    const root = document.createElement("html");
    applyToDocument({ locale: "en", text_size: "large" }, root);
    expect(root.lang).toBe("en");
    expect(root.dataset.textSize).toBe("large");
  });
});

describe("prefs", () => {
  it("loads the saved preferences from the core and applies them", async () => {
    mockIPC((cmd) => {
      if (cmd === "prefs_get") return { locale: "en", text_size: "large" } satisfies Prefs;
      throw new Error(`unexpected command ${cmd}`);
    });
    await prefs.load();
    expect(prefs.current).toEqual({ locale: "en", text_size: "large" });
    expect(document.documentElement.dataset.textSize).toBe("large");
    expect(get(locale)).toBe("en");
  });

  it("saves a change through the core, keeping the other preference", async () => {
    const saved: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "prefs_get") return { locale: "ja", text_size: "medium" };
      if (cmd === "prefs_set") {
        saved.push((args as { prefs: Prefs }).prefs);
        return (args as { prefs: Prefs }).prefs;
      }
      throw new Error(`unexpected command ${cmd}`);
    });
    await prefs.load();
    await prefs.update({ text_size: "large" });
    expect(saved).toEqual([{ locale: "ja", text_size: "large" }]);
    expect(prefs.saveFailed).toBe(false);
  });

  it("says so when the core cannot save, and keeps showing the choice", async () => {
    mockIPC((cmd) => {
      if (cmd === "prefs_get") return { locale: "ja", text_size: "medium" };
      if (cmd === "prefs_set") throw { code: "prefs_io", message: "disk full" };
      throw new Error(`unexpected command ${cmd}`);
    });
    await prefs.load();
    await prefs.update({ locale: "en" });
    expect(prefs.saveFailed).toBe(true);
    expect(prefs.current.locale).toBe("en");
  });

  it("falls back to Japanese and 中 when the core cannot read", async () => {
    mockIPC((cmd) => {
      if (cmd === "prefs_get") throw { code: "prefs_io", message: "unreadable" };
      throw new Error(`unexpected command ${cmd}`);
    });
    await prefs.load();
    expect(prefs.current).toEqual({ locale: "ja", text_size: "medium" });
  });
});
