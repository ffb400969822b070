import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { events, type DayView_Serialize, type GoalDay_Serialize, type SyncStatus_Serialize } from "../bindings";
import "../lib/i18n";
import { addDays, todayJst } from "../lib/jst";
import { sync } from "../lib/sync.svelte";
import ja from "../locales/ja.json";
import { type Args, dayView, fail, fakeRoutes, hanako, type Handler, mockCommands, syncStatus } from "../test/ipc";
import TodayScreen from "./TodayScreen.svelte";

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const walk: GoalDay_Serialize = { goal: { id: 7, label: "1日8,000歩あるく", active: true }, achieved: null };

/**
 * A core with one day in it: saves change it and mark it pending. It
 * syncs on its own: a test tells what it says with `sync://status`.
 */
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
    sync_status_get: () => syncStatus("unknown"),
    sync_now: () => syncStatus("synced"),
    check_in: () => ({ date: todayJst(), points_granted: 5 }),
    ...handlers,
  });
  return calls;
}

/** The Today screen, with the sync state followed as the member area does. */
function show() {
  const onrelogin = vi.fn<() => void>();
  onTestFinished(sync.follow());
  render(TodayScreen, { props: { profile: hanako, onrelogin } });
  return { onrelogin };
}

const told = (status: SyncStatus_Serialize) => events.syncStatus.emit(status);

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

  it("saves steps on Enter and shows the saved day at once; the core's events tell the sync", async () => {
    const calls = core();
    show();
    await vi.waitFor(() => expect(calls.of("sync_status_get")).toHaveLength(1));
    expect(syncState().dataset.state).toBe("unknown");

    await type("steps", "８，０００");
    await vi.waitFor(() => expect(calls.of("record_save")).toHaveLength(1));
    expect(calls.of("record_save")[0]).toEqual({ date: todayJst(), kind: "steps", value: 8000, goalId: null });
    await vi.waitFor(() => expect((screen.getByTestId("steps") as HTMLInputElement).value).toBe("8000"));
    // The core syncs soon after a save by itself: the screen does not ask.
    expect(calls.of("sync_now")).toEqual([]);

    await told(syncStatus("saved_locally", { pending: 1 }));
    await vi.waitFor(() => expect(syncState().textContent).toContain("このPCに保存済み"));
    expect(screen.getByTestId("sync-pending").textContent).toBe("未送信 1件");
    await told(syncStatus("saved_locally", { pending: 1, running: true }));
    await vi.waitFor(() => expect(screen.getByTestId("sync-now").textContent?.trim()).toBe("同期中…"));
    await told(syncStatus("synced", { last_sync: "2026-05-10T14:03:00+09:00" }));
    await vi.waitFor(() => expect(syncState().textContent).toContain("同期済み"));
    expect(screen.getByTestId("sync-last").textContent).toContain("14:03");
    expect(screen.getByTestId("sync-now").textContent?.trim()).toBe("今すぐ同期");
  });

  it("starts from the state the core told last, and syncs now on demand", async () => {
    const calls = core({}, {
      sync_status_get: () => syncStatus("saved_locally", { pending: 2 }),
      sync_now: () => syncStatus("synced"),
    });
    show();
    await vi.waitFor(() => expect(syncState().dataset.state).toBe("saved_locally"));
    await fireEvent.click(screen.getByTestId("sync-now"));
    await vi.waitFor(() => expect(syncState().dataset.state).toBe("synced"));
    expect(calls.of("sync_now")).toHaveLength(1);
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

  it("sets behaviour goals in the editor and shows their checkboxes", async () => {
    let goals: GoalDay_Serialize[] = [];
    const calls = core({}, {
      day_get: ({ date }) => dayView(date as string, { goals }),
      goals_set: ({ labels }) => {
        goals = (labels as string[]).map((label, i) => ({ goal: { id: i + 1, label, active: true }, achieved: null }));
        return goals.map((g) => g.goal);
      },
    });
    show();
    expect(screen.getByText(ja["today.goals.none"])).toBeTruthy();
    const open = screen.getByTestId("goals-edit");
    expect(open.textContent).toBe(ja["today.goals.set"]);
    await vi.waitFor(() => expect((open as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(open);

    expect(screen.getByTestId("goals-editor")).toBeTruthy();
    expect(screen.queryAllByTestId("goal-label")).toHaveLength(0);
    await fireEvent.click(screen.getByTestId("goal-add"));
    await fireEvent.click(screen.getByTestId("goal-add"));
    const [first, second] = screen.getAllByTestId("goal-label");
    expect(document.activeElement, "the new goal's field takes the focus").toBe(second);
    expect(first?.getAttribute("placeholder")).toBe(ja["today.goals.editor.example1"]);
    await fireEvent.input(first!, { target: { value: " 1日8,000歩あるく " } });
    await fireEvent.input(second!, { target: { value: "21時以降は間食しない" } });
    const loads = calls.of("day_get").length;
    await fireEvent.click(screen.getByTestId("goals-save"));

    await vi.waitFor(() => expect(screen.queryByTestId("goals-editor")).toBeNull());
    expect(calls.of("goals_set")).toEqual([{ labels: ["1日8,000歩あるく", "21時以降は間食しない"] }]);
    expect(calls.of("day_get").length).toBeGreaterThan(loads);
    expect(calls.of("day_get").at(-1)).toEqual({ date: todayJst() });
    expect(await screen.findByLabelText("1日8,000歩あるく")).toBeTruthy();
    expect(screen.getByLabelText("21時以降は間食しない")).toBeTruthy();
    expect(screen.getAllByTestId("goal")).toHaveLength(2);
    expect(screen.getByTestId("goals-edit").textContent).toBe(ja["today.goals.edit"]);
  });

  it("refuses a goal over 40 characters and a repeated goal without asking the core", async () => {
    const calls = core({ goals: [walk] }, { goals_set: () => [] });
    show();
    await screen.findByLabelText("1日8,000歩あるく");
    await vi.waitFor(() => expect((screen.getByTestId("goals-edit") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId("goals-edit"));
    const [current] = screen.getAllByTestId("goal-label") as HTMLInputElement[];
    expect(current?.value, "the editor starts with the active goals").toBe("1日8,000歩あるく");

    await fireEvent.click(screen.getByTestId("goal-add"));
    const added = screen.getAllByTestId("goal-label")[1]!;
    await fireEvent.input(added, { target: { value: "あ".repeat(41) } });
    await fireEvent.click(screen.getByTestId("goals-save"));
    const tooLong = screen.getByText(ja["today.goals.editor.too_long"].replace("{max}", "40"));
    expect(added.getAttribute("aria-invalid")).toBe("true");
    expect(added.getAttribute("aria-describedby")).toContain(tooLong.id);

    await fireEvent.input(added, { target: { value: " 1日8,000歩あるく" } });
    await fireEvent.click(screen.getByTestId("goals-save"));
    expect(screen.getByText(ja["today.goals.editor.duplicate"])).toBeTruthy();
    expect(screen.queryByText(ja["today.goals.editor.too_long"].replace("{max}", "40"))).toBeNull();
    expect(document.activeElement).toBe(added);
    expect(calls.of("goals_set")).toEqual([]);
    expect(screen.getByTestId("goals-editor")).toBeTruthy();
  });

  it("allows at most five goals", async () => {
    core();
    show();
    await vi.waitFor(() => expect((screen.getByTestId("goals-edit") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId("goals-edit"));
    const add = screen.getByTestId("goal-add") as HTMLButtonElement;
    for (let i = 0; i < 5; i++) await fireEvent.click(add);
    expect(screen.getAllByTestId("goal-label")).toHaveLength(5);
    expect(add.disabled).toBe(true);
    await fireEvent.click(screen.getAllByTestId("goal-remove")[0]!);
    expect(screen.getAllByTestId("goal-label")).toHaveLength(4);
    expect(add.disabled).toBe(false);
  });

  it("says goals cannot be set offline, and keeps the editor open", async () => {
    const calls = core({}, { goals_set: () => fail("offline") });
    show();
    await vi.waitFor(() => expect((screen.getByTestId("goals-edit") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId("goals-edit"));
    await fireEvent.click(screen.getByTestId("goal-add"));
    await fireEvent.input(screen.getByTestId("goal-label"), { target: { value: "1日8,000歩あるく" } });
    await fireEvent.click(screen.getByTestId("goals-save"));
    expect((await screen.findByTestId("goals-editor-error")).textContent).toBe(ja["today.goals.editor.offline"]);
    expect(calls.of("goals_set")).toHaveLength(1);
    expect((screen.getByTestId("goal-label") as HTMLInputElement).value).toBe("1日8,000歩あるく");

    await fireEvent.keyDown(screen.getByTestId("goal-label"), { key: "Escape" });
    expect(screen.queryByTestId("goals-editor")).toBeNull();
  });

  it("puts the core's refusal of a label beside that label", async () => {
    core({}, { goals_set: () => fail("validation", { field: "labels[1]" }) });
    show();
    await vi.waitFor(() => expect((screen.getByTestId("goals-edit") as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(screen.getByTestId("goals-edit"));
    await fireEvent.click(screen.getByTestId("goal-add"));
    await fireEvent.click(screen.getByTestId("goal-add"));
    const [first, second] = screen.getAllByTestId("goal-label");
    await fireEvent.input(first!, { target: { value: "1日8,000歩あるく" } });
    await fireEvent.input(second!, { target: { value: "21時以降は間食しない" } });
    await fireEvent.click(screen.getByTestId("goals-save"));
    const message = await screen.findByText(ja["today.goals.editor.invalid"]);
    expect(second!.getAttribute("aria-describedby")).toContain(message.id);
    expect(first!.getAttribute("aria-invalid")).toBeNull();
  });

  it("goes to the day before; a day past the entry window is shown, not changed", async () => {
    const yesterday = addDays(todayJst(), -1);
    const calls = core({}, {
      day_get: ({ date }) => dayView(date as string, { earns: date !== yesterday, steps: date === yesterday ? 4321 : null }),
    });
    show();
    expect(screen.queryByTestId("not-earning")).toBeNull();
    await fireEvent.click(screen.getByTestId("day-prev"));
    await vi.waitFor(() => expect((screen.getByTestId("steps") as HTMLInputElement).value).toBe("4321"));
    expect(screen.getByTestId("read-only").textContent).toBe(ja["today.read_only"]);
    expect((screen.getByTestId("steps") as HTMLInputElement).disabled).toBe(true);
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
    core({}, { sync_status_get: () => syncStatus("offline", { reason: "no_connection" } as Partial<SyncStatus_Serialize>) });
    const { onrelogin } = show();
    await vi.waitFor(() => expect(syncState().dataset.state).toBe("offline"));
    expect(syncState().textContent).toContain("オフライン");
    expect(screen.getByTestId("sync-reason").textContent).toBe(ja["offline.no_connection"]);

    await told(syncStatus("offline", { reason: "timeout" } as Partial<SyncStatus_Serialize>));
    await vi.waitFor(() => expect(screen.getByTestId("sync-reason").textContent).toBe(ja["offline.timeout"]));

    await told(syncStatus("logged_out"));
    await vi.waitFor(() => expect(syncState().dataset.state).toBe("logged_out"));
    await fireEvent.click(screen.getByTestId("sync-relogin"));
    expect(onrelogin).toHaveBeenCalled();
  });

  it("loads the day again when records come from the insurer, and runs no timer", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout"] });
    const every = vi.spyOn(globalThis, "setInterval");
    let steps: number | null = null;
    const calls = core({}, { day_get: ({ date }) => dayView(date as string, { steps }) });
    show();
    await vi.waitFor(() => expect(calls.of("day_get")).toHaveLength(1));
    expect(vi.getTimerCount(), "nothing waits to run later").toBe(0);
    expect(every).not.toHaveBeenCalled();

    // Ten minutes pass: nothing is asked of the core on a clock.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls.of("day_get")).toHaveLength(1);
    expect(calls.of("sync_now")).toEqual([]);

    steps = 7000;
    await events.recordsChanged.emit();
    await vi.waitFor(() => expect((screen.getByTestId("steps") as HTMLInputElement).value).toBe("7000"));
    expect(calls.of("day_get")).toEqual([{ date: todayJst() }, { date: todayJst() }]);
    expect(every).not.toHaveBeenCalled();
  });

  it("says under an entry that the insurer would not take it, and why", async () => {
    const walk7 = { ...walk, achieved: true };
    core({
      steps: 250000,
      goals: [walk7],
      refused: [
        { kind: "steps", goal_id: null, code: "validation" },
        { kind: "goal", goal_id: 7, code: "forbidden" },
      ],
    });
    show();
    const steps = await screen.findByTestId("steps-refused");
    expect(steps.textContent).toContain("この記録は送信できませんでした");
    expect(steps.textContent).toContain(ja["error.validation"]);
    expect(screen.getByTestId("steps").getAttribute("aria-describedby")).toContain("steps-refused");
    expect(screen.queryByTestId("weight-refused")).toBeNull();
    const goal = screen.getByTestId("goal-7-refused");
    expect(goal.textContent).toContain(ja["today.refused"]);
    expect(goal.textContent).toContain(ja["error.forbidden"]);
    expect(screen.getByLabelText("1日8,000歩あるく").getAttribute("aria-describedby")).toContain("goal-7-refused");
  });

  it("hands a locked app to the lock screen", async () => {
    const routes = fakeRoutes();
    core({}, { record_save: () => fail("locked") });
    show();
    await type("steps", "1000");
    await vi.waitFor(() => expect(routes.locked).toHaveBeenCalled());
    expect(screen.queryByTestId("steps-error")).toBeNull();
  });

  it("says the login point cannot be received offline, and why", async () => {
    core({}, { check_in: () => fail("offline", { offline: "broke_off" }) });
    show();
    const error = await screen.findByTestId("checkin-error");
    expect(error.textContent).toBe(ja["checkin.offline"] + ja["offline.broke_off"]);
  });
});
