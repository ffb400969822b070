import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExchangeQuote_Serialize, PostalArea } from "../bindings";
import "../lib/i18n";
import { addressValues, PREFECTURES, type AddressValues } from "../lib/exchange";
import ja from "../locales/ja.json";
import { address, entries, quote } from "../test/exchange";
import { fail, type Handler, mockCommands } from "../test/ipc";
import OrderForm from "./OrderForm.svelte";

afterEach(() => clearMocks());

const coffeeEntry = entries[1]!;
const chiyoda: PostalArea = { prefecture: "東京都", city: "千代田区", town: "千代田" };

/** The form as the exchange screen holds it: its address is state, which the fields fill. */
function show(handlers: Record<string, Handler>, start: AddressValues = addressValues(null)) {
  const values = $state(start);
  const calls = mockCommands(handlers);
  const onquote = vi.fn<(quote: ExchangeQuote_Serialize) => void>();
  const onunsettled = vi.fn<() => void>();
  render(OrderForm, {
    entry: coffeeEntry,
    quantity: 1,
    address: values,
    errors: {},
    onquote,
    oncancel: () => {},
    onunsettled,
  });
  return { calls, onquote, onunsettled };
}

const field = (name: string) => screen.getByTestId(`address-${name}`) as HTMLInputElement;
const type = (name: string, value: string) => fireEvent.input(field(name), { target: { value } });

async function fillAddress(): Promise<void> {
  await type("name", "健保 花子");
  await type("postal", "100-0001");
  await fireEvent.change(field("prefecture"), { target: { value: "東京都" } });
  await type("city", "千代田区");
  await type("line1", "千代田1-1");
  await type("phone", "03-1234-5678");
}

describe("OrderForm", () => {
  it("offers 1 up to 10 of the item, and the prefectures in JIS order", async () => {
    show({});
    const quantity = screen.getByTestId("order-quantity") as HTMLSelectElement;
    expect([...quantity.options].map((o) => o.text)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    expect(screen.getByTestId("order-item").textContent).toBe("コーヒーギフト");
    const prefectures = [...(field("prefecture") as unknown as HTMLSelectElement).options].map((o) => o.value);
    expect(prefectures).toEqual(["", ...PREFECTURES]);
    await fireEvent.change(quantity, { target: { value: "2" } });
    expect(screen.getByTestId("order-total").textContent?.trim()).toBe("必要なポイント：3,790ポイント");
  });

  it("fills the prefecture, city and town from a postal code with one area, once 7 digits are typed", async () => {
    const { calls } = show({ postal_lookup: () => [chiyoda] });
    await type("postal", "100-000");
    expect(calls.of("postal_lookup")).toEqual([]);
    await type("postal", "100-0001");
    await vi.waitFor(() => expect(field("city").value).toBe("千代田区"));
    expect(calls.of("postal_lookup")).toEqual([{ code: "1000001" }]);
    expect(field("prefecture").value).toBe("東京都");
    expect(field("line1").value).toBe("千代田");
    expect(screen.getByTestId("address-lookup-filled")).toBeTruthy();
    expect(screen.queryByTestId("address-lookup-none")).toBeNull();
  });

  it("keeps a town line the member wrote, but replaces one it filled itself", async () => {
    let areas: PostalArea[] = [chiyoda];
    show({ postal_lookup: () => areas });
    await type("postal", "1000001");
    await vi.waitFor(() => expect(field("line1").value).toBe("千代田"));
    areas = [{ prefecture: "東京都", city: "千代田区", town: "丸の内" }];
    await type("postal", "1000005");
    await vi.waitFor(() => expect(field("line1").value).toBe("丸の内"));
    await type("line1", "丸の内1-9-1");
    areas = [{ prefecture: "大阪府", city: "大阪市北区", town: "梅田" }];
    await type("postal", "5300001");
    await vi.waitFor(() => expect(field("prefecture").value).toBe("大阪府"));
    expect(field("city").value).toBe("大阪市北区");
    expect(field("line1").value).toBe("丸の内1-9-1");
  });

  it("offers the areas to choose from when the code has several, and says when it has none", async () => {
    const areas: PostalArea[] = [
      { prefecture: "北海道", city: "札幌市中央区", town: "大通西" },
      { prefecture: "北海道", city: "札幌市中央区", town: "大通東" },
    ];
    const { calls } = show({ postal_lookup: ({ code }) => (code === "0600042" ? areas : []) });
    await type("postal", "060-0042");
    const choice = (await screen.findByTestId("address-lookup-choice")) as HTMLSelectElement;
    expect([...choice.options].slice(1).map((o) => o.text)).toEqual(["北海道 札幌市中央区 大通西", "北海道 札幌市中央区 大通東"]);
    // One city for all: that much is filled already; the town waits for the choice.
    expect(field("city").value).toBe("札幌市中央区");
    expect(field("line1").value).toBe("");
    await fireEvent.change(choice, { target: { value: "1" } });
    expect(field("line1").value).toBe("大通東");

    await type("postal", "9999999");
    expect((await screen.findByTestId("address-lookup-none")).textContent).toBe("この郵便番号は見つかりません");
    expect(screen.queryByTestId("address-lookup-choice")).toBeNull();

    // The button asks again for the code as it is.
    await fireEvent.click(screen.getByTestId("address-lookup"));
    expect(calls.of("postal_lookup")).toEqual([{ code: "0600042" }, { code: "9999999" }, { code: "9999999" }]);
  });

  it("starts from the last order's address", () => {
    show({}, addressValues(address));
    expect(field("name").value).toBe("健保 花子");
    expect(field("postal").value).toBe("100-0001");
    expect(field("prefecture").value).toBe("東京都");
    expect(field("line2").value).toBe("");
  });

  it("says what is missing before asking the core, beside each field", async () => {
    const { calls } = show({});
    await fireEvent.click(screen.getByTestId("order-confirm"));
    expect(screen.getByTestId("address-name-error").textContent?.trim()).toBe(ja["exchange.required.name"]);
    expect(screen.getByTestId("address-postal_code-error").textContent?.trim()).toBe(ja["exchange.invalid.postal_code"]);
    expect(screen.getByTestId("address-prefecture-error").textContent?.trim()).toBe(ja["exchange.required.prefecture"]);
    expect(screen.getByTestId("address-phone-error").textContent?.trim()).toBe(ja["exchange.required.phone"]);
    expect(field("name").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(field("name"));
    expect(calls.of("exchange_quote")).toEqual([]);
  });

  it("asks the core for the confirmation with the item, quantity and address", async () => {
    const { calls, onquote } = show({ postal_lookup: () => [chiyoda], exchange_quote: () => quote() });
    await fireEvent.change(screen.getByTestId("order-quantity"), { target: { value: "2" } });
    await fillAddress();
    await type("line1", "千代田1-1");
    await fireEvent.click(screen.getByTestId("order-confirm"));
    await vi.waitFor(() => expect(onquote).toHaveBeenCalledWith(quote()));
    expect(calls.of("exchange_quote")).toEqual([
      {
        itemId: "coffee-gift",
        quantity: 2,
        address: { ...address, phone: "03-1234-5678", line2: null },
      },
    ]);
  });

  it("shows a refused field under that field, by its name, and other refusals above the button", async () => {
    let refusal: () => never = () => fail("validation", { field: "phone" });
    const { onunsettled } = show({ postal_lookup: () => [chiyoda], exchange_quote: () => refusal() }, addressValues(address));
    await fireEvent.click(screen.getByTestId("order-confirm"));
    expect((await screen.findByTestId("address-phone-error")).textContent?.trim()).toBe(ja["exchange.invalid.phone"]);
    await vi.waitFor(() => expect(document.activeElement).toBe(field("phone")));

    refusal = () => fail("insurer", { api_code: "invalid_address", field: "line1" });
    await fireEvent.click(screen.getByTestId("order-confirm"));
    expect((await screen.findByTestId("address-line1-error")).textContent?.trim()).toBe(ja["exchange.invalid.line1"]);
    expect(screen.queryByTestId("address-phone-error")).toBeNull();

    refusal = () => fail("validation", { field: "quantity" });
    await fireEvent.click(screen.getByTestId("order-confirm"));
    expect((await screen.findByTestId("order-quantity-error")).textContent?.trim()).toBe(ja["exchange.invalid.quantity"]);

    refusal = () => fail("insurer", { api_code: "insufficient_points" });
    await fireEvent.click(screen.getByTestId("order-confirm"));
    expect((await screen.findByTestId("order-error")).textContent?.trim()).toBe(ja["error.insufficient_points"]);

    refusal = () => fail("out_of_stock");
    await fireEvent.click(screen.getByTestId("order-confirm"));
    await vi.waitFor(() => expect(screen.getByTestId("order-error").textContent?.trim()).toBe(ja["error.out_of_stock"]));

    refusal = () => fail("offline", { offline: "no_connection" });
    await fireEvent.click(screen.getByTestId("order-confirm"));
    await vi.waitFor(() =>
      expect(screen.getByTestId("order-error").textContent).toBe(ja["exchange.needs_connection"] + ja["offline.no_connection"]),
    );
    expect(onunsettled).not.toHaveBeenCalled();

    refusal = () => fail("exchange_unsettled");
    await fireEvent.click(screen.getByTestId("order-confirm"));
    await vi.waitFor(() => expect(screen.getByTestId("order-error").textContent?.trim()).toBe(ja["error.exchange_unsettled"]));
    expect(onunsettled).toHaveBeenCalledTimes(1);
  });
});
