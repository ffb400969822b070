import { clearMocks } from "@tauri-apps/api/mocks";
import { render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import "../lib/i18n";
import { mockCommands } from "../test/ipc";
import { about } from "../test/settings";
import AboutSection from "./AboutSection.svelte";

afterEach(() => clearMocks());

describe("AboutSection", () => {
  it("shows the version, the insurer and the licences, folded", async () => {
    mockCommands({ about_get: () => about });
    render(AboutSection);
    expect((await screen.findByTestId("about-version")).textContent?.trim()).toBe("けんぽデスク バージョン 0.1.0");
    expect(screen.getByTestId("about-insurer").textContent).toContain("けんぽ健康保険組合");
    expect(screen.getByTestId("about-insurer-number").textContent).toBe("06273494");
    const licences = screen.getByTestId("about-licences");
    expect(licences.tagName).toBe("DETAILS");
    expect(licences.querySelector("summary")?.textContent).toBe("オープンソースライセンス（2件）");
    const items = within(licences).getAllByTestId("about-licence");
    expect(items.map((item) => item.querySelector(".name")?.textContent)).toEqual([
      "serde 1.0.219 — MIT OR Apache-2.0",
      "svelte 5.57.3 — MIT",
    ]);
    expect(items[0]?.textContent).toContain("https://github.com/serde-rs/serde");
    expect(licences.querySelector("a"), "no web page is opened").toBeNull();
  });

  it("logged out, has no insurer to name", async () => {
    mockCommands({ about_get: () => ({ ...about, insurer: null }) });
    render(AboutSection);
    await screen.findByTestId("about-version");
    expect(screen.queryByTestId("about-insurer")).toBeNull();
  });
});
