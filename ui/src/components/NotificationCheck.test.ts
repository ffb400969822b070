import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import "../lib/i18n";
import ja from "../locales/ja.json";
import NotificationCheck from "./NotificationCheck.svelte";

afterEach(() => clearMocks());

async function sendWith(answer: () => unknown): Promise<unknown[]> {
  const calls: unknown[] = [];
  mockIPC((cmd, args) => {
    if (cmd !== "notification_test") throw new Error(`unexpected command ${cmd}`);
    calls.push(args);
    return answer();
  });
  render(NotificationCheck);
  await fireEvent.click(screen.getByRole("button", { name: ja["notify.button"] }));
  return calls;
}

describe("NotificationCheck", () => {
  it("sends the notification text in the member's language and says it was sent", async () => {
    const calls = await sendWith(() => null);
    expect(calls).toEqual([{ title: ja["notify.sample_title"], body: ja["notify.sample_body"] }]);
    expect((await screen.findByRole("status")).textContent).toBe(ja["notify.sent"]);
  });

  it("explains a missing notification service by its code", async () => {
    await sendWith(() => {
      throw { code: "notification_unavailable", message: "no service" };
    });
    expect((await screen.findByRole("alert")).textContent?.trim()).toBe(ja["notify.unavailable"]);
  });

  it("falls back to the general message for other failures", async () => {
    await sendWith(() => {
      throw { code: "notification_failed", message: "refused" };
    });
    expect((await screen.findByRole("alert")).textContent?.trim()).toBe(ja["notify.failed"]);
  });
});
