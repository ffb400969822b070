import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { DemoInsurer, LoggedIn_Serialize } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { deferred, fail, hanako, mockCommands, profilesView } from "../test/ipc";
import LoginForm from "./LoginForm.svelte";

afterEach(() => clearMocks());

async function fillAndSubmit(loginId = "hanako@example.jp", password = "kenpo12345"): Promise<void> {
  await fireEvent.input(screen.getByLabelText(ja["login.login_id"]), { target: { value: loginId } });
  await fireEvent.input(screen.getByLabelText(ja["login.password"]), { target: { value: password } });
  await fireEvent.submit(screen.getByTestId("login-form"));
}

function describedBy(input: HTMLElement): string {
  return input.getAttribute("aria-describedby") ?? "";
}

describe("LoginForm", () => {
  it("logs in at the default server with what was typed, and hands over the answer", async () => {
    const answer: LoggedIn_Serialize = { profile: hanako, password_change_required: false, passphrase: null };
    const calls = mockCommands({ session_login: () => answer });
    const onloggedin = vi.fn();
    render(LoginForm, { onloggedin });
    expect((screen.getByLabelText(ja["login.server"]) as HTMLInputElement).value).toBe("http://127.0.0.1:8787");
    await fillAndSubmit("  hanako@example.jp ");
    expect(calls.of("session_login")).toEqual([
      { server: "http://127.0.0.1:8787", loginId: "hanako@example.jp", password: "kenpo12345", captcha: null },
    ]);
    expect(onloggedin).toHaveBeenCalledWith(answer);
  });

  it("says the login ID or password is wrong for invalid_credentials, above the button, not on one field", async () => {
    mockCommands({ session_login: () => fail("insurer", { api_code: "invalid_credentials" }) });
    const onloggedin = vi.fn();
    render(LoginForm, { onloggedin });
    await fillAndSubmit();
    const alert = await screen.findByTestId("login-error");
    expect(alert.textContent).toBe("ログインIDまたはパスワードが違います");
    expect(screen.getByLabelText(ja["login.password"]).getAttribute("aria-invalid")).toBeNull();
    expect(onloggedin).not.toHaveBeenCalled();
  });

  it("shows an error that names a field beside that field, tied to its input", async () => {
    mockCommands({ session_login: () => fail("insurer", { api_code: "validation", field: "login_id" }) });
    render(LoginForm, { onloggedin: () => {} });
    await fillAndSubmit();
    const message = await screen.findByTestId("login-id-error");
    expect(message.textContent).toBe(ja["error.validation"]);
    const input = screen.getByLabelText(ja["login.login_id"]);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(describedBy(input)).toContain("login-id-error");
    expect(document.activeElement).toBe(input);
    expect(screen.queryByTestId("login-error")).toBeNull();
  });

  it("puts an unreachable server beside the server address", async () => {
    mockCommands({ session_login: () => fail("offline") });
    render(LoginForm, { onloggedin: () => {} });
    await fillAndSubmit();
    expect((await screen.findByTestId("login-server-error")).textContent).toBe(ja["error.offline"]);
    expect(describedBy(screen.getByLabelText(ja["login.server"]))).toContain("login-server-error");
  });

  it.each([
    ["insecure_server", "error.insecure_server"],
    ["server_address", "error.server_address"],
  ] as const)("puts %s beside the server address, by its code", async (code, key) => {
    mockCommands({ session_login: () => fail(code) });
    render(LoginForm, { onloggedin: () => {} });
    await fillAndSubmit();
    expect((await screen.findByTestId("login-server-error")).textContent).toBe(ja[key]);
  });

  it("says why the insurer cannot be reached, by the reason's code", async () => {
    mockCommands({ session_login: () => fail("offline", { offline: "timeout" }) });
    render(LoginForm, { onloggedin: () => {} });
    await fillAndSubmit();
    expect((await screen.findByTestId("login-server-error")).textContent).toBe(ja["offline.timeout"]);
  });

  it("offers to set aside a copy whose key was lost, then logs in again with the same password", async () => {
    const answer: LoggedIn_Serialize = { profile: hanako, password_change_required: false, passphrase: null };
    let logins = 0;
    const calls = mockCommands({
      session_login: () => (++logins === 1 ? fail("local_key_lost") : answer),
      // The core lists the profile before it opens this PC's copy.
      profiles_get: () => profilesView({ profiles: [{ ...hanako, id: "someone-else", login_id: "U1" }, hanako] }),
      profile_set_aside: () => null,
    });
    const onloggedin = vi.fn();
    render(LoginForm, { onloggedin });
    await fillAndSubmit();
    expect((await screen.findByTestId("login-error")).textContent).toBe(ja["error.local_key_lost"]);
    await fireEvent.click(await screen.findByTestId("set-aside"));
    await fireEvent.click(screen.getByTestId("set-aside-confirm"));
    await vi.waitFor(() => expect(onloggedin).toHaveBeenCalledWith(answer));
    expect(calls.of("profile_set_aside")).toEqual([{ id: hanako.id }]);
    expect(calls.of("session_login")).toEqual([
      { server: "http://127.0.0.1:8787", loginId: "hanako@example.jp", password: "kenpo12345", captcha: null },
      { server: "http://127.0.0.1:8787", loginId: "hanako@example.jp", password: "kenpo12345", captcha: null },
    ]);
    expect(calls.all.map((c) => c.cmd)).toEqual(["session_login", "profiles_get", "profile_set_aside", "session_login"]);
  });

  it.each([
    ["insurer", "rate_limited", "error.rate_limited"],
    ["insurer", "membership_ended", "error.membership_ended"],
    ["insurer", "service_unavailable", "error.service_unavailable"],
    ["insurer", "a_code_from_the_future", "error.insurer"],
    ["keychain_unavailable", null, "error.keychain_unavailable"],
    ["local_wrong_key", null, "error.local_wrong_key"],
  ] as const)("chooses the message of %s/%s by its code", async (code, api_code, key) => {
    mockCommands({ session_login: () => fail(code, { api_code }) });
    render(LoginForm, { onloggedin: () => {} });
    await fillAndSubmit();
    const alert = await screen.findByTestId("login-error");
    expect(alert.textContent).toBe(ja[key].replace("{code}", api_code ?? code));
  });

  it("asks for the missing fields without calling the insurer", async () => {
    const calls = mockCommands({});
    render(LoginForm, { onloggedin: () => {} });
    await fireEvent.submit(screen.getByTestId("login-form"));
    expect(screen.getByTestId("login-id-error").textContent).toBe(ja["login.login_id.required"]);
    expect(screen.getByTestId("password-error").textContent).toBe(ja["login.password.required"]);
    expect(document.activeElement).toBe(screen.getByLabelText(ja["login.login_id"]));
    expect(calls.all).toEqual([]);
  });

  it("shows the password on demand", async () => {
    render(LoginForm, { onloggedin: () => {} });
    const password = screen.getByLabelText(ja["login.password"]);
    expect(password.getAttribute("type")).toBe("password");
    await fireEvent.click(screen.getByLabelText("パスワードを表示"));
    expect(password.getAttribute("type")).toBe("text");
  });

  it("is filled in for a member whose session ended, with the password to type", async () => {
    render(LoginForm, {
      onloggedin: () => {},
      prefill: { server: "https://kenpo.example.jp", login_id: "U123456", reason: "expired" },
    });
    expect((screen.getByLabelText(ja["login.server"]) as HTMLInputElement).value).toBe("https://kenpo.example.jp");
    expect((screen.getByLabelText(ja["login.login_id"]) as HTMLInputElement).value).toBe("U123456");
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText(ja["login.password"])));
  });

  it("starts the demo insurer, shows that it is starting, then fills in its address and explains it", async () => {
    const started = deferred<DemoInsurer>();
    const calls = mockCommands({ demo_start: () => started.promise, session_login: () => fail("offline") });
    render(LoginForm, { onloggedin: () => {} });
    const button = screen.getByRole("button", { name: ja["login.demo.start"] });
    expect(button.dataset.testid).toBe("demo-start");
    expect(button.getAttribute("type"), "Enter in a field still logs in").toBe("button");
    await fireEvent.click(button);
    expect(button.textContent?.trim()).toBe(ja["login.demo.starting"]);
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("demo-progress").textContent).toBe(ja["login.demo.progress"]);
    await fireEvent.click(button);
    expect(calls.of("demo_start")).toHaveLength(1);

    started.resolve({ server: "http://127.0.0.1:40123" });
    const notice = await screen.findByTestId("demo-notice");
    expect((screen.getByLabelText(ja["login.server"]) as HTMLInputElement).value).toBe("http://127.0.0.1:40123");
    expect(notice.getAttribute("role")).toBe("status");
    expect(notice.textContent).toContain(ja["login.demo.started"]);
    expect(notice.textContent).toContain("U100001");
    expect(notice.textContent).toContain("19800101");
    expect(notice.textContent).toContain("山田 太郎");
    expect(screen.queryByTestId("demo-progress")).toBeNull();
    expect((button as HTMLButtonElement).disabled).toBe(false);

    await fillAndSubmit("U100001", "19800101");
    expect(calls.of("session_login")[0]).toMatchObject({ server: "http://127.0.0.1:40123", loginId: "U100001" });
  });

  it("says by its code when the demo insurer cannot start, and keeps the address", async () => {
    mockCommands({ demo_start: () => fail("demo_failed") });
    render(LoginForm, { onloggedin: () => {} });
    await fireEvent.click(screen.getByTestId("demo-start"));
    expect((await screen.findByTestId("demo-error")).textContent).toBe(ja["error.demo_failed"]);
    expect((screen.getByLabelText(ja["login.server"]) as HTMLInputElement).value).toBe("http://127.0.0.1:8787");
    expect(screen.queryByTestId("demo-notice")).toBeNull();
    expect((screen.getByTestId("demo-start") as HTMLButtonElement).disabled).toBe(false);
  });

  it("shows the captcha when the insurer asks for one, and sends its answer with the login", async () => {
    const answer: LoggedIn_Serialize = { profile: hanako, password_change_required: false, passphrase: null };
    let tries = 0;
    const calls = mockCommands({
      session_login: () => (++tries === 1 ? fail("insurer", { api_code: "captcha_required", field: "captcha_answer" }) : answer),
      captcha_get: () => ({ captcha_id: "c-1", image_png: "iVBORw0KGgo=" }),
    });
    const onloggedin = vi.fn();
    render(LoginForm, { onloggedin });
    await fillAndSubmit();
    expect((await screen.findByTestId("login-captcha-why")).textContent).toBe(ja["login.captcha_why"]);
    await vi.waitFor(() => expect(calls.of("captcha_get")).toHaveLength(1));
    const field = await screen.findByLabelText(ja["register.captcha"]);
    await fireEvent.input(field, { target: { value: " ab12 " } });
    await fireEvent.input(screen.getByLabelText(ja["login.password"]), { target: { value: "kenpo12345" } });
    await fireEvent.submit(screen.getByTestId("login-form"));
    await vi.waitFor(() => expect(onloggedin).toHaveBeenCalledWith(answer));
    expect(calls.of("session_login")[1]).toMatchObject({ captcha: { captcha_id: "c-1", captcha_answer: "ab12" } });
  });
});
