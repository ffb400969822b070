import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { Prefs } from "../bindings";
import "../lib/i18n";
import { prefs } from "../lib/prefs.svelte";
import { mockCommands } from "../test/ipc";
import AppHeader from "./AppHeader.svelte";
import DisplaySettings from "./DisplaySettings.svelte";

afterEach(async () => {
  await prefs.update({ locale: "ja", text_size: "medium" });
  clearMocks();
});

const pressed = (testid: string) =>
  [...screen.getByTestId(testid).querySelectorAll("button")].find((b) => b.getAttribute("aria-pressed") === "true")?.dataset.value;

describe("DisplaySettings", () => {
  it("switches the text size and the language, and the header's switches follow", async () => {
    const calls = mockCommands({ prefs_set: ({ prefs }) => prefs as Prefs });
    render(AppHeader);
    render(DisplaySettings);
    const large = screen.getByTestId("settings-text-size").querySelector("button[data-value='large']") as HTMLButtonElement;
    await fireEvent.click(large);
    expect(document.documentElement.dataset.textSize).toBe("large");
    expect(pressed("text-size-switch"), "the header's switch").toBe("large");
    await fireEvent.click(screen.getByTestId("settings-language").querySelector("button[data-value='en']") as HTMLButtonElement);
    expect(pressed("language-switch")).toBe("en");
    expect(calls.of("prefs_set").at(-1)).toEqual({ prefs: { locale: "en", text_size: "large" } });
  });
});
