import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  events,
  type CatalogItem_Serialize,
  type LedgerEntryInfo_Serialize,
  type LedgerLine_Serialize,
  type LineKind,
  type PointsView_Serialize,
} from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, fakeRoutes, mockCommands } from "../test/ipc";
import PointsScreen from "./PointsScreen.svelte";

afterEach(() => clearMocks());

function line(kind: LineKind, entry: LedgerEntryInfo_Serialize): LedgerLine_Serialize {
  const [year = 0, month = 0] = entry.date.split("-").map(Number);
  return { entry, kind, fiscal_year: month >= 4 ? year : year - 1 };
}

const item = (id: string, name: string, points: number): CatalogItem_Serialize => ({
  id,
  name,
  description: "",
  points,
  stock: 5,
  image_url: null,
});

const online: PointsView_Serialize = {
  balance: 1234,
  offline: false,
  summary: {
    balance: 1234,
    expiring: [{ expires_on: "2027-03-31", points: 500 }],
    lots: [
      { granted_on: "2025-06-01", expires_on: "2027-03-31", remaining: 500 },
      { granted_on: "2026-05-10", expires_on: "2028-03-31", remaining: 734 },
    ],
  },
  ledger: [
    line("spent", { id: 3, date: "2026-05-11", code: "exchange", points: -1895, expires_on: null, note: null }),
    line("earned", { id: 2, date: "2026-05-10", code: "steps", points: 10, expires_on: "2028-03-31", note: null }),
    line("earned", { id: 1, date: "2026-05-09", code: "spring_walk_2026", points: 200, expires_on: "2028-03-31", note: "春のウォーキング" }),
  ],
  fiscal_years: [2026],
  next_expiry: null,
};

function show(answer: () => unknown, onexchange?: () => void) {
  const calls = mockCommands({ points_get: answer });
  render(PointsScreen, { onexchange });
  return calls;
}

describe("PointsScreen", () => {
  it("shows the balance, the points expiring soon and the lots by expiry", async () => {
    show(() => online);
    const balance = await screen.findByTestId("points-balance");
    expect(balance.textContent?.trim()).toBe("1,234ポイント");
    expect(screen.getByTestId("points-expiring").textContent).toContain("2027/03/31 まで：500ポイント");
    const lots = within(screen.getByTestId("points-lots")).getAllByRole("row").slice(1);
    expect(lots.map((row) => row.textContent)).toEqual(["2027/03/312025/06/01500", "2028/03/312026/05/10734"]);
    expect(screen.queryByTestId("points-offline")).toBeNull();
  });

  it("lists the ledger with labels, signed points and expiry; unknown codes as they are", async () => {
    show(() => online);
    const rows = await screen.findAllByTestId("ledger-entry");
    const cells = rows.map((row) => within(row).getAllByRole("cell").map((cell) => cell.textContent?.trim()));
    expect(cells).toEqual([
      ["2026/05/11", ja["ledger.code.exchange"], "-1,895", "—"],
      ["2026/05/10", ja["ledger.code.steps"], "+10", "2028/03/31"],
      ["2026/05/09", "spring_walk_2026 春のウォーキング", "+200", "2028/03/31"],
    ]);
  });

  it("says the figures are from the last sync when the insurer cannot be reached", async () => {
    show(() => ({ ...online, summary: null, offline: true, balance: 1200 }));
    expect((await screen.findByTestId("points-offline")).textContent).toBe(ja["points.offline"]);
    expect(screen.getByTestId("points-balance").textContent?.trim()).toBe("1,200ポイント");
    expect(screen.getByText(ja["points.summary_offline"])).toBeTruthy();
    expect(screen.getByTestId("ledger")).toBeTruthy();
  });

  it("says so when there is no history yet", async () => {
    show(() => ({ ...online, ledger: [], fiscal_years: [], summary: { balance: 0, lots: [], expiring: [] }, balance: 0 }));
    expect((await screen.findByTestId("ledger-empty")).textContent).toBe(ja["points.ledger.none"]);
    expect(screen.getByText(ja["points.expiring.none"])).toBeTruthy();
    expect(screen.queryByTestId("ledger-kind")).toBeNull();
    expect(screen.queryByTestId("expiry-plan")).toBeNull();
  });

  it("hands a locked app to the lock screen, and shows nothing of its own for it", async () => {
    const routes = fakeRoutes();
    show(() => fail("locked"));
    await vi.waitFor(() => expect(routes.locked).toHaveBeenCalled());
    expect(screen.queryByTestId("points-error")).toBeNull();
  });

  it("loads again when the core says the ledger moved", async () => {
    let balance = 1234;
    const calls = show(() => ({ ...online, balance }));
    expect((await screen.findByTestId("points-balance")).dataset.points).toBe("1234");
    balance = 1244;
    await events.pointsChanged.emit();
    await vi.waitFor(() => expect(screen.getByTestId("points-balance").dataset.points).toBe("1244"));
    expect(calls.of("points_get")).toHaveLength(2);
  });

  it("plans the next expiry: how many points go on which day, and at most three items they would buy", async () => {
    const onexchange = vi.fn<() => void>();
    show(
      () => ({
        ...online,
        next_expiry: {
          expires_on: "2027-03-31",
          points: 4500,
          within_reach: [
            item("rice-5kg", "新潟県産こしひかり 5kg", 4373),
            item("pedometer", "歩数計 ホワイト", 2600),
            item("coffee-gift", "コーヒーギフト", 1895),
            item("towel", "今治タオル", 1000),
          ],
        },
      }),
      onexchange,
    );
    const plan = await screen.findByTestId("expiry-plan");
    expect(within(plan).getByTestId("expiry-plan-text").textContent?.trim()).toBe("4,500ポイントが2027年3月31日に失効します");
    expect(plan.textContent).toContain("このポイントで交換できる商品：");
    const items = within(within(plan).getByTestId("expiry-plan-items")).getAllByRole("listitem");
    expect(items.map((li) => li.textContent?.trim())).toEqual([
      "新潟県産こしひかり 5kg（4,373ポイント）",
      "歩数計 ホワイト（2,600ポイント）",
      "コーヒーギフト（1,895ポイント）",
    ]);
    await fireEvent.click(within(plan).getByTestId("expiry-plan-exchange"));
    expect(onexchange).toHaveBeenCalledTimes(1);
  });

  it("says when nothing in the catalog is within the expiring points yet", async () => {
    show(() => ({ ...online, next_expiry: { expires_on: "2027-03-31", points: 240, within_reach: [] } }));
    const plan = await screen.findByTestId("expiry-plan");
    expect(within(plan).getByTestId("expiry-plan-text").textContent?.trim()).toBe("240ポイントが2027年3月31日に失効します");
    expect(within(plan).getByTestId("expiry-plan-none").textContent).toBe(ja["points.plan.none"]);
    expect(within(plan).queryByTestId("expiry-plan-exchange")).toBeNull();
  });

  it("filters the ledger by kind and fiscal year, and says when nothing matches", async () => {
    show(() => ({
      ...online,
      ledger: [
        line("returned", { id: 6, date: "2027-05-02", code: "exchange_cancelled", points: 1895, expires_on: "2028-03-31", note: null }),
        line("spent", { id: 5, date: "2027-05-01", code: "exchange", points: -1895, expires_on: null, note: null }),
        line("expired", { id: 4, date: "2027-04-01", code: "expiry", points: -300, expires_on: null, note: null }),
        line("earned", { id: 3, date: "2027-03-31", code: "steps", points: 10, expires_on: "2028-03-31", note: null }),
        line("earned", { id: 2, date: "2026-04-01", code: "registration", points: 1000, expires_on: "2028-03-31", note: null }),
        line("earned", { id: 1, date: "2026-03-31", code: "login", points: 5, expires_on: "2027-03-31", note: null }),
      ],
      fiscal_years: [2027, 2026, 2025],
    }));
    const ids = () => screen.queryAllByTestId("ledger-entry").map((row) => row.dataset.kind);
    await screen.findAllByTestId("ledger-entry");
    expect(ids()).toEqual(["returned", "spent", "expired", "earned", "earned", "earned"]);

    const kind = screen.getByTestId("ledger-kind") as HTMLSelectElement;
    const year = screen.getByTestId("ledger-year") as HTMLSelectElement;
    expect([...kind.options].map((o) => o.text)).toEqual(["すべて", "獲得", "交換", "返還", "失効"]);
    expect([...year.options].map((o) => o.text)).toEqual(["すべての年度", "2027年度", "2026年度", "2025年度"]);
    expect(kind.value).toBe("all");
    expect(year.selectedIndex).toBe(0);

    await fireEvent.change(kind, { target: { value: "earned" } });
    expect(ids()).toEqual(["earned", "earned", "earned"]);
    year.selectedIndex = 2;
    await fireEvent.change(year);
    const rows = screen.getAllByTestId("ledger-entry");
    expect(rows.map((row) => row.dataset.code)).toEqual(["steps", "registration"]);

    await fireEvent.change(kind, { target: { value: "returned" } });
    expect(screen.queryByTestId("ledger")).toBeNull();
    expect(screen.getByTestId("ledger-none-match").textContent).toBe(ja["points.ledger.none_match"]);

    await fireEvent.change(kind, { target: { value: "all" } });
    year.selectedIndex = 0;
    await fireEvent.change(year);
    expect(ids()).toHaveLength(6);
  });
});
