import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { events, type DayView_Serialize, type GoalDay_Serialize, type ProfilesView_Serialize } from "../bindings";
import "../lib/i18n";
import { formatDayWithWeekday } from "../lib/format";
import { todayJst } from "../lib/jst";
import ja from "../locales/ja.json";
import { type Args, dayView, fail, hanako, type Handler, mockCommands, profilesView } from "../test/ipc";
import QuickCheckIn from "./QuickCheckIn.svelte";

afterEach(() => clearMocks());

const walk: GoalDay_Serialize = { goal: { id: 7, label: "1日8,000歩あるく", active: true }, achieved: null };
const snack: GoalDay_Serialize = { goal: { id: 9, label: "21時以降は間食しない", active: true }, achieved: true };

/** Hanako's PC with her logged in (unless `profiles` says otherwise) and today's day in it. */
function core(
  start: Partial<DayView_Serialize> = {},
  profiles: Partial<ProfilesView_Serialize> = { active: hanako },
  handlers: Record<string, Handler> = {},
) {
  let day = dayView(todayJst(), start);
  return mockCommands({
    profiles_get: () => profilesView(profiles),
    day_get: ({ date }) => ({ ...day, date: date as string }),
    record_save: (args: Args) => {
      day = { ...day, pending: true };
      if (args.kind === "steps") day.steps = args.value as number;
      if (args.kind === "weight") day.weight_kg = args.value as number;
      if (args.kind === "goal") {
        day.goals = day.goals.map((g) => (g.goal.id === args.goalId ? { ...g, achieved: args.value as boolean } : g));
      }
      return day;
    },
    window_main_show: () => null,
    ...handlers,
  });
}

const field = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

async function ready(): Promise<void> {
  await vi.waitFor(() => expect(field("quick-steps").disabled).toBe(false));
}

describe("QuickCheckIn", () => {
  it("shows today as Today does, with the steps field ready to type in", async () => {
    core({ steps: 4200, weight_kg: 52 });
    render(QuickCheckIn);
    await ready();
    expect(screen.getByRole("heading", { level: 1 }).textContent).toContain(ja["today.title"]);
    const date = screen.getByTestId("quick-date");
    expect(date.dataset.date).toBe(todayJst());
    expect(date.textContent).toBe(formatDayWithWeekday(todayJst(), "ja"));
    expect(field("quick-steps").value).toBe("4200");
    expect(field("quick-weight").value).toBe("52.0");
    await vi.waitFor(() => expect(document.activeElement).toBe(field("quick-steps")));
  });

  it("saves the steps and weight typed, with Today's command, and says it is saved", async () => {
    const calls = core();
    render(QuickCheckIn);
    await ready();
    await fireEvent.input(field("quick-steps"), { target: { value: "８０００" } });
    await fireEvent.input(field("quick-weight"), { target: { value: "52.4" } });
    await fireEvent.click(screen.getByTestId("quick-save"));

    const outcome = await screen.findByTestId("quick-outcome");
    expect(outcome.getAttribute("role")).toBe("status");
    expect(outcome.textContent).toBe(ja["quick.saved"]);
    expect(calls.of("record_save")).toEqual([
      { date: todayJst(), kind: "steps", value: 8000, goalId: null },
      { date: todayJst(), kind: "weight", value: 52.4, goalId: null },
    ]);
    expect(field("quick-steps").value).toBe("8000");
    expect(field("quick-weight").value).toBe("52.4");
  });

  it("saves on Enter in a field, only what changed", async () => {
    const calls = core({ steps: 4200, weight_kg: 52 });
    render(QuickCheckIn);
    await ready();
    await fireEvent.input(field("quick-steps"), { target: { value: "9100" } });
    await fireEvent.keyDown(field("quick-steps"), { key: "Enter" });
    expect((await screen.findByTestId("quick-outcome")).textContent).toBe(ja["quick.saved"]);
    expect(calls.of("record_save")).toEqual([{ date: todayJst(), kind: "steps", value: 9100, goalId: null }]);

    await fireEvent.keyDown(field("quick-weight"), { key: "Enter" });
    await vi.waitFor(() => expect(screen.getByTestId("quick-outcome").textContent).toBe(ja["quick.nothing"]));
    expect(calls.of("record_save")).toHaveLength(1);
  });

  it("enters each goal as achieved or not, as chosen", async () => {
    const calls = core({ goals: [walk, snack] });
    render(QuickCheckIn);
    await ready();
    expect(screen.getByTestId("quick-goal-0").dataset.state).toBe("none");
    expect(screen.getByTestId("quick-goal-1-achieved").getAttribute("aria-pressed")).toBe("true");
    await fireEvent.click(screen.getByTestId("quick-goal-0-not-achieved"));
    await fireEvent.click(screen.getByTestId("quick-goal-1-not-achieved"));
    expect(screen.getByTestId("quick-goal-0").dataset.state).toBe("false");
    await fireEvent.click(screen.getByTestId("quick-save"));
    expect((await screen.findByTestId("quick-outcome")).textContent).toBe(ja["quick.saved"]);
    expect(calls.of("record_save")).toEqual([
      { date: todayJst(), kind: "goal", value: false, goalId: 7 },
      { date: todayJst(), kind: "goal", value: false, goalId: 9 },
    ]);
    expect(screen.getByRole("group", { name: walk.goal.label })).toBe(screen.getByTestId("quick-goal-0"));
  });

  it("says what is wrong with a value, keeps it as typed, and saves the others", async () => {
    const calls = core({}, { active: hanako }, {
      record_save: (args) => {
        if (args.kind === "weight") fail("validation", { field: "value" });
        return dayView(todayJst(), { steps: args.value as number });
      },
    });
    render(QuickCheckIn);
    await ready();
    await fireEvent.input(field("quick-steps"), { target: { value: "8000" } });
    await fireEvent.input(field("quick-weight"), { target: { value: "520" } });
    await fireEvent.click(screen.getByTestId("quick-save"));

    const error = await screen.findByTestId("quick-weight-error");
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent?.trim()).toBe(ja["today.weight.invalid"]);
    expect(field("quick-weight").value).toBe("520");
    expect(field("quick-weight").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByTestId("quick-outcome")).toBeNull();
    expect(calls.of("record_save").map((a) => a.kind)).toEqual(["steps", "weight"]);
    await vi.waitFor(() => expect(document.activeElement).toBe(field("quick-weight")));
  });

  it("does not send what is not a number", async () => {
    const calls = core();
    render(QuickCheckIn);
    await ready();
    await fireEvent.input(field("quick-steps"), { target: { value: "8千" } });
    await fireEvent.click(screen.getByTestId("quick-save"));
    expect((await screen.findByTestId("quick-steps-error")).textContent?.trim()).toBe(ja["today.steps.invalid"]);
    expect(field("quick-steps").value).toBe("8千");
    expect(calls.of("record_save")).toEqual([]);
  });

  it("when the app is locked, shows only the way to the main window", async () => {
    const calls = core({ steps: 4200 }, { active: hanako, locked: true });
    render(QuickCheckIn);
    const locked = await screen.findByTestId("quick-locked");
    expect(locked.textContent).toBe(ja["quick.locked"]);
    expect(screen.queryByTestId("quick-steps")).toBeNull();
    expect(document.body.textContent).not.toContain("はなこ");
    expect(calls.of("day_get")).toEqual([]);
    await fireEvent.click(screen.getByTestId("quick-open-main"));
    expect(calls.of("window_main_show")).toHaveLength(1);
  });

  it("with no one logged in, says to log in from the main window", async () => {
    core({}, { active: null });
    render(QuickCheckIn);
    expect((await screen.findByTestId("quick-locked")).textContent).toBe(ja["quick.no_profile"]);
    expect(screen.getByTestId("quick-open-main").textContent?.trim()).toBe(ja["quick.open_main"]);
  });

  it("closes the form when a save finds the app locked", async () => {
    core({}, { active: hanako }, { record_save: () => fail("locked") });
    render(QuickCheckIn);
    await ready();
    await fireEvent.input(field("quick-steps"), { target: { value: "8000" } });
    await fireEvent.click(screen.getByTestId("quick-save"));
    expect((await screen.findByTestId("quick-locked")).dataset.reason).toBe("locked");
    expect(screen.queryByTestId("quick-steps")).toBeNull();
  });

  it("closes the form when the tray locks the app", async () => {
    core();
    render(QuickCheckIn);
    await ready();
    await events.lockChanged.emit({ locked: true });
    expect((await screen.findByTestId("quick-locked")).textContent).toBe(ja["quick.locked"]);
    expect(screen.queryByTestId("quick-steps")).toBeNull();
  });
});
