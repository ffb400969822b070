import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DayView_Serialize, GoalDay_Serialize, SyncStatus_Serialize } from "../bindings";
import type { MemberEvents } from "../lib/desk.svelte";
import "../lib/i18n";
import { addDays, todayJst } from "../lib/jst";
import ja from "../locales/ja.json";
import { type Args, dayView, deferred, fail, hanako, type Handler, mockCommands, syncStatus } from "../test/ipc";
import TodayScreen, { SYNC_EVERY_MS } from "./TodayScreen.svelte";

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

function events() {
  return {
    locked: vi.fn<() => void>(),
    loginAgain: vi.fn(async () => {}),
    refresh: vi.fn(async () => {}),
    passwordChangeDue: vi.fn<() => void>(),
    pinChanged: vi.fn(async () => {}),
  } satisfies MemberEvents;
}

const walk: GoalDay_Serialize = { goal: { id: 7, label: "1日8,000歩あるく", active: true }, achieved: null };

/** A core with one day in it: saves change it and mark it pending until a sync. */
function core(start: Partial<DayView_Serialize> = {}, handlers: Record<string, Handler> = {}) {
  const days = new Map<string, DayView_Serialize>();
  const get = (date: string) => days.get(date) ?? dayView(date, start);
  const calls = mockCommands({
    day_get: ({ date }) => get(date as string),
    record_save: (args: Args) => {
      const day = { ...get(args.date as string), pending: true };
      if (args.kind === "steps") day.steps = args.value as number;
      if (args.kind === "weight") day.weight_kg = args.value as number;
      if (args.kind === "goal") {
        day.goals = day.goals.map((g) => (g.goal.id === args.goalId ? { ...g, achieved: args.value as boolean } : g));
      }
      days.set(day.date, day);
      return day;
    },
    sync_now: () => syncStatus("synced"),
    check_in: () => ({ date: todayJst(), points_granted: 5 }),
    ...handlers,
  });
  return calls;
}

function show(member = events()) {
  render(TodayScreen, { props: { profile: hanako, events: member } });
  return member;
}

async function type(testid: string, text: string, key = "Enter"): Promise<void> {
  const input = screen.getByTestId(testid);
  await vi.waitFor(() => expect((input as HTMLInputElement).disabled).toBe(false));
  await fireEvent.input(input, { target: { value: text } });
  if (key === "Enter") await fireEvent.keyDown(input, { key: "Enter" });
  else await fireEvent.blur(input);
}

const syncState = () => screen.getByTestId("sync-state");

describe("TodayScreen", () => {
  it("shows the member and today's day, with no way forward", async () => {
    core();
    show();
    expect(screen.getByTestId("member-name").textContent).toBe("はなこ さん");
    expect(screen.getByTestId("today-date").dataset.date).toBe(todayJst());
    expect(screen.getByRole("heading", { level: 2 }).textContent).toContain(ja["today.title"]);
    expect((screen.getByTestId("day-next") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByLabelText(ja["today.date"]).getAttribute("max")).toBe(todayJst());
  });

  it("saves steps on Enter, shows the saved day at once, then the sync's outcome", async () => {
    const sync = deferred<SyncStatus_Serialize>();
    let syncs = 0;
    const calls = core({}, { sync_now: () => (++syncs === 1 ? syncStatus("synced") : sync.promise) });
    show();
    await vi.waitFor(() => expect(syncState().dataset.state).toBe("synced"));

    await type("steps", "８，０００");
    await vi.waitFor(() => expect(calls.of("record_save")).toHaveLength(1));
    expect(calls.of("record_save")[0]).toEqual({ date: todayJst(), kind: "steps", value: 8000, goalId: null });
    // Saved on this PC: shown before the insurer has answered.
    await vi.waitFor(() => expect(syncState().textContent).toContain("このPCに保存済み"));
    expect((screen.getByTestId("steps") as HTMLInputElement).value).toBe("8000");
    expect(calls.of("sync_now")).toHaveLength(2);

    sync.resolve(syncStatus("synced", { last_sync: "2026-05-10T14:03:00+09:00" }));
    await vi.waitFor(() => expect(syncState().textContent).toContain("同期済み"));
    expect(screen.getByTestId("sync-last").textContent).toContain("14:03");
  });

  it("saves weight when the field is left, and not again for the same value", async () => {
    const calls = core();
    show();
    await type("weight", "62.4", "blur");
    await vi.waitFor(() => expect(calls.of("record_save")).toEqual([
      { date: todayJst(), kind: "weight", value: 62.4, goalId: null },
    ]));
    await vi.waitFor(() => expect((screen.getByTestId("weight") as HTMLInputElement).value).toBe("62.4"));
    await fireEvent.change(screen.getByTestId("weight"));
    await fireEvent.blur(screen.getByTestId("weight"));
    expect(calls.of("record_save")).toHaveLength(1);
  });

  it("shows the core's validation error beside the field that was saved", async () => {
    const calls = core({}, { record_save: () => fail("validation", { field: "value" }) });
    show();
    await type("weight", "62.45");
    const message = await screen.findByTestId("weight-error");
    expect(message.textContent).toBe(ja["today.weight.invalid"]);
    const input = screen.getByTestId("weight");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toContain("weight-error");
    expect(screen.queryByTestId("steps-error")).toBeNull();
    expect(calls.of("record_save")).toHaveLength(1);
  });

  it("says a typed text that is no number is wrong, without saving it", async () => {
    const calls = core();
    show();
    await type("steps", "たくさん");
    expect(screen.getByTestId("steps-error").textContent).toBe(ja["today.steps.invalid"]);
    expect(calls.of("record_save")).toEqual([]);
  });

  it("puts a refused date beside the date", async () => {
    core({}, { record_save: () => fail("validation", { field: "date" }) });
    show();
    await type("steps", "1000");
    expect((await screen.findByTestId("day-date-error")).textContent).toBe(ja["today.date.future"]);
  });

  it("ticks a behaviour goal as achieved", async () => {
    const calls = core({ goals: [walk] });
    show();
    const box = await screen.findByLabelText("1日8,000歩あるく");
    expect(screen.getByText(ja["today.goals.not_entered"])).toBeTruthy();
    await vi.waitFor(() => expect((box as HTMLInputElement).disabled).toBe(false));
    await fireEvent.click(box);
    await vi.waitFor(() => expect(calls.of("record_save")).toEqual([
      { date: todayJst(), kind: "goal", value: true, goalId: 7 },
    ]));
    await vi.waitFor(() => expect(screen.getByText(ja["today.goals.achieved"])).toBeTruthy());
    expect((box as HTMLInputElement).checked).toBe(true);
  });

  it("goes to the day before and says when a day no longer earns points", async () => {
    const yesterday = addDays(todayJst(), -1);
    const calls = core({}, {
      day_get: ({ date }) => dayView(date as string, { earns: date !== yesterday, steps: date === yesterday ? 4321 : null }),
    });
    show();
    expect(screen.queryByTestId("not-earning")).toBeNull();
    await fireEvent.click(screen.getByTestId("day-prev"));
    await vi.waitFor(() => expect((screen.getByTestId("steps") as HTMLInputElement).value).toBe("4321"));
    expect(screen.getByTestId("not-earning").textContent).toBe(ja["today.not_earning"]);
    expect(calls.of("day_get").at(-1)).toEqual({ date: yesterday });
    expect((screen.getByTestId("day-next") as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByRole("heading", { level: 2 }).textContent).toContain(ja["today.title_past"]);
  });

  it("refuses a future date typed into the date field", async () => {
    const calls = core();
    show();
    const input = screen.getByLabelText(ja["today.date"]);
    await fireEvent.input(input, { target: { value: addDays(todayJst(), 1) } });
    await fireEvent.change(input);
    expect(screen.getByTestId("day-date-error").textContent).toBe(ja["today.date.future"]);
    expect(calls.of("day_get").map((a) => a.date)).not.toContain(addDays(todayJst(), 1));
  });

  it("shows the login point granted on opening, once", async () => {
    const calls = core();
    show();
    const result = await screen.findByTestId("checkin-result");
    expect(result.textContent).toBe("本日のログインで 5ポイント獲得しました");
    expect(calls.of("check_in")).toHaveLength(1);
  });

  it("says the login point was already received when the answer is 0", async () => {
    core({}, { check_in: () => ({ date: todayJst(), points_granted: 0 }) });
    show();
    expect((await screen.findByTestId("checkin-result")).textContent).toBe(ja["checkin.already"]);
  });

  it("shows offline with its reason, and asks to log in again when the session is over", async () => {
    let answer: SyncStatus_Serialize = syncStatus("offline", { reason: "connection refused" } as Partial<SyncStatus_Serialize>);
    core({}, { sync_now: () => answer });
    const member = show();
    await vi.waitFor(() => expect(syncState().dataset.state).toBe("offline"));
    expect(syncState().textContent).toContain("オフライン");
    expect(screen.getByTestId("sync-reason").textContent).toContain("connection refused");

    answer = syncStatus("logged_out");
    await fireEvent.click(screen.getByTestId("sync-now"));
    await vi.waitFor(() => expect(syncState().dataset.state).toBe("logged_out"));
    await fireEvent.click(screen.getByTestId("sync-relogin"));
    expect(member.loginAgain).toHaveBeenCalled();
  });

  it("syncs every minute on its own", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const calls = core();
    show();
    await vi.waitFor(() => expect(calls.of("sync_now")).toHaveLength(1));
    await vi.advanceTimersByTimeAsync(SYNC_EVERY_MS);
    await vi.waitFor(() => expect(calls.of("sync_now")).toHaveLength(2));
    await vi.advanceTimersByTimeAsync(SYNC_EVERY_MS);
    await vi.waitFor(() => expect(calls.of("sync_now")).toHaveLength(3));
  });

  it("hands a locked app to the lock screen", async () => {
    core({}, { record_save: () => fail("locked") });
    const member = show();
    await type("steps", "1000");
    await vi.waitFor(() => expect(member.locked).toHaveBeenCalled());
  });
});
