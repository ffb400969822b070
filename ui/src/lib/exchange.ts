// 商品交換 on the UI's side: how the catalog is sorted and filtered (view
// state only), the shipping form's values and the checks made here before
// the core is asked (the core and the insurer have the final word), and
// where a refusal is shown: under the field it names, else above the
// button. Everything is chosen by code and field, never by message text.
import { MAX_ADDRESS_FIELD_CHARS as MAX_FIELD_CHARS, MAX_QUANTITY, PREFECTURES } from "../bindings";
import type {
  CatalogEntry_Serialize,
  CommandError,
  ExchangeStatus,
  ShippingAddress_Deserialize,
  ShippingAddress_Serialize,
} from "../bindings";
import { errorMessage, offlineMessage, type ErrorMessage } from "./errors";
import { digitsOf, message } from "./registration";

// The 47 prefectures in JIS order and the form's limits are kenpo-domain's,
// exported into the bindings.
export { MAX_QUANTITY, PREFECTURES } from "../bindings";
export { MAX_ADDRESS_FIELD_CHARS as MAX_FIELD_CHARS } from "../bindings";

/** The quantities an order of an item may have: 1 up to 10, or its stock. */
export function quantities(stock: number): number[] {
  const most = Math.max(1, Math.min(MAX_QUANTITY, stock));
  return Array.from({ length: most }, (_, i) => i + 1);
}

export const CATALOG_SORTS = ["points_asc", "points_desc", "recommended"] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];

/**
 * The items as the member chose to see them: cheapest or dearest first
 * (ties in the catalog's order), or the catalog's own order (おすすめ順);
 * only those the balance affords, if asked.
 */
export function shownEntries(
  items: readonly CatalogEntry_Serialize[],
  sort: CatalogSort,
  affordableOnly: boolean,
): CatalogEntry_Serialize[] {
  const kept = items.filter((entry) => !affordableOnly || entry.affordable);
  if (sort === "points_asc") kept.sort((a, b) => a.item.points - b.item.points);
  else if (sort === "points_desc") kept.sort((a, b) => b.item.points - a.item.points);
  return kept;
}

/** Why an item cannot be ordered now: none in stock, or not enough points; `null` when it can. */
export function whyNot(entry: CatalogEntry_Serialize): "out_of_stock" | "short" | null {
  if (entry.affordable) return null;
  return entry.item.stock <= 0 ? "out_of_stock" : "short";
}

/** The shipping form, as typed. */
export interface AddressValues {
  name: string;
  postal_code: string;
  prefecture: string;
  city: string;
  line1: string;
  line2: string;
  phone: string;
}

/** The form, filled with the last order's address when there was one. */
export function addressValues(saved: ShippingAddress_Serialize | null | undefined): AddressValues {
  return {
    name: saved?.name ?? "",
    postal_code: saved?.postal_code ?? "",
    prefecture: saved?.prefecture ?? "",
    city: saved?.city ?? "",
    line1: saved?.line1 ?? "",
    line2: saved?.line2 ?? "",
    phone: saved?.phone ?? "",
  };
}

/** The address as the core takes it (trimmed; no building line when empty). */
export function addressRequest(values: AddressValues): ShippingAddress_Deserialize {
  const line2 = values.line2.trim();
  return {
    name: values.name.trim(),
    postal_code: values.postal_code.trim(),
    prefecture: values.prefecture,
    city: values.city.trim(),
    line1: values.line1.trim(),
    line2: line2 === "" ? null : line2,
    phone: values.phone.trim(),
  };
}

/** The 7 digits of a postal code as typed (100-0001, 1000001, full-width); `null` otherwise. */
export function postalDigits(text: string): string | null {
  const digits = digitsOf(text).replace(/[−―]/g, "");
  return /^\d{7}$/.test(digits) ? digits : null;
}

/** A postal code as written on an address: 100-0001. */
export function formatPostal(code: string): string {
  const digits = postalDigits(code);
  return digits ? `${digits.slice(0, 3)}-${digits.slice(3)}` : code;
}

/** The fields of an order, by the core's and the insurer's names. */
export const ORDER_FIELDS = ["quantity", "name", "postal_code", "prefecture", "city", "line1", "line2", "phone"] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];
/** Where an order's error is shown: under a field, or above the button. */
export type OrderPlace = OrderField | "form";
export type OrderErrors = Partial<Record<OrderPlace, ErrorMessage>>;

const isOrderField = (field: string | null | undefined): field is OrderField =>
  (ORDER_FIELDS as readonly string[]).includes(field ?? "");

/** What the address lacks before it can be sent. */
export function checkAddress(values: AddressValues): OrderErrors {
  const found: OrderErrors = {};
  const text = (field: "name" | "city" | "line1" | "line2", required: boolean) => {
    const value = values[field].trim();
    if (value === "" && required) found[field] = message(`exchange.required.${field}`);
    else if ([...value].length > MAX_FIELD_CHARS) {
      found[field] = { key: "exchange.too_long", values: { max: String(MAX_FIELD_CHARS) } };
    }
  };
  text("name", true);
  if (!postalDigits(values.postal_code)) found.postal_code = message("exchange.invalid.postal_code");
  if (!(PREFECTURES as readonly string[]).includes(values.prefecture)) {
    found.prefecture = message("exchange.required.prefecture");
  }
  text("city", true);
  text("line1", true);
  text("line2", false);
  const phone = digitsOf(values.phone);
  if (phone === "") found.phone = message("exchange.required.phone");
  else if (!/^0\d{9,10}$/.test(phone)) found.phone = message("exchange.invalid.phone");
  return found;
}

/**
 * Where a refused quote or order is said: a field the core or the insurer
 * names (`validation`, `invalid_address`) under that field; the insurer
 * out of reach as "needs a connection", with why; anything else above the
 * button, by its code.
 */
export function orderErrors(error: CommandError): OrderErrors {
  const fieldCode =
    error.code === "validation" ||
    (error.code === "insurer" && (error.api_code === "invalid_address" || error.api_code === "validation"));
  if (fieldCode && isOrderField(error.field)) return { [error.field]: message(`exchange.invalid.${error.field}`) };
  return { form: actionError(error) };
}

/** What stopped an action that needs the insurer (a quote, an order, a cancel): offline says so, with why. */
export function actionError(error: CommandError): ErrorMessage {
  if (error.code === "offline") return { key: "exchange.needs_connection", values: {}, detail: offlineMessage(error) };
  return errorMessage(error);
}

/**
 * Whether an order that failed may still have reached the insurer: the
 * answer did not come (offline, unreadable) or the server failed midway.
 * Only the same key may settle it then; the core keeps it as sent. A
 * refusal (the insurer said no) spent nothing.
 */
export function mayHaveReached(error: CommandError): boolean {
  return (
    error.code === "offline" ||
    error.code === "protocol" ||
    (error.code === "insurer" && (error.api_code === "service_unavailable" || error.api_code === "internal"))
  );
}

/** Whether the insurer refused an order, so that the member should go back to the form. */
export function refusedOrder(error: CommandError): boolean {
  return (
    error.code === "insurer" ||
    error.code === "validation" ||
    error.code === "unknown_item" ||
    error.code === "out_of_stock" ||
    error.code === "insufficient_points"
  );
}

/** The label of an order's status: 注文済み, 発送済み, お届け済み, キャンセル済み. */
export const statusKey = (status: ExchangeStatus) => `exchange.status.${status}`;
