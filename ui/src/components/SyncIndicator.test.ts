import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import type { SyncStatus_Serialize } from "../bindings";
import "../lib/i18n";
import { syncStatus } from "../test/ipc";
import SyncIndicator from "./SyncIndicator.svelte";

const props = (status: SyncStatus_Serialize | null) => ({
  status,
  syncing: false,
  error: null,
  onsync: vi.fn(),
  onrelogin: vi.fn(),
});

describe("SyncIndicator", () => {
  it.each([
    [syncStatus("synced"), "同期済み"],
    [syncStatus("saved_locally", { pending: 3 }), "このPCに保存済み"],
    [syncStatus("offline", { reason: "dns error" } as Partial<SyncStatus_Serialize>), "オフライン"],
    [syncStatus("logged_out"), "もう一度ログインしてください"],
    [syncStatus("failed", { code: "local_database" } as Partial<SyncStatus_Serialize>), "同期できませんでした（local_database）"],
  ])("says where the records stand: %o", (status, text) => {
    render(SyncIndicator, props(status));
    const state = screen.getByTestId("sync-state");
    expect(state.dataset.state).toBe(status.state);
    expect(state.textContent).toContain(text);
  });

  it("counts the edits still to send", () => {
    render(SyncIndicator, props(syncStatus("saved_locally", { pending: 3 })));
    expect(screen.getByTestId("sync-pending").textContent).toBe("未送信 3件");
  });

  it("syncs on demand", async () => {
    const synced = props(syncStatus("synced"));
    render(SyncIndicator, synced);
    await fireEvent.click(screen.getByRole("button", { name: "今すぐ同期" }));
    expect(synced.onsync).toHaveBeenCalled();
  });

  it("offers a new login when the session is over", async () => {
    const over = props(syncStatus("logged_out"));
    render(SyncIndicator, over);
    expect(screen.queryByTestId("sync-now")).toBeNull();
    await fireEvent.click(screen.getByTestId("sync-relogin"));
    expect(over.onrelogin).toHaveBeenCalled();
  });
});
