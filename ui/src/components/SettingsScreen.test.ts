import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Schedule_Serialize } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { deferred, fail, fakeRoutes, type Handler, mockCommands } from "../test/ipc";
import { settingsHandlers } from "../test/settings";

const removal = { insurer_name: "けんぽ健康保険組合", login_id: "hanako@example.jp", nickname: "はなこ", unsent: 0, files: [] };
import SettingsScreen from "./SettingsScreen.svelte";

afterEach(() => clearMocks());

/** The core's default schedule. */
const defaults: Schedule_Serialize = {
  enabled: true,
  times: ["12:30", "17:30"],
  weekdays: [1, 2, 3, 4, 5],
  entries: { steps: true, weight: true, goals: true },
  skip_holidays: true,
  quiet: null,
  points_expiry: true,
  notices: true,
};

/** A core that keeps the schedule as kenpo-domain does: times and weekdays sorted, without repeats. */
function core(handlers: Record<string, Handler> = {}) {
  let kept = defaults;
  return mockCommands({
    reminders_get: () => kept,
    reminders_set: ({ schedule }) => {
      const s = schedule as Schedule_Serialize;
      kept = {
        ...s,
        times: [...new Set(s.times)].sort(),
        weekdays: [...new Set(s.weekdays)].sort((a, b) => a - b),
        quiet: s.quiet ?? null,
      };
      return kept;
    },
    autostart_get: () => false,
    autostart_set: ({ on }) => on,
    ...settingsHandlers,
    ...handlers,
  });
}

const box = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;
const times = () => screen.getAllByTestId(/^reminder-time-\d$/).map((input) => (input as HTMLInputElement).value);

async function shown(): Promise<void> {
  await screen.findByTestId("reminders-enabled");
}

describe("SettingsScreen", () => {
  it("shows the schedule the core keeps, the default at first: 12:30 and 17:30 on weekdays", async () => {
    core();
    render(SettingsScreen);
    await shown();
    expect(box("reminders-enabled").checked).toBe(true);
    expect(times()).toEqual(["12:30", "17:30"]);
    expect([1, 2, 3, 4, 5, 6, 7].map((day) => box(`reminder-weekday-${day}`).checked)).toEqual([
      true, true, true, true, true, false, false,
    ]);
    expect(screen.getByLabelText("土")).toBe(box("reminder-weekday-6"));
    expect(screen.getByRole("group", { name: ja["settings.reminders.weekdays"] })).toBeTruthy();
    expect(box("reminder-entry-goals").checked).toBe(true);
    expect(box("reminder-skip-holidays").checked).toBe(true);
    expect(box("reminder-quiet-on").checked).toBe(false);
    expect(box("reminder-quiet-from").disabled, "quiet hours are off").toBe(true);
    expect(box("reminder-points-expiry").checked).toBe(true);
    expect(box("reminder-notices").checked).toBe(true);
    expect(screen.getByText(ja["settings.reminders.lead"])).toBeTruthy();
    expect(ja["settings.reminders.lead"]).toContain("通知には記録の値やお名前は表示されません。");
  });

  it("saves an edited time and weekday, and shows the schedule as the core answers it", async () => {
    const calls = core();
    render(SettingsScreen);
    await shown();
    await fireEvent.input(screen.getByTestId("reminder-time-1"), { target: { value: "07:15" } });
    await fireEvent.click(screen.getByTestId("reminder-time-add"));
    expect(times()).toEqual(["12:30", "07:15", "20:00"]);
    await fireEvent.click(box("reminder-weekday-6"));
    await fireEvent.click(box("reminder-weekday-1"));
    await fireEvent.click(screen.getByTestId("reminders-save"));

    const outcome = await screen.findByTestId("reminders-outcome");
    expect(outcome.getAttribute("role")).toBe("status");
    expect(outcome.textContent).toBe(ja["settings.reminders.saved"]);
    expect(calls.of("reminders_set")).toEqual([
      { schedule: { ...defaults, times: ["12:30", "07:15", "20:00"], weekdays: [2, 3, 4, 5, 6] } },
    ]);
    // As kept: sorted.
    expect(times()).toEqual(["07:15", "12:30", "20:00"]);
    expect(box("reminder-weekday-6").checked).toBe(true);
    expect(box("reminder-weekday-1").checked).toBe(false);
  });

  it("sends quiet hours across midnight, and says why the core refuses an empty one", async () => {
    const calls = core({ reminders_set: () => fail("reminder_empty_quiet", { field: "quiet" }) });
    render(SettingsScreen);
    await shown();
    await fireEvent.click(box("reminder-quiet-on"));
    expect(box("reminder-quiet-from").disabled).toBe(false);
    expect(box("reminder-quiet-from").value).toBe("22:00");
    await fireEvent.input(box("reminder-quiet-to"), { target: { value: "22:00" } });
    await fireEvent.click(screen.getByTestId("reminders-save"));

    const outcome = await screen.findByTestId("reminders-outcome");
    expect(outcome.getAttribute("role")).toBe("alert");
    expect(outcome.textContent?.trim()).toBe(ja["error.reminder_empty_quiet"]);
    expect(calls.of("reminders_set")[0]).toMatchObject({ schedule: { quiet: { from: "22:00", to: "22:00" } } });
    expect(box("reminder-quiet-from").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(box("reminder-quiet-from"));
    // What the member typed stays.
    expect(box("reminder-quiet-to").value).toBe("22:00");
  });

  it("has a message for every refusal of a schedule, chosen by its code", async () => {
    core({ reminders_set: () => fail("reminder_too_many_times", { field: "times" }) });
    render(SettingsScreen);
    await shown();
    await fireEvent.click(screen.getByTestId("reminders-save"));
    expect((await screen.findByRole("alert")).textContent?.trim()).toBe(ja["error.reminder_too_many_times"]);
    expect(document.activeElement).toBe(screen.getByTestId("reminder-time-0"));
  });

  it("does not send a time left empty, and says what is wrong with it", async () => {
    const calls = core();
    render(SettingsScreen);
    await shown();
    await fireEvent.input(screen.getByTestId("reminder-time-1"), { target: { value: "" } });
    await fireEvent.click(screen.getByTestId("reminders-save"));
    expect((await screen.findByRole("alert")).textContent?.trim()).toBe(ja["error.reminder_bad_time"]);
    expect(screen.getByTestId("reminder-time-1").getAttribute("aria-invalid")).toBe("true");
    expect(calls.of("reminders_set")).toEqual([]);
  });

  it("adds up to six times and removes one", async () => {
    core();
    render(SettingsScreen);
    await shown();
    const add = screen.getByTestId("reminder-time-add") as HTMLButtonElement;
    for (let i = 0; i < 4; i++) await fireEvent.click(add);
    expect(times()).toHaveLength(6);
    expect(add.disabled).toBe(true);
    await fireEvent.click(screen.getByTestId("reminder-time-remove-0"));
    expect(times()).toEqual(["17:30", "20:00", "21:00", "22:00", "23:00"]);
    expect(add.disabled).toBe(false);
  });

  it("switches starting at login at once, and shows the state the shell answers", async () => {
    const calls = core();
    render(SettingsScreen);
    const autostart = (await screen.findByTestId("autostart")) as HTMLInputElement;
    expect(autostart.checked, "off by default").toBe(false);
    expect(screen.getByText(ja["settings.startup.tray"])).toBeTruthy();

    await fireEvent.click(autostart);
    const outcome = await screen.findByTestId("autostart-outcome");
    expect(outcome.getAttribute("role")).toBe("status");
    expect(outcome.textContent?.trim()).toBe(ja["settings.startup.on"]);
    expect(calls.of("autostart_set")).toEqual([{ on: true }]);
    expect(autostart.checked).toBe(true);
  });

  it("keeps the old state when starting at login cannot be switched", async () => {
    core({ autostart_set: () => fail("autostart_failed") });
    render(SettingsScreen);
    const autostart = (await screen.findByTestId("autostart")) as HTMLInputElement;
    await fireEvent.click(autostart);
    const outcome = await screen.findByTestId("autostart-outcome");
    expect(outcome.getAttribute("role")).toBe("alert");
    expect(outcome.textContent?.trim()).toBe(ja["error.autostart_failed"]);
    expect(autostart.checked).toBe(false);
  });

  it("shows the box once the shell has said whether the app starts at login", async () => {
    const answer = deferred<boolean>();
    core({ autostart_get: () => answer.promise });
    render(SettingsScreen);
    await shown();
    expect(screen.queryByTestId("autostart")).toBeNull();
    answer.resolve(true);
    expect(((await screen.findByTestId("autostart")) as HTMLInputElement).checked).toBe(true);
  });

  it("sends clicks made before an answer in order, and ends showing the last answer", async () => {
    const answers: ReturnType<typeof deferred<boolean>>[] = [];
    const calls = core({
      autostart_set: () => {
        const answer = deferred<boolean>();
        answers.push(answer);
        return answer.promise;
      },
    });
    render(SettingsScreen);
    const autostart = (await screen.findByTestId("autostart")) as HTMLInputElement;
    await fireEvent.click(autostart);
    await fireEvent.click(autostart);
    await vi.waitFor(() => expect(answers).toHaveLength(1));
    answers[0]?.resolve(true);
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    expect(autostart.checked, "as clicked, while the second is on its way").toBe(false);
    answers[1]?.resolve(false);
    expect((await screen.findByTestId("autostart-outcome")).textContent?.trim()).toBe(ja["settings.startup.off"]);
    expect(calls.of("autostart_set")).toEqual([{ on: true }, { on: false }]);
    expect(autostart.checked).toBe(false);
  });

  it("hands a locked app to the lock screen, and shows nothing of its own for it", async () => {
    const routes = fakeRoutes();
    core({ reminders_get: () => fail("locked") });
    render(SettingsScreen);
    await vi.waitFor(() => expect(routes.locked).toHaveBeenCalled());
    expect(screen.queryByTestId("reminders-error")).toBeNull();
  });

  it("offers the notification test here too", async () => {
    core();
    render(SettingsScreen);
    expect(screen.getByTestId("notification-test").textContent?.trim()).toBe(ja["notify.button"]);
  });

  it("has the account, display, lock, profiles and About sections too, wired to the app", async () => {
    core({ lock_set: () => null, profile_remove: () => ({ ...removal, files: [] }), profile_removal_get: () => removal });
    const onpinchanged = vi.fn(async () => {});
    const onlogout = vi.fn();
    render(SettingsScreen, { hasPin: true, onpinchanged, onlogout });
    for (const section of ["account", "account-password", "sessions", "display", "lock", "profiles", "about"]) {
      expect(await screen.findByTestId(section), section).toBeTruthy();
    }
    await fireEvent.click(screen.getByTestId("lock-remove"));
    await fireEvent.click(screen.getByTestId("lock-remove-yes"));
    await vi.waitFor(() => expect(onpinchanged).toHaveBeenCalled());

    // The profile in use (Hanako's) removed: as a logout.
    await fireEvent.click(await screen.findByTestId("profile-remove-0"));
    await fireEvent.click(await screen.findByTestId("profile-remove-yes"));
    await vi.waitFor(() => expect(onlogout).toHaveBeenCalled());
  });
});
