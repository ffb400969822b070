import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, hanako, mockCommands, profilesView } from "../test/ipc";
import StartScreen from "./StartScreen.svelte";

afterEach(() => clearMocks());

const taro = { ...hanako, id: "m2-0000000000000002", login_id: "U123456", nickname: null };

describe("StartScreen", () => {
  it("without the OS keychain warns and offers no login at all (fail closed)", () => {
    render(StartScreen, {
      view: profilesView({ keychain_error: "keychain_unavailable" }),
      onopened: () => {},
      onloggedin: () => {},
    });
    const warning = screen.getByTestId("keychain-warning");
    expect(warning.textContent).toContain(ja["start.keychain.title"]);
    // Why, by the core's code: the system's own words go to the log only.
    expect(screen.getByTestId("keychain-reason").textContent?.trim()).toBe(
      ja["start.keychain.detail"].replace("{reason}", ja["error.keychain_unavailable"]),
    );
    expect(warning.textContent).not.toContain("keychain_unavailable");
    expect(screen.queryByTestId("login-form")).toBeNull();
    expect(screen.queryByTestId("profile-list")).toBeNull();
  });

  it("lists the profiles of this PC, the last used first and marked", () => {
    render(StartScreen, {
      view: profilesView({ profiles: [taro, hanako], last: hanako.id }),
      onopened: () => {},
      onloggedin: () => {},
    });
    const buttons = screen.getAllByTestId("profile-open");
    expect(buttons.map((b) => b.dataset.profileId)).toEqual([hanako.id, taro.id]);
    expect(buttons[0]?.textContent).toContain("はなこ");
    expect(buttons[0]?.textContent).toContain(ja["start.profiles.last"]);
    expect(buttons[1]?.textContent).toContain("U123456");
    expect(screen.getByTestId("login-form")).toBeTruthy();
  });

  it("opens a profile whose session is still valid", async () => {
    const calls = mockCommands({ profile_open: () => true });
    const onopened = vi.fn();
    render(StartScreen, { view: profilesView(), onopened, onloggedin: () => {} });
    await fireEvent.click(screen.getByTestId("profile-open"));
    await vi.waitFor(() => expect(onopened).toHaveBeenCalled());
    expect(calls.of("profile_open")).toEqual([{ id: hanako.id }]);
  });

  it("fills in the login form when the profile's session has ended", async () => {
    mockCommands({ profile_open: () => false });
    const onopened = vi.fn();
    render(StartScreen, { view: profilesView({ profiles: [taro] }), onopened, onloggedin: () => {} });
    await fireEvent.click(screen.getByTestId("profile-open"));
    const notice = await screen.findByTestId("relogin-notice");
    expect(notice.textContent).toContain("U123456");
    expect((screen.getByTestId("login-id") as HTMLInputElement).value).toBe("U123456");
    expect((screen.getByTestId("login-server") as HTMLInputElement).value).toBe(taro.server);
    expect(onopened).not.toHaveBeenCalled();
  });

  it("says why the login form is filled in: five wrong PINs, or an expired login", async () => {
    const view = profilesView({ profiles: [taro] });
    const relogin = { server: taro.server, login_id: "U123456", reason: "pin_attempts_exceeded" } as const;
    const { rerender } = render(StartScreen, { view, relogin, onopened: () => {}, onloggedin: () => {} });
    expect(screen.getByTestId("relogin-notice").textContent?.trim()).toBe(
      ja["start.relogin_pin"].replace("{login_id}", "U123456"),
    );
    expect((screen.getByTestId("login-id") as HTMLInputElement).value).toBe("U123456");
    await rerender({ relogin: { ...relogin, reason: "expired" } });
    expect(screen.getByTestId("relogin-notice").textContent?.trim()).toBe(
      ja["start.relogin"].replace("{login_id}", "U123456"),
    );
  });

  it("explains a profile that cannot be opened by its code", async () => {
    mockCommands({ profile_open: () => fail("local_wrong_key") });
    render(StartScreen, { view: profilesView(), onopened: () => {}, onloggedin: () => {} });
    await fireEvent.click(screen.getByTestId("profile-open"));
    expect((await screen.findByTestId("profile-error")).textContent).toBe(ja["error.local_wrong_key"]);
  });

  it.each(["local_key_lost", "local_wrong_key"] as const)(
    "offers to set aside a copy that cannot be opened (%s), after asking, then opens the profile again",
    async (code) => {
      let opens = 0;
      const calls = mockCommands({
        profile_open: () => (++opens === 1 ? fail(code) : true),
        profile_set_aside: () => null,
      });
      const onopened = vi.fn();
      render(StartScreen, { view: profilesView(), onopened, onloggedin: () => {} });
      await fireEvent.click(screen.getByTestId("profile-open"));
      expect((await screen.findByTestId("profile-error")).textContent).toBe(ja[`error.${code}`]);
      const help = screen.getByTestId("lost-key");
      expect(help.textContent).toContain(ja["lost_key.body"]);
      expect(help.textContent).toContain(ja["lost_key.unsent"]);

      // Nothing is set aside before the member confirms.
      await fireEvent.click(screen.getByRole("button", { name: ja["lost_key.set_aside"] }));
      expect(screen.getByTestId("set-aside-question").textContent).toBe(ja["lost_key.confirm"]);
      expect(document.activeElement).toBe(screen.getByTestId("set-aside-confirm"));
      expect(calls.of("profile_set_aside")).toEqual([]);

      await fireEvent.click(screen.getByTestId("set-aside-confirm"));
      await vi.waitFor(() => expect(onopened).toHaveBeenCalled());
      expect(calls.all.map((c) => c.cmd)).toEqual(["profile_open", "profile_set_aside", "profile_open"]);
      expect(calls.of("profile_set_aside")).toEqual([{ id: hanako.id }]);
      expect(screen.queryByTestId("lost-key")).toBeNull();
    },
  );

  it("sets nothing aside when the member thinks better of it", async () => {
    const calls = mockCommands({ profile_open: () => fail("local_key_lost") });
    render(StartScreen, { view: profilesView(), onopened: () => {}, onloggedin: () => {} });
    await fireEvent.click(screen.getByTestId("profile-open"));
    await fireEvent.click(await screen.findByTestId("set-aside"));
    await fireEvent.click(screen.getByTestId("set-aside-cancel"));
    expect(screen.queryByTestId("set-aside-question")).toBeNull();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("set-aside")));
    expect(calls.of("profile_set_aside")).toEqual([]);
  });
});
