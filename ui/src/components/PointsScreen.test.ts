import { clearMocks } from "@tauri-apps/api/mocks";
import { render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { events, type PointsView_Serialize } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, fakeRoutes, mockCommands } from "../test/ipc";
import PointsScreen from "./PointsScreen.svelte";

afterEach(() => clearMocks());

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
    { id: 3, date: "2026-05-11", code: "exchange", points: -1895, expires_on: null, note: null },
    { id: 2, date: "2026-05-10", code: "steps", points: 10, expires_on: "2028-03-31", note: null },
    { id: 1, date: "2026-05-09", code: "spring_walk_2026", points: 200, expires_on: "2028-03-31", note: "春のウォーキング" },
  ],
};

function show(answer: () => unknown) {
  const calls = mockCommands({ points_get: answer });
  render(PointsScreen);
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
    show(() => ({ ...online, ledger: [], summary: { balance: 0, lots: [], expiring: [] }, balance: 0 }));
    expect((await screen.findByTestId("ledger-empty")).textContent).toBe(ja["points.ledger.none"]);
    expect(screen.getByText(ja["points.expiring.none"])).toBeTruthy();
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
});
