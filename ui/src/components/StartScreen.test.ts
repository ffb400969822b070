import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../lib/i18n";
import ja from "../locales/ja.json";
import type { LoggedIn_Serialize } from "../bindings";
import { fail, hanako, mockCommands, profilesView } from "../test/ipc";
import StartScreen from "./StartScreen.svelte";

afterEach(() => clearMocks());

const taro = { ...hanako, id: "m2-0000000000000002", login_id: "U123456", nickname: null };

describe("StartScreen", () => {
  it("without the OS keychain says why by its code, what it does instead, and still offers the login", () => {
    render(StartScreen, {
      view: profilesView({ profiles: [], keychain_error: "keychain_unavailable" }),
      onopened: () => {},
      onloggedin: () => {},
    });
    const notice = screen.getByTestId("keychain-notice");
    expect(notice.textContent).toContain(ja["start.keychain.title"]);
    expect(notice.textContent).toContain(ja["start.keychain.why.keychain_unavailable"]);
    expect(notice.textContent).toContain(ja["start.keychain.instead"]);
    expect(notice.textContent).toContain(ja["start.keychain.next"]);
    // The system's own words go to the log only: no English (but "OS"), no code.
    expect(notice.textContent?.replaceAll("OS", "")).not.toMatch(/[A-Za-z]/);
    expect(screen.getByTestId("login-form")).toBeTruthy();
  });

  it("a login on such a PC asks for a passphrase first; chosen, the member's screens open", async () => {
    const answer: LoggedIn_Serialize = { profile: hanako, password_change_required: false, passphrase: "choose" };
    const calls = mockCommands({ session_login: () => answer, passphrase_choose: () => true });
    const onloggedin = vi.fn();
    render(StartScreen, {
      view: profilesView({ profiles: [], keychain_error: "keychain_unavailable" }),
      onopened: () => {},
      onloggedin,
    });
    await fireEvent.input(screen.getByTestId("login-id"), { target: { value: "hanako@example.jp" } });
    await fireEvent.input(screen.getByLabelText(ja["login.password"]), { target: { value: "kenpo12345" } });
    await fireEvent.click(screen.getByTestId("login-submit"));
    const form = await screen.findByTestId("passphrase-form");
    expect(form.dataset.step).toBe("choose");
    expect(form.textContent).toContain(ja["passphrase.choose.forget"]);
    expect(onloggedin).not.toHaveBeenCalled();

    // Too short: refused here, nothing sent.
    await fireEvent.input(screen.getByTestId("passphrase-password"), { target: { value: "短い合言葉" } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    expect(await screen.findByTestId("passphrase-password-error")).toBeTruthy();
    expect(screen.getByTestId("passphrase-password-rule-length").dataset.met).toBe("false");
    // Long enough, but typed differently the second time.
    const phrase = "春の朝、駅から会社まで歩く";
    await fireEvent.input(screen.getByTestId("passphrase-password"), { target: { value: phrase } });
    await fireEvent.input(screen.getByTestId("passphrase-password-confirm"), { target: { value: "春の朝、駅から会社まで走る" } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    expect((await screen.findByTestId("passphrase-password-confirm-error")).textContent).toBe(
      ja["passphrase.confirm_mismatch"],
    );
    expect(calls.of("passphrase_choose")).toEqual([]);

    await fireEvent.input(screen.getByTestId("passphrase-password-confirm"), { target: { value: phrase } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    await vi.waitFor(() => expect(onloggedin).toHaveBeenCalledWith(answer));
    expect(calls.of("passphrase_choose")).toEqual([{ id: hanako.id, passphrase: phrase }]);
  });

  it("a copy waiting for its passphrase asks for it, says a wrong one and the wait, then opens", async () => {
    let tries = 0;
    const calls = mockCommands({
      profile_open: () => fail("passphrase_required"),
      passphrase_enter: () => {
        tries += 1;
        if (tries === 1) fail("passphrase_mismatch", { field: "passphrase", wait_secs: 30 });
        if (tries === 2) fail("passphrase_wait", { wait_secs: 600 });
        return false;
      },
    });
    const onopened = vi.fn();
    render(StartScreen, {
      view: profilesView({ keychain_error: "keychain_unavailable" }),
      onopened,
      onloggedin: () => {},
    });
    await fireEvent.click(screen.getByTestId("profile-open"));
    const form = await screen.findByTestId("passphrase-form");
    expect(form.dataset.step).toBe("enter");
    expect(screen.queryByTestId("passphrase-moving")).toBeNull();
    const field = screen.getByTestId("passphrase-password");
    await fireEvent.input(field, { target: { value: "間違えた合言葉です" } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    const error = await screen.findByTestId("passphrase-password-error");
    expect(error.textContent).toBe(ja["error.passphrase_mismatch_wait"].replace("{wait}", "30秒"));
    expect((field as HTMLInputElement).value, "a wrong one is cleared").toBe("");

    await fireEvent.input(field, { target: { value: "春の朝、駅から会社まで歩く" } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    await vi.waitFor(() =>
      expect(screen.getByTestId("passphrase-password-error").textContent).toBe(
        ja["error.passphrase_wait"].replace("{wait}", "10分"),
      ),
    );
    await fireEvent.input(field, { target: { value: "春の朝、駅から会社まで歩く" } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    await vi.waitFor(() => expect(onopened).toHaveBeenCalled());
    expect(calls.of("passphrase_enter")).toHaveLength(3);
  });

  it("a keychain that arrived since is said: this entry moves the key into it", async () => {
    mockCommands({ profile_open: () => fail("passphrase_required") });
    render(StartScreen, { view: profilesView(), onopened: () => {}, onloggedin: () => {} });
    await fireEvent.click(screen.getByTestId("profile-open"));
    expect((await screen.findByTestId("passphrase-moving")).textContent).toBe(ja["passphrase.enter.moving"]);
    await fireEvent.click(screen.getByTestId("passphrase-back"));
    expect(screen.queryByTestId("passphrase-form")).toBeNull();
    expect(screen.getByTestId("login-form")).toBeTruthy();
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

describe("StartScreen: help without a login", () => {
  const faqView = { entries: [{ id: 1, question: "パスワードを忘れました", answer: "お問い合わせください。" }], total: 1, offline: false };

  it("「よくある質問」 opens the FAQ at the login form's address, and comes back", async () => {
    const calls = mockCommands({ faq_get: () => faqView });
    render(StartScreen, { view: profilesView({ profiles: [] }), onopened: () => {}, onloggedin: () => {} });
    await fireEvent.input(screen.getByTestId("login-server"), { target: { value: "https://kenpo.example.jp" } });
    await fireEvent.click(screen.getByTestId("start-faq"));
    expect(await screen.findByTestId("faq-entry-1")).toBeTruthy();
    expect(calls.of("faq_get")).toEqual([{ server: "https://kenpo.example.jp", query: "" }]);
    expect(screen.getByTestId("start").hidden).toBe(true);
    expect(screen.queryByTestId("help-server")).toBeNull();
    expect(screen.getByTestId("help-server-known").textContent).toContain("https://kenpo.example.jp");
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("faq-search")));

    await fireEvent.click(screen.getByTestId("help-back"));
    expect(screen.queryByTestId("help")).toBeNull();
    expect(screen.getByTestId("start").hidden).toBe(false);
    expect((screen.getByTestId("login-server") as HTMLInputElement).value, "what was typed stays").toBe("https://kenpo.example.jp");
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("start-faq")));
  });

  it("「お問い合わせ」 sends to the last profile's insurer while the login form shows the default", async () => {
    const other = { ...hanako, server: "https://other-kenpo.example.jp" };
    const calls = mockCommands({
      faq_get: () => faqView,
      inquiry_send: () => fail("insurer", { api_code: "rate_limited", retry_after: 300 }),
    });
    render(StartScreen, { view: profilesView({ profiles: [other], last: other.id }), onopened: () => {}, onloggedin: () => {} });
    expect(screen.getByTestId("start-inquiry").textContent).toBe("お問い合わせ（パスワードを忘れた場合など）");
    await fireEvent.click(screen.getByTestId("start-inquiry"));
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("inquiry-category")));
    expect((screen.getByTestId("inquiry-category") as HTMLSelectElement).value).toBe("forgot_password");
    await fireEvent.input(screen.getByTestId("inquiry-body"), { target: { value: "パスワードを忘れました" } });
    await fireEvent.input(screen.getByTestId("inquiry-email"), { target: { value: "hanako@example.jp" } });
    await fireEvent.click(screen.getByTestId("inquiry-send"));
    expect((await screen.findByTestId("inquiry-wait")).textContent?.trim()).toBe("送信が多すぎます。あと約5分待ってからお試しください");
    expect(calls.of("inquiry_send")).toEqual([
      {
        server: "https://other-kenpo.example.jp",
        inquiry: { category: "forgot_password", body: "パスワードを忘れました", contact_email: "hanako@example.jp" },
      },
    ]);
    expect(calls.of("faq_get")[0]).toEqual({ server: "https://other-kenpo.example.jp", query: "" });
  });

  it("with no address known, asks for the insurer's address first", async () => {
    const calls = mockCommands({ faq_get: () => faqView });
    render(StartScreen, { view: profilesView({ profiles: [] }), onopened: () => {}, onloggedin: () => {} });
    await fireEvent.input(screen.getByTestId("login-server"), { target: { value: "" } });
    await fireEvent.click(screen.getByTestId("start-faq"));
    const address = await screen.findByTestId("help-server");
    expect(screen.queryByTestId("faq")).toBeNull();
    expect(screen.queryByTestId("inquiry")).toBeNull();
    await fireEvent.input(address, { target: { value: "https://kenpo.example.jp" } });
    await fireEvent.click(screen.getByTestId("help-server-use"));
    expect(await screen.findByTestId("faq-entry-1")).toBeTruthy();
    expect(screen.getByTestId("inquiry")).toBeTruthy();
    expect(calls.of("faq_get")).toEqual([{ server: "https://kenpo.example.jp", query: "" }]);
  });
});
