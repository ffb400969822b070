import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "./App.svelte";
import { events, type ProfilesView_Serialize, type Schedule_Serialize } from "./bindings";
import "./lib/i18n";
import { addDays, todayJst } from "./lib/jst";
import ja from "./locales/ja.json";
import { catalogView, coffee } from "./test/exchange";
import { dayView, fail, hanako, type Handler, mockCommands, profilesView, syncStatus } from "./test/ipc";
import { about, accountView } from "./test/settings";

afterEach(() => clearMocks());

const schedule: Schedule_Serialize = {
  enabled: true,
  times: ["12:30", "17:30"],
  weekdays: [1, 2, 3, 4, 5],
  entries: { steps: true, weight: true, goals: true },
  skip_holidays: true,
  quiet: null,
  points_expiry: true,
  notices: true,
};

/**
 * A core with Hanako's profile, her PIN 2468 (five wrong PINs end her
 * session), and 8,000 steps today.
 */
function core(start: Partial<ProfilesView_Serialize>, handlers: Record<string, Handler> = {}) {
  let view = profilesView({ has_pin: true, ...start });
  let wrongPins = 0;
  return mockCommands({
    app_info_get: () => ({ version: "0.1.0", data_dir: "/home/hanako/.local/share/kenpo-desk" }),
    profiles_get: () => view,
    day_get: ({ date }) => dayView(date as string, { steps: 8000 }),
    sync_status_get: () => syncStatus("synced"),
    sync_now: () => syncStatus("synced"),
    check_in: () => ({ date: todayJst(), points_granted: 0 }),
    points_get: () => ({ balance: 1234, offline: false, summary: null, ledger: [], fiscal_years: [], next_expiry: null }),
    catalog_get: () => catalogView({ balance: 1234 }),
    notices_get: () => ({ notices: [], unread: 0 }),
    checkups_get: () => ({ checkups: [], offline: false }),
    faq_get: () => ({ entries: [], total: 0, offline: false }),
    account_get: () => accountView(),
    about_get: () => about,
    lock_now: () => {
      view = { ...view, locked: true };
      return true;
    },
    lock_set: ({ pin }) => {
      view = { ...view, has_pin: pin !== null };
      return null;
    },
    lock_unlock: ({ pin }) => {
      if (pin !== "2468") {
        if (++wrongPins < 5) fail("pin_mismatch", { field: "pin" });
        view = { ...view, active: null, locked: false, has_pin: false };
        fail("pin_attempts_exceeded");
      }
      wrongPins = 0;
      view = { ...view, locked: false };
      return null;
    },
    session_logout: () => {
      view = { ...view, active: null };
      return null;
    },
    session_login: () => {
      view = { ...view, active: hanako };
      return { profile: hanako, password_change_required: true };
    },
    password_change: () => null,
    ...handlers,
  });
}

describe("App", () => {
  it("opens on the start screen when no member is active", async () => {
    core({});
    render(App);
    expect(await screen.findByTestId("login-form")).toBeTruthy();
    expect(screen.getByText("ようこそ")).toBeTruthy();
    expect(screen.queryByTestId("today")).toBeNull();
  });

  it("explains a missing keychain and still offers the login (the passphrase keeps the data)", async () => {
    core({ keychain_error: "keychain_unavailable" });
    render(App);
    expect(await screen.findByTestId("keychain-notice")).toBeTruthy();
    expect(screen.getByTestId("login-form")).toBeTruthy();
  });

  it("locks: nothing of the member shows until the PIN is right", async () => {
    core({ active: hanako });
    render(App);
    expect((await screen.findByTestId("member-name")).textContent).toContain("はなこ");
    await vi.waitFor(() => expect((screen.getByTestId("steps") as HTMLInputElement).value).toBe("8000"));

    await fireEvent.click(screen.getByTestId("lock-now"));
    const lock = await screen.findByTestId("lock-screen");
    expect(screen.queryByTestId("member-name")).toBeNull();
    expect(screen.queryByTestId("steps")).toBeNull();
    expect(screen.queryByTestId("logout")).toBeNull();
    expect(document.body.textContent).not.toContain("はなこ");
    expect(document.body.textContent).not.toContain(hanako.login_id);

    await fireEvent.input(screen.getByLabelText(ja["lock.screen.pin"]), { target: { value: "1111" } });
    await fireEvent.submit(lock.querySelector("form") as HTMLFormElement);
    expect((await screen.findByTestId("unlock-error")).textContent).toBe("PINが違います");
    expect(screen.queryByTestId("member-name")).toBeNull();

    await fireEvent.input(screen.getByLabelText(ja["lock.screen.pin"]), { target: { value: "2468" } });
    await fireEvent.submit(lock.querySelector("form") as HTMLFormElement);
    expect((await screen.findByTestId("member-name")).textContent).toContain("はなこ");
  });

  it("after five wrong PINs goes back to the login form, filled in for the member", async () => {
    const calls = core({ active: hanako, locked: true });
    render(App);
    const lock = await screen.findByTestId("lock-screen");
    for (let attempt = 1; attempt <= 4; attempt++) {
      await fireEvent.input(screen.getByLabelText(ja["lock.screen.pin"]), { target: { value: "1111" } });
      await fireEvent.submit(lock.querySelector("form") as HTMLFormElement);
      await vi.waitFor(() => expect(calls.of("lock_unlock")).toHaveLength(attempt));
      // The answer is shown (and the form ready again) before the next try.
      await vi.waitFor(() => expect((screen.getByTestId("unlock-submit") as HTMLButtonElement).disabled).toBe(false));
    }
    expect(screen.getByTestId("unlock-error").textContent).toBe(ja["error.pin_mismatch"]);

    await fireEvent.input(screen.getByLabelText(ja["lock.screen.pin"]), { target: { value: "1111" } });
    await fireEvent.submit(lock.querySelector("form") as HTMLFormElement);
    const notice = await screen.findByTestId("relogin-notice");
    expect(notice.textContent?.trim()).toBe(ja["start.relogin_pin"].replace("{login_id}", hanako.login_id));
    expect(screen.queryByTestId("lock-screen")).toBeNull();
    expect((screen.getByTestId("login-server") as HTMLInputElement).value).toBe(hanako.server);
    expect((screen.getByTestId("login-id") as HTMLInputElement).value).toBe(hanako.login_id);
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("password")));
    expect(calls.of("session_logout")).toEqual([]);
  });

  it("without a PIN, 「ロック」 opens the PIN form instead of asking the core to lock", async () => {
    const calls = core({ active: hanako, has_pin: false });
    render(App);
    await fireEvent.click(await screen.findByTestId("lock-now"));
    expect((await screen.findByTestId("pin-reason")).textContent).toBe(ja["lock.no_pin"]);
    expect(screen.queryByTestId("lock-screen")).toBeNull();
    expect(calls.of("lock_now")).toEqual([]);
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(ja["lock.pin"])));

    // Once a PIN is set, the same button locks.
    await fireEvent.input(screen.getByLabelText(ja["lock.pin"]), { target: { value: "2468" } });
    await fireEvent.input(screen.getByLabelText(ja["lock.pin_confirm"]), { target: { value: "2468" } });
    await fireEvent.click(screen.getByTestId("pin-submit"));
    expect((await screen.findByTestId("pin-done")).textContent).toBe(ja["lock.set_done"]);
    expect(screen.queryByTestId("pin-reason")).toBeNull();
    await vi.waitFor(() => expect(calls.of("profiles_get").length).toBeGreaterThan(1));
    await fireEvent.click(screen.getByTestId("lock-now"));
    expect(await screen.findByTestId("lock-screen")).toBeTruthy();
    expect(calls.of("lock_now")).toHaveLength(1);
  });

  it("sets a PIN typed twice the same, and refuses one that is not 4–12 digits", async () => {
    const calls = core({ active: hanako }, { lock_set: () => null });
    render(App);
    await fireEvent.click(await screen.findByTestId("lock-menu"));
    const pin = screen.getByLabelText(ja["lock.pin"]);
    const again = screen.getByLabelText(ja["lock.pin_confirm"]);
    await fireEvent.input(pin, { target: { value: "12a" } });
    await fireEvent.click(screen.getByTestId("pin-submit"));
    expect(screen.getByTestId("pin-new-error").textContent).toBe(ja["error.pin_format"]);
    await fireEvent.input(pin, { target: { value: "2468" } });
    await fireEvent.input(again, { target: { value: "2469" } });
    await fireEvent.click(screen.getByTestId("pin-submit"));
    expect(screen.getByTestId("pin-confirm-error").textContent).toBe(ja["lock.confirm_mismatch"]);
    expect(calls.of("lock_set")).toEqual([]);
    await fireEvent.input(again, { target: { value: "2468" } });
    await fireEvent.click(screen.getByTestId("pin-submit"));
    expect((await screen.findByTestId("pin-done")).textContent).toBe(ja["lock.set_done"]);
    expect(calls.of("lock_set")).toEqual([{ pin: "2468" }]);
  });

  it("mounts only the chosen tab: Today is gone (and hears nothing) while Points shows", async () => {
    const calls = core({ active: hanako });
    render(App);
    await vi.waitFor(() => expect(calls.of("day_get")).toHaveLength(1));
    await fireEvent.click(screen.getByRole("tab", { name: "ポイント" }));
    expect(await screen.findByTestId("points")).toBeTruthy();
    expect(screen.queryByTestId("today")).toBeNull();
    expect(document.getElementById("panel-today")).toBeNull();
    expect(screen.getByRole("tab", { name: "ポイント" }).getAttribute("aria-controls")).toBe("panel-points");

    await events.recordsChanged.emit();
    await events.pointsChanged.emit();
    await vi.waitFor(() => expect(calls.of("points_get")).toHaveLength(2));
    expect(calls.of("day_get"), "Today's listener went with it").toHaveLength(1);

    // Back on Today: the login point was asked for once, and is still shown.
    await fireEvent.click(screen.getByRole("tab", { name: "今日" }));
    expect(await screen.findByTestId("checkin-result")).toBeTruthy();
    expect(calls.of("check_in")).toHaveLength(1);
    expect(calls.of("sync_status_get"), "the sync state lives in the member area").toHaveLength(1);
  });

  it("switches between 今日 and ポイント with the tabs (履歴 between them; 商品交換, 健診・報告, お知らせ, ヘルプ then 設定 come last)", async () => {
    core({ active: hanako }, { reminders_get: () => schedule, autostart_get: () => false });
    render(App);
    await fireEvent.click(await screen.findByRole("tab", { name: "ポイント" }));
    expect((await screen.findByTestId("points-balance")).textContent?.trim()).toBe("1,234ポイント");
    expect(screen.getByRole("tab", { name: "ポイント" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getAllByRole("tab").map((t) => t.textContent)).toEqual([
      "今日", "履歴", "ポイント", "商品交換", "健診・報告", "お知らせ", "ヘルプ", "設定",
    ]);
    await fireEvent.keyDown(screen.getByRole("tab", { name: "ポイント" }), { key: "ArrowRight" });
    expect(screen.getByTestId("tab-exchange").getAttribute("aria-selected")).toBe("true");
    expect((await screen.findByTestId("exchange-balance")).textContent?.trim()).toBe("1,234ポイント");
    await fireEvent.keyDown(screen.getByTestId("tab-exchange"), { key: "ArrowRight" });
    expect(screen.getByTestId("tab-checkups").getAttribute("aria-selected")).toBe("true");
    expect(await screen.findByTestId("checkups-empty")).toBeTruthy();
    expect(screen.getByTestId("reports")).toBeTruthy();
    await fireEvent.keyDown(screen.getByTestId("tab-checkups"), { key: "ArrowRight" });
    expect(screen.getByRole("tab", { name: "お知らせ" }).getAttribute("aria-selected")).toBe("true");
    expect(await screen.findByTestId("notices-empty")).toBeTruthy();
    await fireEvent.keyDown(screen.getByRole("tab", { name: "お知らせ" }), { key: "ArrowRight" });
    expect(screen.getByTestId("tab-help").getAttribute("aria-selected")).toBe("true");
    expect(await screen.findByTestId("faq-none")).toBeTruthy();
    expect(screen.getByTestId("inquiry")).toBeTruthy();
    await fireEvent.keyDown(screen.getByTestId("tab-help"), { key: "ArrowRight" });
    expect(screen.getByRole("tab", { name: "設定" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.queryByTestId("points-balance")).toBeNull();
    expect(await screen.findByTestId("reminders-enabled")).toBeTruthy();
    expect(screen.getByTestId("notification-test")).toBeTruthy();
    await fireEvent.keyDown(screen.getByRole("tab", { name: "設定" }), { key: "ArrowRight" });
    expect(screen.getByRole("tab", { name: "今日" }).getAttribute("aria-selected")).toBe("true");
  });

  it("a nickname changed in 設定 shows at once where the member's name is shown", async () => {
    let view = profilesView({ has_pin: true, active: hanako });
    core(
      { active: hanako },
      {
        profiles_get: () => view,
        reminders_get: () => schedule,
        autostart_get: () => false,
        account_nickname_set: ({ nickname }) => {
          const renamed = { ...hanako, nickname: nickname as string };
          view = { ...view, profiles: [renamed], active: renamed };
          return accountView({ nickname: nickname as string });
        },
      },
    );
    render(App);
    expect((await screen.findByTestId("member-name")).textContent).toContain("はなこ");
    await fireEvent.click(screen.getByRole("tab", { name: "設定" }));
    const nickname = (await screen.findByTestId("account-nickname")) as HTMLInputElement;
    await fireEvent.input(nickname, { target: { value: "ハナ" } });
    await fireEvent.click(screen.getByTestId("account-nickname-save"));
    expect(await screen.findByTestId("account-nickname-saved")).toBeTruthy();
    await fireEvent.click(screen.getByRole("tab", { name: "今日" }));
    await vi.waitFor(() => expect(screen.getByTestId("member-name").textContent).toContain("ハナ"));
  });

  it("the expiry planner's 商品を見る opens 商品交換, its tab focused", async () => {
    const plan = { expires_on: "2027-03-31", points: 1240, within_reach: [coffee] };
    core(
      { active: hanako },
      { points_get: () => ({ balance: 1234, offline: false, summary: null, ledger: [], fiscal_years: [], next_expiry: plan }) },
    );
    render(App);
    await fireEvent.click(await screen.findByRole("tab", { name: "ポイント" }));
    expect((await screen.findByTestId("expiry-plan-text")).textContent?.trim()).toBe("1,240ポイントが2027年3月31日に失効します");
    await fireEvent.click(screen.getByTestId("expiry-plan-exchange"));
    expect(screen.getByTestId("tab-exchange").getAttribute("aria-selected")).toBe("true");
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("tab-exchange")));
    expect(await screen.findByTestId("catalog-item-coffee-gift")).toBeTruthy();
    expect(screen.queryByTestId("points")).toBeNull();
  });

  it("counts the unread notices on the お知らせ tab from any tab, again after a sync and as they are read", async () => {
    const notice = (id: number, read: boolean) => ({
      notice: { id, title: `お知らせ${id}`, body: "本文", published_at: "2026-12-02T09:00:00+09:00" },
      read,
    });
    let notices = [notice(2, false), notice(1, true)];
    const view = () => ({ notices, unread: notices.filter((item) => !item.read).length });
    const calls = core(
      { active: hanako },
      {
        notices_get: view,
        notice_read: ({ id }) => {
          notices = notices.map((item) => (item.notice.id === id ? { ...item, read: true } : item));
          return view();
        },
      },
    );
    render(App);
    const tab = await screen.findByTestId("tab-notices");
    await vi.waitFor(() => expect(screen.getByTestId("notices-unread").textContent).toBe("1"));
    expect(screen.getByRole("tab", { name: "お知らせ（未読1件）" })).toBe(tab);
    expect(screen.getByTestId("tab-today").getAttribute("aria-selected")).toBe("true");

    // A sync brought two more.
    notices = [notice(4, false), notice(3, false), ...notices];
    const asked = calls.of("notices_get").length;
    await events.syncStatus.emit(syncStatus("synced", { running: true }));
    await events.syncStatus.emit(syncStatus("synced"));
    await vi.waitFor(() => expect(screen.getByTestId("notices-unread").textContent).toBe("3"));
    expect(calls.of("notices_get")).toHaveLength(asked + 1);
    expect(tab.getAttribute("aria-label")).toBe("お知らせ（未読3件）");

    await fireEvent.click(tab);
    for (const open of (await screen.findAllByTestId("notice-open")).slice(0, 3)) await fireEvent.click(open);
    await vi.waitFor(() => expect(screen.queryByTestId("notices-unread")).toBeNull());
    expect(tab.getAttribute("aria-label")).toBeNull();
    expect(tab.textContent).toBe("お知らせ");
  });

  it("a clicked reminder (window://today) brings Today back at today, from another tab or another day", async () => {
    const calls = core({ active: hanako });
    render(App);
    await vi.waitFor(() => expect(screen.getByTestId("today-date").dataset.date).toBe(todayJst()));
    await fireEvent.click(screen.getByTestId("day-prev"));
    await vi.waitFor(() => expect(screen.getByTestId("today-date").dataset.date).toBe(addDays(todayJst(), -1)));
    await events.windowToday.emit();
    await vi.waitFor(() => expect(screen.getByTestId("today-date").dataset.date).toBe(todayJst()));

    await fireEvent.click(screen.getByRole("tab", { name: "ポイント" }));
    expect(await screen.findByTestId("points")).toBeTruthy();
    await events.windowToday.emit();
    await vi.waitFor(() => expect(screen.getByRole("tab", { name: "今日" }).getAttribute("aria-selected")).toBe("true"));
    expect(screen.getByTestId("today-date").dataset.date).toBe(todayJst());
    expect(screen.queryByTestId("points")).toBeNull();
    expect(calls.of("day_get").at(-1)).toEqual({ date: todayJst() });
  });

  it("the tray's ロック (lock://changed) shows the lock screen, or asks for a PIN when there is none", async () => {
    let locked = false;
    core({ active: hanako }, { profiles_get: () => profilesView({ active: hanako, has_pin: true, locked }) });
    render(App);
    expect(await screen.findByTestId("member-name")).toBeTruthy();
    locked = true;
    await events.lockChanged.emit({ locked: true });
    expect(await screen.findByTestId("lock-screen")).toBeTruthy();
    expect(screen.queryByTestId("member-name")).toBeNull();
  });

  it("the tray's ロック without a PIN opens the PIN form, as 「ロック」 does", async () => {
    const calls = core({ active: hanako, has_pin: false });
    render(App);
    expect(await screen.findByTestId("member-name")).toBeTruthy();
    await events.lockChanged.emit({ locked: false });
    expect((await screen.findByTestId("pin-reason")).textContent).toBe(ja["lock.no_pin"]);
    expect(screen.queryByTestId("lock-screen")).toBeNull();
    expect(calls.of("lock_now")).toEqual([]);
  });

  it("logs out back to the start screen", async () => {
    const calls = core({ active: hanako });
    render(App);
    await fireEvent.click(await screen.findByTestId("logout"));
    expect(await screen.findByTestId("login-form")).toBeTruthy();
    expect(calls.of("session_logout")).toHaveLength(1);
  });

  /** Logs in as an issued ID whose initial password must be changed. */
  async function firstLogin(): Promise<HTMLElement> {
    await fireEvent.input(await screen.findByTestId("login-id"), { target: { value: "U123456" } });
    await fireEvent.input(screen.getByTestId("password"), { target: { value: "19800101" } });
    await fireEvent.click(screen.getByTestId("login-submit"));
    return screen.findByTestId("password-change");
  }

  it("after a login that must change the initial password, shows only the form and ログアウト", async () => {
    core({});
    render(App);
    const form = await firstLogin();
    expect(form.textContent).toContain(ja["password_change.title"]);
    expect(screen.queryByTestId("today")).toBeNull();
    expect(screen.queryByTestId("lock-now")).toBeNull();
    await fireEvent.click(screen.getByTestId("logout"));
    expect(await screen.findByTestId("login-form")).toBeTruthy();
  });

  it("opens Today once the initial password is changed", async () => {
    const calls = core({});
    render(App);
    await firstLogin();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("current-password")));
    await fireEvent.input(screen.getByTestId("current-password"), { target: { value: "19800101" } });
    await fireEvent.input(screen.getByTestId("new-password"), { target: { value: "hanako-no-atarashii-pw" } });
    await fireEvent.input(screen.getByTestId("new-password-confirm"), { target: { value: "hanako-no-atarashii-pw" } });
    await fireEvent.click(screen.getByTestId("password-change-submit"));
    expect(await screen.findByTestId("today")).toBeTruthy();
    expect(screen.getByRole("tab", { name: "今日" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.queryByTestId("password-change")).toBeNull();
    expect(calls.of("password_change")).toEqual([
      { currentPassword: "19800101", newPassword: "hanako-no-atarashii-pw" },
    ]);
  });

  it("after a restart, still asks first for the initial password to be changed", async () => {
    let view = profilesView({ active: { ...hanako, password_change_required: true } });
    const calls = core({}, {
      profiles_get: () => view,
      password_change: () => {
        view = profilesView({ active: hanako });
        return null;
      },
    });
    render(App);
    expect(await screen.findByTestId("password-change")).toBeTruthy();
    expect(screen.queryByTestId("today")).toBeNull();
    await fireEvent.input(screen.getByTestId("current-password"), { target: { value: "19800101" } });
    await fireEvent.input(screen.getByTestId("new-password"), { target: { value: "hanako-no-atarashii-pw" } });
    await fireEvent.input(screen.getByTestId("new-password-confirm"), { target: { value: "hanako-no-atarashii-pw" } });
    await fireEvent.click(screen.getByTestId("password-change-submit"));
    expect(await screen.findByTestId("today")).toBeTruthy();
    expect(calls.of("password_change")).toHaveLength(1);
  });

  it("goes to the password-change form when a command says the password must be changed", async () => {
    core({ active: hanako }, { check_in: () => fail("insurer", { api_code: "password_change_required" }) });
    render(App);
    expect(await screen.findByTestId("password-change")).toBeTruthy();
    expect(screen.queryByTestId("today")).toBeNull();
  });

  it("goes to the lock screen when a save answers locked", async () => {
    core({ active: hanako }, { record_save: () => fail("locked") });
    render(App);
    const steps = await screen.findByTestId("steps");
    await vi.waitFor(() => expect((steps as HTMLInputElement).disabled).toBe(false));
    await fireEvent.input(steps, { target: { value: "1000" } });
    await fireEvent.keyDown(steps, { key: "Enter" });
    expect(await screen.findByTestId("lock-screen")).toBeTruthy();
    expect(screen.queryByTestId("member-name")).toBeNull();
  });

  it("when a command finds the session over, the sync indicator offers the login form", async () => {
    core({ active: hanako }, { check_in: () => fail("logged_out") });
    render(App);
    expect((await screen.findByTestId("checkin-error")).textContent).toBe(ja["checkin.logged_out"]);
    await vi.waitFor(() => expect(screen.getByTestId("sync-state").dataset.state).toBe("logged_out"));
    await fireEvent.click(screen.getByTestId("sync-relogin"));
    const notice = await screen.findByTestId("relogin-notice");
    expect(notice.dataset.reason).toBe("expired");
    expect((screen.getByTestId("login-id") as HTMLInputElement).value).toBe(hanako.login_id);
  });
});
