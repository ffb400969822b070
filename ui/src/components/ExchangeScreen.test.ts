import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { events, type CatalogView_Serialize } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { address, catalogView, coffee, entries, order, PICTURE, quote } from "../test/exchange";
import { fail, fakeRoutes, type Handler, mockCommands } from "../test/ipc";
import ExchangeScreen from "./ExchangeScreen.svelte";

afterEach(() => clearMocks());

function show(handlers: Record<string, Handler>) {
  const calls = mockCommands(handlers);
  render(ExchangeScreen);
  return calls;
}

const cards = () => screen.getAllByTestId(/^catalog-item-/);
const ids = () => cards().map((card) => card.dataset.testid?.replace("catalog-item-", ""));

describe("ExchangeScreen: the catalog", () => {
  it("shows the balance, and a card per item with its picture, points, stock and whether it can be had", async () => {
    show({ catalog_get: () => catalogView() });
    expect((await screen.findByTestId("exchange-balance")).textContent?.trim()).toBe("3,460ポイント");
    const coffeeCard = screen.getByTestId("catalog-item-coffee-gift");
    expect(coffeeCard.dataset.affordable).toBe("true");
    expect(within(coffeeCard).getByRole("img", { name: "コーヒーギフト" }).getAttribute("src")).toBe(PICTURE);
    expect(within(coffeeCard).getByTestId("catalog-points").textContent?.trim()).toBe("1,895ポイント");
    expect(within(coffeeCard).getByTestId("catalog-stock").textContent?.trim()).toBe("在庫あり（50）");
    expect(within(coffeeCard).getByTestId("catalog-status").textContent?.trim()).toBe("✓交換できます");
    expect((within(coffeeCard).getByTestId("exchange-order-coffee-gift") as HTMLButtonElement).disabled).toBe(false);

    const riceCard = screen.getByTestId("catalog-item-rice-5kg");
    expect(riceCard.dataset.affordable).toBe("false");
    expect(within(riceCard).getByTestId("catalog-status").textContent?.trim()).toBe("ポイントが足りません");
    // No picture: a plain box, named for the item.
    const box = within(riceCard).getByRole("img", { name: "新潟県産こしひかり 5kg" });
    expect(box.tagName).toBe("DIV");
    expect((within(riceCard).getByTestId("exchange-order-rice-5kg") as HTMLButtonElement).disabled).toBe(true);

    const pedometerCard = screen.getByTestId("catalog-item-pedometer");
    expect(within(pedometerCard).getByTestId("catalog-stock").textContent?.trim()).toBe("在庫なし");
    expect(within(pedometerCard).getByTestId("catalog-status").textContent?.trim()).toBe("在庫なし");

    expect(screen.getByTestId("catalog-egift-note").textContent).toBe("※電子ギフトへの交換はできませんのでご注意ください");
    expect(screen.queryByTestId("catalog-offline")).toBeNull();
    expect(screen.queryByTestId("exchange-unsettled")).toBeNull();
  });

  it("sorts by points (fewest first by default) or the catalog's order, and shows only what can be had when asked", async () => {
    const calls = show({ catalog_get: () => catalogView() });
    await screen.findByTestId("catalog-item-coffee-gift");
    const sort = screen.getByTestId("catalog-sort") as HTMLSelectElement;
    expect(sort.value).toBe("points_asc");
    expect([...sort.options].map((o) => o.text)).toEqual(["ポイントの少ない順", "ポイントの多い順", "おすすめ順"]);
    expect(ids()).toEqual(["coffee-gift", "pedometer", "rice-5kg"]);
    await fireEvent.change(sort, { target: { value: "points_desc" } });
    expect(ids()).toEqual(["rice-5kg", "pedometer", "coffee-gift"]);
    await fireEvent.change(sort, { target: { value: "recommended" } });
    expect(ids()).toEqual(["rice-5kg", "coffee-gift", "pedometer"]);

    await fireEvent.click(screen.getByTestId("catalog-affordable-only"));
    expect(ids()).toEqual(["coffee-gift"]);
    await fireEvent.click(screen.getByTestId("catalog-affordable-only"));
    expect(ids()).toHaveLength(3);
    expect(calls.of("catalog_get"), "sorting and filtering ask the core nothing").toHaveLength(1);
  });

  it("says when nothing can be had with the points now", async () => {
    show({ catalog_get: () => catalogView({ items: entries.map((e) => ({ ...e, affordable: false })) }) });
    await fireEvent.click(await screen.findByTestId("catalog-affordable-only"));
    expect(screen.getByTestId("catalog-none-affordable").textContent).toBe(ja["exchange.catalog.none_affordable"]);
  });

  it("offline: the catalog last fetched, and ordering waits for a connection", async () => {
    show({ catalog_get: () => catalogView({ offline: true }) });
    expect((await screen.findByTestId("catalog-offline")).textContent).toBe(ja["exchange.catalog.offline"]);
    expect((screen.getByTestId("exchange-order-coffee-gift") as HTMLButtonElement).disabled).toBe(true);
  });

  it("loads again when the core says the points moved", async () => {
    let balance = 3460;
    const calls = show({ catalog_get: () => catalogView({ balance }) });
    expect((await screen.findByTestId("exchange-balance")).dataset.points).toBe("3460");
    balance = 3470;
    await events.pointsChanged.emit();
    await vi.waitFor(() => expect(screen.getByTestId("exchange-balance").dataset.points).toBe("3470"));
    expect(calls.of("catalog_get")).toHaveLength(2);
  });

  it("hands a locked app to the lock screen, and shows nothing of its own for it", async () => {
    const routes = fakeRoutes();
    show({ catalog_get: () => fail("locked") });
    await vi.waitFor(() => expect(routes.locked).toHaveBeenCalled());
    expect(screen.queryByTestId("exchange-error")).toBeNull();
  });

  it("switches to the orders and back", async () => {
    show({ catalog_get: () => catalogView(), orders_get: () => ({ orders: [order(12)], offline: false }) });
    await screen.findByTestId("catalog");
    await fireEvent.click(screen.getByTestId("exchange-view-orders"));
    expect(await screen.findByTestId("order-12")).toBeTruthy();
    expect(screen.queryByTestId("catalog")).toBeNull();
    expect(screen.getByTestId("exchange-view-orders").getAttribute("aria-selected")).toBe("true");
    await fireEvent.keyDown(screen.getByTestId("exchange-view-orders"), { key: "ArrowLeft" });
    expect(await screen.findByTestId("catalog")).toBeTruthy();
  });
});

describe("ExchangeScreen: an order", () => {
  it("goes from the item to the form (with the last address), the confirmation, and the order placed", async () => {
    let balance = 5355;
    const calls = show({
      catalog_get: () => catalogView({ balance, address }),
      exchange_quote: () => quote(),
      exchange_place: () => {
        balance = 1565;
        return { exchange_id: 12, points_spent: 3790, balance: 1565 };
      },
      orders_get: () => ({ orders: [order(12, { quantity: 2, points_spent: 3790 })], offline: false }),
    });
    await fireEvent.click(await screen.findByTestId("exchange-order-coffee-gift"));
    expect(screen.getByTestId("order-item").textContent).toBe(coffee.name);
    expect((screen.getByTestId("address-name") as HTMLInputElement).value).toBe("健保 花子");
    expect((screen.getByTestId("address-prefecture") as HTMLSelectElement).value).toBe("東京都");
    await fireEvent.change(screen.getByTestId("order-quantity"), { target: { value: "2" } });
    await fireEvent.click(screen.getByTestId("order-confirm"));

    const box = await screen.findByTestId("quote");
    expect(within(box).getAllByTestId("quote-lot")).toHaveLength(2);
    expect(calls.of("exchange_quote")).toEqual([
      { itemId: "coffee-gift", quantity: 2, address: { ...address, line2: null } },
    ]);
    await fireEvent.click(within(box).getByTestId("exchange-place"));

    expect((await screen.findByTestId("exchange-done")).textContent?.trim()).toBe("交換しました（注文番号 12）。残りは 1,565ポイントです。");
    expect(calls.of("exchange_place")).toEqual([{ key: quote().key }]);
    await vi.waitFor(() => expect(screen.getByTestId("exchange-balance").textContent?.trim()).toBe("1,565ポイント"));
    await fireEvent.click(screen.getByTestId("exchange-show-orders"));
    expect((await screen.findByTestId("order-12")).dataset.status).toBe("ordered");
  });

  it("back from the confirmation keeps what was typed, and the prepared order is dropped", async () => {
    const calls = show({ catalog_get: () => catalogView({ address }), exchange_quote: () => quote(), exchange_drop: () => null });
    await fireEvent.click(await screen.findByTestId("exchange-order-coffee-gift"));
    await fireEvent.input(screen.getByTestId("address-line2"), { target: { value: "けんぽビル 101" } });
    await fireEvent.click(screen.getByTestId("order-confirm"));
    await fireEvent.click(await screen.findByTestId("quote-back"));
    expect(((await screen.findByTestId("address-line2")) as HTMLInputElement).value).toBe("けんぽビル 101");
    expect(calls.of("exchange_drop")).toHaveLength(1);
  });

  it("a refusal when placing goes back to the form, with why", async () => {
    show({
      catalog_get: () => catalogView({ address }),
      exchange_quote: () => quote(),
      exchange_place: () => fail("insurer", { api_code: "out_of_stock" }),
    });
    await fireEvent.click(await screen.findByTestId("exchange-order-coffee-gift"));
    await fireEvent.click(screen.getByTestId("order-confirm"));
    await fireEvent.click(await screen.findByTestId("exchange-place"));
    expect((await screen.findByTestId("order-error")).textContent?.trim()).toBe(ja["error.out_of_stock"]);
    expect(screen.getByTestId("order-form")).toBeTruthy();
  });
});

describe("ExchangeScreen: an order sent without an answer", () => {
  const unsettled = (): CatalogView_Serialize => catalogView({ pending: { quote: quote(), sent: true } });

  it("names the order, and sends it again with its own key", async () => {
    let view = unsettled();
    const calls = show({
      catalog_get: () => view,
      exchange_place: () => {
        view = catalogView({ balance: 1565 });
        return { exchange_id: 12, points_spent: 3790, balance: 1565 };
      },
    });
    const banner = await screen.findByTestId("exchange-unsettled");
    expect(banner.textContent).toContain("前回の交換の結果を確認できていません");
    expect(within(banner).getByTestId("exchange-unsettled-order").textContent?.trim()).toBe(
      "「コーヒーギフト」2個（3,790ポイント）の交換が、健保組合に届いたか確認できていません。",
    );
    await fireEvent.click(within(banner).getByTestId("exchange-resend"));
    expect((await screen.findByTestId("exchange-done")).textContent).toContain("注文番号 12");
    expect(calls.of("exchange_place")).toEqual([{ key: quote().key }]);
    await vi.waitFor(() => expect(screen.queryByTestId("exchange-unsettled")).toBeNull());
  });

  it("still unsure after sending again: says so and keeps the order", async () => {
    show({ catalog_get: () => unsettled(), exchange_place: () => fail("offline", { offline: "timeout" }) });
    await fireEvent.click(await screen.findByTestId("exchange-resend"));
    expect((await screen.findByTestId("exchange-unsettled-error")).textContent).toBe(
      ja["exchange.unsettled.still"] + ja["offline.timeout"],
    );
    expect(screen.getByTestId("exchange-unsettled")).toBeTruthy();
  });

  it("drops it when asked", async () => {
    let view = unsettled();
    const calls = show({
      catalog_get: () => view,
      exchange_drop: () => {
        view = catalogView();
        return null;
      },
    });
    await fireEvent.click(await screen.findByTestId("exchange-drop"));
    await vi.waitFor(() => expect(screen.queryByTestId("exchange-unsettled")).toBeNull());
    expect(calls.of("exchange_drop")).toHaveLength(1);
    expect(calls.of("exchange_place")).toEqual([]);
  });

  it("is not shown for an order only waiting for its confirmation", async () => {
    show({ catalog_get: () => catalogView({ pending: { quote: quote(), sent: false } }) });
    await screen.findByTestId("catalog");
    expect(screen.queryByTestId("exchange-unsettled")).toBeNull();
  });
});
