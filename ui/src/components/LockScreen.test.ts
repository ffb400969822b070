import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, fakeRoutes, mockCommands } from "../test/ipc";
import LockScreen from "./LockScreen.svelte";

afterEach(() => clearMocks());

const ignored = { onrelogin: () => {} };

async function enter(pin: string): Promise<void> {
  await fireEvent.input(screen.getByLabelText(ja["lock.screen.pin"]), { target: { value: pin } });
  await fireEvent.click(screen.getByTestId("unlock-submit"));
}

describe("LockScreen", () => {
  it("says the PIN is wrong, clears it and keeps the app locked", async () => {
    const calls = mockCommands({ lock_unlock: () => fail("pin_mismatch", { field: "pin" }) });
    const onunlocked = vi.fn();
    render(LockScreen, { onunlocked, ...ignored });
    await enter("0000");
    expect((await screen.findByTestId("unlock-error")).textContent).toBe("PINが違います");
    expect(calls.of("lock_unlock")).toEqual([{ pin: "0000" }]);
    expect((screen.getByTestId("unlock-pin") as HTMLInputElement).value).toBe("");
    expect(onunlocked).not.toHaveBeenCalled();
  });

  it("unlocks with the right PIN", async () => {
    mockCommands({ lock_unlock: () => null });
    const onunlocked = vi.fn();
    render(LockScreen, { onunlocked, ...ignored });
    await enter("2468");
    await vi.waitFor(() => expect(onunlocked).toHaveBeenCalled());
  });

  it("asks for the PIN before asking the core", async () => {
    const calls = mockCommands({});
    render(LockScreen, { onunlocked: () => {}, ...ignored });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    expect(screen.getByTestId("unlock-error").textContent).toBe(ja["lock.screen.required"]);
    expect(calls.all).toEqual([]);
  });

  it("hands over to the password login after the fifth wrong PIN", async () => {
    mockCommands({ lock_unlock: () => fail("pin_attempts_exceeded") });
    const onunlocked = vi.fn();
    const onrelogin = vi.fn();
    render(LockScreen, { onunlocked, onrelogin });
    await enter("0000");
    await vi.waitFor(() => expect(onrelogin).toHaveBeenCalled());
    expect(onunlocked).not.toHaveBeenCalled();
  });

  it("leaves a core with no member any more to the app", async () => {
    const routes = fakeRoutes();
    mockCommands({ lock_unlock: () => fail("no_profile") });
    render(LockScreen, { onunlocked: () => {}, ...ignored });
    await enter("2468");
    await vi.waitFor(() => expect(routes.noProfile).toHaveBeenCalled());
    expect(screen.queryByTestId("unlock-error")).toBeNull();
  });
});
