import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, mockCommands } from "../test/ipc";
import LockSettings from "./LockSettings.svelte";

afterEach(() => clearMocks());

function show(hasPin: boolean, lock_set: (args: Record<string, unknown>) => unknown = () => null) {
  const onpinchanged = vi.fn(async () => {});
  const calls = mockCommands({ lock_set });
  render(LockSettings, { hasPin, onpinchanged });
  return { calls, onpinchanged };
}

describe("LockSettings", () => {
  it("without a PIN offers to set one, with the PIN form (no 解除 there)", async () => {
    const { calls, onpinchanged } = show(false);
    expect(screen.queryByTestId("lock-change")).toBeNull();
    expect(screen.queryByTestId("lock-remove")).toBeNull();
    await fireEvent.click(screen.getByTestId("lock-set"));
    expect(screen.getByTestId("pin-form").querySelector("h2")?.textContent).toBe(ja["lock.settings.set"]);
    expect(screen.queryByTestId("pin-remove")).toBeNull();
    await fireEvent.input(screen.getByTestId("pin-new"), { target: { value: "2468" } });
    await fireEvent.input(screen.getByTestId("pin-confirm"), { target: { value: "2468" } });
    await fireEvent.click(screen.getByTestId("pin-submit"));
    expect((await screen.findByTestId("pin-done")).textContent).toBe(ja["lock.set_done"]);
    expect(calls.of("lock_set")).toEqual([{ pin: "2468" }]);
    expect(onpinchanged).toHaveBeenCalledTimes(1);
  });

  it("with a PIN offers to change it with the same form", async () => {
    const { calls } = show(true);
    expect(screen.queryByTestId("lock-set")).toBeNull();
    await fireEvent.click(screen.getByTestId("lock-change"));
    expect(screen.getByTestId("pin-form").querySelector("h2")?.textContent).toBe(ja["lock.settings.change"]);
    await fireEvent.click(screen.getByTestId("pin-close"));
    expect(screen.queryByTestId("pin-form")).toBeNull();
    expect(calls.of("lock_set")).toEqual([]);
  });

  it("removes the PIN only once the member confirms", async () => {
    const { calls, onpinchanged } = show(true);
    await fireEvent.click(screen.getByTestId("lock-remove"));
    expect(screen.getByTestId("lock-remove-confirm").textContent).toContain(ja["lock.settings.remove_confirm"]);
    await fireEvent.click(screen.getByTestId("lock-remove-no"));
    expect(screen.queryByTestId("lock-remove-confirm")).toBeNull();
    expect(calls.of("lock_set")).toEqual([]);

    await fireEvent.click(screen.getByTestId("lock-remove"));
    await fireEvent.click(screen.getByTestId("lock-remove-yes"));
    expect((await screen.findByTestId("lock-removed")).textContent).toBe(ja["lock.removed"]);
    expect(calls.of("lock_set")).toEqual([{ pin: null }]);
    expect(onpinchanged).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("lock-remove-confirm")).toBeNull();
  });

  it("says why the PIN could not be removed", async () => {
    const { onpinchanged } = show(true, () => fail("local_database"));
    await fireEvent.click(screen.getByTestId("lock-remove"));
    await fireEvent.click(screen.getByTestId("lock-remove-yes"));
    expect((await screen.findByTestId("lock-error")).textContent?.trim()).toBe(ja["error.local_database"]);
    expect(onpinchanged).not.toHaveBeenCalled();
  });
});
