import { describe, expect, it } from "vitest";
import type { CatalogEntry_Serialize, CommandErrorCode } from "../bindings";
import en from "../locales/en.json";
import ja from "../locales/ja.json";
import {
  addressRequest,
  addressValues,
  checkAddress,
  formatPostal,
  mayHaveReached,
  ORDER_FIELDS,
  orderErrors,
  postalDigits,
  PREFECTURES,
  quantities,
  shownEntries,
  statusKey,
  whyNot,
  type AddressValues,
} from "./exchange";

const entry = (id: string, points: number, stock: number, affordable: boolean): CatalogEntry_Serialize => ({
  item: { id, name: id, description: "", points, stock, image_url: null },
  picture: null,
  affordable,
});

const catalog = [
  entry("rice", 4373, 10, false),
  entry("coffee", 1895, 50, true),
  entry("pedometer", 2600, 0, false),
  entry("towel", 1895, 3, true),
];

const error = (code: CommandErrorCode, extra: { api_code?: string; field?: string } = {}) => ({
  code,
  message: "a message the UI never matches on",
  api_code: extra.api_code ?? null,
  field: extra.field ?? null,
  offline: null,
});

const hanako: AddressValues = {
  name: "健保 花子",
  postal_code: "100-0001",
  prefecture: "東京都",
  city: "千代田区",
  line1: "千代田1-1",
  line2: "",
  phone: "03-1234-5678",
};

describe("the catalog's order", () => {
  it("sorts cheapest first (ties in the catalog's order), dearest first, or as the catalog has it", () => {
    const ids = (sort: Parameters<typeof shownEntries>[1], only = false) => shownEntries(catalog, sort, only).map((e) => e.item.id);
    expect(ids("points_asc")).toEqual(["coffee", "towel", "pedometer", "rice"]);
    expect(ids("points_desc")).toEqual(["rice", "pedometer", "coffee", "towel"]);
    expect(ids("recommended")).toEqual(["rice", "coffee", "pedometer", "towel"]);
    expect(ids("points_desc", true)).toEqual(["coffee", "towel"]);
    expect(catalog.map((e) => e.item.id), "the catalog itself is left as it is").toEqual(["rice", "coffee", "pedometer", "towel"]);
  });

  it("says why an item cannot be had: no stock first, else not enough points", () => {
    expect(catalog.map(whyNot)).toEqual(["short", null, "out_of_stock", null]);
  });

  it("offers 1 to 10 of an item, or as many as are in stock", () => {
    expect(quantities(50)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantities(3)).toEqual([1, 2, 3]);
    expect(quantities(0)).toEqual([1]);
  });
});

describe("the shipping address", () => {
  it("has the 47 prefectures in JIS order", () => {
    expect(PREFECTURES).toHaveLength(47);
    expect(PREFECTURES[0]).toBe("北海道");
    expect(PREFECTURES[12]).toBe("東京都");
    expect(PREFECTURES[46]).toBe("沖縄県");
  });

  it("reads a postal code as typed, and writes it with its hyphen", () => {
    expect(postalDigits("100-0001")).toBe("1000001");
    expect(postalDigits("1000001")).toBe("1000001");
    expect(postalDigits("１００ー０００１")).toBe("1000001");
    expect(postalDigits("100-000")).toBeNull();
    expect(postalDigits("100-00011")).toBeNull();
    expect(postalDigits("〒100-0001")).toBeNull();
    expect(formatPostal("1000001")).toBe("100-0001");
    expect(formatPostal("100-0001")).toBe("100-0001");
  });

  it("fills the form from the last order, and sends it trimmed without an empty building line", () => {
    expect(addressValues(null).name).toBe("");
    const saved = addressValues({ ...hanako, postal_code: "100-0001", phone: "0312345678" });
    expect(saved.line2).toBe("");
    expect(addressRequest({ ...saved, name: " 健保 花子 ", line2: "  " })).toEqual({
      name: "健保 花子",
      postal_code: "100-0001",
      prefecture: "東京都",
      city: "千代田区",
      line1: "千代田1-1",
      line2: null,
      phone: "0312345678",
    });
    expect(addressRequest({ ...saved, line2: "けんぽビル 101" }).line2).toBe("けんぽビル 101");
  });

  it("checks what can be checked here: required fields, the postal code, the prefecture, the phone, lengths", () => {
    expect(checkAddress(hanako)).toEqual({});
    expect(checkAddress({ ...hanako, phone: "090 1234 5678" })).toEqual({});
    const empty = checkAddress(addressValues(null));
    expect(Object.keys(empty).sort()).toEqual(["city", "line1", "name", "phone", "postal_code", "prefecture"]);
    expect(empty.name?.key).toBe("exchange.required.name");
    expect(empty.postal_code?.key).toBe("exchange.invalid.postal_code");
    expect(checkAddress({ ...hanako, phone: "3-1234-5678" }).phone?.key).toBe("exchange.invalid.phone");
    expect(checkAddress({ ...hanako, prefecture: "東京" }).prefecture?.key).toBe("exchange.required.prefecture");
    expect(checkAddress({ ...hanako, line2: "あ".repeat(101) }).line2).toEqual({ key: "exchange.too_long", values: { max: "100" } });
  });
});

describe("where an order's error is shown", () => {
  it("puts a refused field under that field, by the field's name", () => {
    expect(orderErrors(error("validation", { field: "phone" }))).toEqual({ phone: { key: "exchange.invalid.phone", values: {} } });
    expect(orderErrors(error("validation", { field: "quantity" })).quantity?.key).toBe("exchange.invalid.quantity");
    expect(orderErrors(error("insurer", { api_code: "invalid_address", field: "line1" })).line1?.key).toBe("exchange.invalid.line1");
  });

  it("puts the rest above the button, by code", () => {
    expect(orderErrors(error("insurer", { api_code: "invalid_address" })).form?.key).toBe("error.invalid_address");
    expect(orderErrors(error("validation", { field: "something_new" })).form?.key).toBe("error.validation");
    expect(orderErrors(error("insufficient_points")).form?.key).toBe("error.insufficient_points");
    expect(orderErrors(error("insurer", { api_code: "out_of_stock" })).form?.key).toBe("error.out_of_stock");
    expect(orderErrors(error("exchange_unsettled")).form?.key).toBe("error.exchange_unsettled");
    expect(orderErrors({ ...error("offline"), offline: "timeout" }).form).toEqual({
      key: "exchange.needs_connection",
      values: {},
      detail: { key: "offline.timeout", values: {} },
    });
  });

  it("tells an order that may have reached the insurer from one it refused", () => {
    expect(mayHaveReached(error("offline"))).toBe(true);
    expect(mayHaveReached(error("protocol"))).toBe(true);
    expect(mayHaveReached(error("insurer", { api_code: "service_unavailable" }))).toBe(true);
    expect(mayHaveReached(error("insurer", { api_code: "insufficient_points" }))).toBe(false);
    expect(mayHaveReached(error("exchange_not_prepared"))).toBe(false);
  });

  it("has every message in both languages", () => {
    const keys = [
      ...ORDER_FIELDS.map((field) => `exchange.invalid.${field}`),
      ...["name", "prefecture", "city", "line1", "line2", "phone"].map((field) => `exchange.required.${field}`),
      ...(["ordered", "shipped", "delivered", "cancelled"] as const).map(statusKey),
    ];
    for (const key of keys) {
      expect(ja, key).toHaveProperty([key]);
      expect(en, key).toHaveProperty([key]);
    }
  });
});
