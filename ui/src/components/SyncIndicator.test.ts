import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import type { OfflineReason, SyncStatus_Serialize } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { syncStatus } from "../test/ipc";
import SyncIndicator from "./SyncIndicator.svelte";

const props = (status: SyncStatus_Serialize | null, asking = false) => ({
  status,
  asking,
  error: null,
  onsync: vi.fn(),
  onrelogin: vi.fn(),
});

const offline = (reason: OfflineReason) => syncStatus("offline", { reason } as Partial<SyncStatus_Serialize>);

describe("SyncIndicator", () => {
  it.each([
    [syncStatus("unknown"), ja["sync.unknown"]],
    [syncStatus("synced"), "同期済み"],
    [syncStatus("saved_locally", { pending: 3 }), "このPCに保存済み"],
    [offline("no_connection"), "オフライン"],
    [syncStatus("logged_out"), "もう一度ログインしてください"],
    [syncStatus("failed", { code: "local_database" } as Partial<SyncStatus_Serialize>), "同期できませんでした"],
  ])("says where the records stand: %o", (status, text) => {
    render(SyncIndicator, props(status));
    const state = screen.getByTestId("sync-state");
    expect(state.dataset.state).toBe(status.state);
    expect(state.textContent).toContain(text);
  });

  it.each([
    ["no_connection", "保険者に接続できません（ネットワークをご確認ください）"],
    ["timeout", "保険者からの応答がありません"],
    ["broke_off", "通信が途中で切れました"],
    ["server_unavailable", "保険者のサーバーが応答していません"],
    ["network_failed", "通信に失敗しました"],
  ] as const)("names why the insurer cannot be reached by its code: %s", (reason, text) => {
    render(SyncIndicator, props(offline(reason)));
    expect(screen.getByTestId("sync-reason").textContent).toBe(text);
  });

  it("says why a sync failed by the core's code, not its words", () => {
    render(SyncIndicator, props(syncStatus("failed", { code: "local_database" } as Partial<SyncStatus_Serialize>)));
    expect(screen.getByTestId("sync-reason").textContent?.trim()).toBe(ja["error.local_database"]);
  });

  it("counts the edits still to send", () => {
    render(SyncIndicator, props(syncStatus("saved_locally", { pending: 3 })));
    expect(screen.getByTestId("sync-pending").textContent).toBe("未送信 3件");
  });

  it("says how many records the insurer refused, and quietly how many items it could not show", () => {
    render(SyncIndicator, props(syncStatus("synced", { refused: 2, skipped: 1 })));
    expect(screen.getByTestId("sync-refused").textContent).toBe("この記録は送信できませんでした（2件）");
    expect(screen.getByTestId("sync-skipped").textContent).toBe("このバージョンでは表示できない項目がありました（1件）");
  });

  it("has no such lines when nothing was refused or skipped", () => {
    render(SyncIndicator, props(syncStatus("synced")));
    expect(screen.queryByTestId("sync-refused")).toBeNull();
    expect(screen.queryByTestId("sync-skipped")).toBeNull();
  });

  it("shows a sync under way as 同期中…, from the core or from the button", async () => {
    const { rerender } = render(SyncIndicator, props(syncStatus("synced", { running: true })));
    const button = screen.getByTestId("sync-now") as HTMLButtonElement;
    expect(button.textContent?.trim()).toBe("同期中…");
    expect(button.disabled).toBe(true);
    expect(screen.getByTestId("sync-state").dataset.running).toBe("true");
    await rerender(props(syncStatus("synced")));
    expect(button.textContent?.trim()).toBe("今すぐ同期");
    await rerender(props(syncStatus("synced"), true));
    expect(button.textContent?.trim()).toBe("同期中…");
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
