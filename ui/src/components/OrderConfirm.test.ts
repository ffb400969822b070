import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExchangeCreated } from "../bindings";
import "../lib/i18n";
import type { OrderErrors } from "../lib/exchange";
import ja from "../locales/ja.json";
import { quote } from "../test/exchange";
import { deferred, fail, type Handler, mockCommands } from "../test/ipc";
import OrderConfirm from "./OrderConfirm.svelte";

afterEach(() => clearMocks());

const created: ExchangeCreated = { exchange_id: 12, points_spent: 3790, balance: 1565 };

function show(handlers: Record<string, Handler>) {
  const calls = mockCommands({ exchange_drop: () => null, ...handlers });
  const props = {
    quote: quote(),
    onplaced: vi.fn<(created: ExchangeCreated) => void>(),
    onrefused: vi.fn<(errors: OrderErrors) => void>(),
    onback: vi.fn<() => void>(),
    onclose: vi.fn<() => void>(),
  };
  render(OrderConfirm, props);
  return { calls, ...props };
}

describe("OrderConfirm", () => {
  it("shows the order, the address as it will be sent, the points lot by lot and the balance after", () => {
    show({});
    const box = screen.getByTestId("quote");
    expect(within(box).getByTestId("quote-item").textContent).toBe("コーヒーギフト");
    expect(within(box).getByTestId("quote-quantity").textContent).toBe("2個");
    expect(within(box).getByTestId("quote-points").textContent).toBe("3,790ポイント");
    const lines = [...within(box).getByTestId("quote-address").querySelectorAll("span")].map((s) => s.textContent);
    expect(lines).toEqual(["健保 花子", "〒100-0001", "東京都 千代田区 千代田1-1", "けんぽビル 101", "電話番号：0312345678"]);
    const lots = within(box).getAllByTestId("quote-lot");
    expect(lots.map((lot) => lot.textContent?.trim())).toEqual([
      "2027年3月31日まで有効なポイント 1,240ポイント",
      "2028年3月31日まで有効なポイント 2,550ポイント",
    ]);
    expect(within(box).getByTestId("quote-balance").textContent).toBe("5,355ポイント");
    expect(within(box).getByTestId("quote-balance-after").textContent).toBe("1,565ポイント");
    expect(box.textContent).toContain("ポイント有効期限 : 付与日の翌年度末");
  });

  it("places the order with the confirmation's key, once however often it is pressed", async () => {
    const answer = deferred<ExchangeCreated>();
    const { calls, onplaced } = show({ exchange_place: () => answer.promise });
    const place = screen.getByTestId("exchange-place") as HTMLButtonElement;
    expect(place.textContent).toBe(ja["exchange.place.submit"]);
    await fireEvent.click(place);
    expect(place.disabled).toBe(true);
    await fireEvent.click(place);
    await fireEvent.dblClick(place);
    answer.resolve(created);
    await vi.waitFor(() => expect(onplaced).toHaveBeenCalledWith(created));
    expect(calls.of("exchange_place")).toEqual([{ key: "kx-00112233445566778899aabbccddeeff" }]);
  });

  it("goes back to the form and drops the prepared order", async () => {
    const { calls, onback } = show({});
    await fireEvent.click(screen.getByTestId("quote-back"));
    await vi.waitFor(() => expect(onback).toHaveBeenCalled());
    expect(calls.of("exchange_drop")).toHaveLength(1);
    expect(calls.of("exchange_place")).toEqual([]);
  });

  it("says an order sent without an answer may have reached the insurer, and sends it again with the same key", async () => {
    let answer: () => ExchangeCreated = () => fail("offline", { offline: "broke_off" });
    const { calls, onplaced, onback, onclose } = show({ exchange_place: () => answer() });
    await fireEvent.click(screen.getByTestId("exchange-place"));
    const error = await screen.findByTestId("quote-error");
    expect(error.textContent).toBe(ja["exchange.place.unsure"] + ja["offline.broke_off"]);
    expect(screen.getByTestId("exchange-place").textContent).toBe("再送する");
    answer = () => created;
    await fireEvent.click(screen.getByTestId("exchange-place"));
    await vi.waitFor(() => expect(onplaced).toHaveBeenCalledWith(created));
    expect(calls.of("exchange_place").map((args) => args.key)).toEqual([quote().key, quote().key]);
    expect(onback).not.toHaveBeenCalled();
    expect(onclose).not.toHaveBeenCalled();
  });

  it("leaves an unsure order for the catalog to settle, without dropping it", async () => {
    const { calls, onclose } = show({ exchange_place: () => fail("offline", { offline: "timeout" }) });
    await fireEvent.click(screen.getByTestId("exchange-place"));
    await screen.findByTestId("quote-error");
    const back = screen.getByTestId("quote-back");
    expect(back.textContent).toBe(ja["exchange.quote.to_catalog"]);
    await fireEvent.click(back);
    expect(onclose).toHaveBeenCalled();
    expect(calls.of("exchange_drop")).toEqual([]);
  });

  it("takes a refusal back to the form, with why and where", async () => {
    let refusal: () => never = () => fail("insurer", { api_code: "insufficient_points" });
    const { onrefused } = show({ exchange_place: () => refusal() });
    await fireEvent.click(screen.getByTestId("exchange-place"));
    await vi.waitFor(() => expect(onrefused).toHaveBeenCalledTimes(1));
    expect(onrefused.mock.calls[0]?.[0].form?.key).toBe("error.insufficient_points");

    refusal = () => fail("insurer", { api_code: "invalid_address", field: "postal_code" });
    await fireEvent.click(screen.getByTestId("exchange-place"));
    await vi.waitFor(() => expect(onrefused).toHaveBeenCalledTimes(2));
    expect(onrefused.mock.calls[1]?.[0]).toEqual({ postal_code: { key: "exchange.invalid.postal_code", values: {} } });
  });

  it("asks to confirm again when the core no longer has this confirmation", async () => {
    const { onback } = show({ exchange_place: () => fail("exchange_not_prepared") });
    await fireEvent.click(screen.getByTestId("exchange-place"));
    expect((await screen.findByTestId("quote-error")).textContent?.trim()).toBe(ja["error.exchange_not_prepared"]);
    expect(screen.queryByTestId("exchange-place")).toBeNull();
    await fireEvent.click(screen.getByTestId("quote-back"));
    await vi.waitFor(() => expect(onback).toHaveBeenCalled());
  });
});
