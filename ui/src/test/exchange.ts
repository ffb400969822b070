// The leaflet's catalog (coffee gift 1,895 P, pedometer 2,600 P, rice
// 4,373 P) and a balance of 3,460 points, as the core answers them to the
// exchange screen's commands.
import type {
  CatalogEntry_Serialize,
  CatalogItem_Serialize,
  CatalogView_Serialize,
  ExchangeInfo,
  ExchangeQuote_Serialize,
  ShippingAddress_Serialize,
} from "../bindings";

/** A 1×1 PNG, as the core answers a picture. */
export const PICTURE =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

export const coffee: CatalogItem_Serialize = {
  id: "coffee-gift",
  name: "コーヒーギフト",
  description: "キーコーヒーのドリップバッグ詰め合わせ",
  points: 1895,
  stock: 50,
  image_url: "/api/v1/catalog/coffee-gift/image?v=1",
};
export const pedometer: CatalogItem_Serialize = {
  id: "pedometer",
  name: "歩数計 ホワイト",
  description: "",
  points: 2600,
  stock: 0,
  image_url: null,
};
export const rice: CatalogItem_Serialize = {
  id: "rice-5kg",
  name: "新潟県産こしひかり 5kg",
  description: "上品な甘みと香りのコシヒカリ",
  points: 4373,
  stock: 12,
  image_url: null,
};

/** The catalog in its own order (おすすめ順): rice, coffee, pedometer. */
export const entries: CatalogEntry_Serialize[] = [
  { item: rice, picture: null, affordable: false },
  { item: coffee, picture: PICTURE, affordable: true },
  { item: pedometer, picture: null, affordable: false },
];

export const address: ShippingAddress_Serialize = {
  name: "健保 花子",
  postal_code: "100-0001",
  prefecture: "東京都",
  city: "千代田区",
  line1: "千代田1-1",
  phone: "0312345678",
};

export function catalogView(change: Partial<CatalogView_Serialize> = {}): CatalogView_Serialize {
  return { items: entries, balance: 3460, offline: false, pending: null, address: null, ...change };
}

/** Two coffee gifts, drawn from two expiry days. */
export function quote(change: Partial<ExchangeQuote_Serialize> = {}): ExchangeQuote_Serialize {
  return {
    key: "kx-00112233445566778899aabbccddeeff",
    item: coffee,
    quantity: 2,
    points: 3790,
    lots: [
      { expires_on: "2027-03-31", points: 1240 },
      { expires_on: "2028-03-31", points: 2550 },
    ],
    balance: 5355,
    balance_after: 1565,
    address: { ...address, line2: "けんぽビル 101" },
    ...change,
  };
}

export function order(exchange_id: number, change: Partial<ExchangeInfo> = {}): ExchangeInfo {
  return {
    exchange_id,
    item_id: coffee.id,
    item_name: coffee.name,
    quantity: 1,
    points_spent: 1895,
    status: "ordered",
    ordered_at: "2026-12-03T10:15:00+09:00",
    updated_at: "2026-12-03T10:15:00+09:00",
    ...change,
  };
}
