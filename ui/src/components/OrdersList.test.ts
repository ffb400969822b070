import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { events, type ExchangeInfo, type OrdersView } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { order, rice } from "../test/exchange";
import { fail, type Handler, mockCommands } from "../test/ipc";
import OrdersList from "./OrdersList.svelte";

afterEach(() => clearMocks());

const orders: ExchangeInfo[] = [
  order(14, { item_id: rice.id, item_name: rice.name, points_spent: 4373, ordered_at: "2026-12-02T15:30:00Z" }),
  order(13, { quantity: 2, points_spent: 3790, status: "shipped", ordered_at: "2026-11-20T09:00:00+09:00" }),
  order(12, { status: "delivered", ordered_at: "2026-10-01T09:00:00+09:00" }),
  order(11, { status: "cancelled", ordered_at: "2026-09-01T09:00:00+09:00" }),
];
const view = (list: ExchangeInfo[], offline = false): OrdersView => ({ orders: list, offline });

function show(handlers: Record<string, Handler>) {
  const calls = mockCommands(handlers);
  render(OrdersList);
  return calls;
}

describe("OrdersList", () => {
  it("lists the orders newest first with their JST day, quantity, points and status", async () => {
    show({ orders_get: () => view(orders) });
    const rows = await screen.findAllByTestId(/^order-\d+$/);
    expect(rows.map((row) => row.dataset.status)).toEqual(["ordered", "shipped", "delivered", "cancelled"]);
    expect(rows.map((row) => row.querySelector("time")?.textContent)).toEqual(["2026/12/03", "2026/11/20", "2026/10/01", "2026/09/01"]);
    expect(rows.map((row) => within(row).getByTestId("order-status").textContent)).toEqual([
      "注文済み",
      "発送済み",
      "お届け済み",
      "キャンセル済み",
    ]);
    expect(rows[1]?.textContent).toContain("2個");
    expect(rows[1]?.textContent).toContain("3,790ポイント");
    // Only an order not yet shipped can be cancelled.
    expect(screen.getByTestId("order-cancel-14")).toBeTruthy();
    expect(screen.queryByTestId("order-cancel-13")).toBeNull();
    expect(screen.queryByTestId("order-cancel-12")).toBeNull();
    expect(screen.queryByTestId("order-cancel-11")).toBeNull();
  });

  it("cancels after asking, naming the item; the orders come back as they now are", async () => {
    let list = orders;
    const calls = show({
      orders_get: () => view(list),
      exchange_cancel: ({ exchangeId }) => {
        list = list.map((o) => (o.exchange_id === exchangeId ? { ...o, status: "cancelled" as const } : o));
        return view(list);
      },
    });
    await fireEvent.click(await screen.findByTestId("order-cancel-14"));
    const row = screen.getByTestId("order-14");
    expect(row.textContent).toContain("「新潟県産こしひかり 5kg」の注文をキャンセルしますか？ ポイントは元の有効期限のまま戻ります。");
    expect(document.activeElement).toBe(screen.getByTestId("cancel-keep"));

    await fireEvent.click(screen.getByTestId("cancel-keep"));
    expect(screen.queryByTestId("cancel-confirm")).toBeNull();
    expect(calls.of("exchange_cancel")).toEqual([]);

    await fireEvent.click(screen.getByTestId("order-cancel-14"));
    await fireEvent.click(screen.getByTestId("cancel-confirm"));
    await vi.waitFor(() => expect(screen.getByTestId("order-14").dataset.status).toBe("cancelled"));
    expect(calls.of("exchange_cancel")).toEqual([{ exchangeId: 14 }]);
    expect(screen.getByTestId("cancel-done").textContent?.trim()).toBe(
      "「新潟県産こしひかり 5kg」の注文をキャンセルしました。ポイントは元の有効期限のまま戻りました。",
    );
    expect(screen.queryByTestId("order-cancel-14")).toBeNull();
  });

  it("says an order that shipped meanwhile cannot be cancelled, and shows where it is now", async () => {
    let list = orders;
    const calls = show({
      orders_get: () => view(list),
      exchange_cancel: () => {
        list = list.map((o) => (o.exchange_id === 14 ? { ...o, status: "shipped" as const } : o));
        fail("insurer", { api_code: "not_cancellable" });
      },
    });
    await fireEvent.click(await screen.findByTestId("order-cancel-14"));
    await fireEvent.click(screen.getByTestId("cancel-confirm"));
    expect((await screen.findByTestId("cancel-error")).textContent?.trim()).toBe("発送済みのためキャンセルできません");
    await vi.waitFor(() => expect(screen.getByTestId("order-14").dataset.status).toBe("shipped"));
    expect(calls.of("orders_get")).toHaveLength(2);
  });

  it("shows the orders as last synced when offline, and cancelling waits for a connection", async () => {
    show({ orders_get: () => view(orders, true) });
    expect((await screen.findByTestId("orders-offline")).textContent).toBe(ja["exchange.orders.offline"]);
    expect((screen.getByTestId("order-cancel-14") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says so when nothing was exchanged yet", async () => {
    show({ orders_get: () => view([]) });
    expect((await screen.findByTestId("orders-empty")).textContent).toBe("まだ交換した商品はありません");
  });

  it("loads again when the core says the points moved", async () => {
    let list: ExchangeInfo[] = [];
    const calls = show({ orders_get: () => view(list) });
    await screen.findByTestId("orders-empty");
    list = orders;
    await events.pointsChanged.emit();
    expect(await screen.findAllByTestId(/^order-\d+$/)).toHaveLength(4);
    expect(calls.of("orders_get")).toHaveLength(2);
  });
});
