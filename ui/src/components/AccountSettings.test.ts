import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AccountView_Serialize } from "../bindings";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, type Handler, mockCommands } from "../test/ipc";
import { accountView } from "../test/settings";
import AccountSettings from "./AccountSettings.svelte";

afterEach(() => clearMocks());

function show(handlers: Record<string, Handler> = {}) {
  const onprofilechanged = vi.fn(async () => {});
  const calls = mockCommands({ account_get: () => accountView(), ...handlers });
  render(AccountSettings, { onprofilechanged });
  return { calls, onprofilechanged };
}

const field = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

describe("AccountSettings", () => {
  it("shows the login ID, the nickname and the notification address from the insurer", async () => {
    show();
    expect((await screen.findByTestId("account-login-id")).textContent).toBe("hanako@example.jp");
    expect(field("account-nickname").value).toBe("はなこ");
    expect(screen.getByTestId("account-email-current").textContent).toBe("hanako@example.jp");
    expect(field("account-email-password").type).toBe("password");
    expect(screen.getByTestId("account-password").querySelector("[data-testid='password-change']")).toBeTruthy();
    expect(screen.getByTestId("account-password").textContent).not.toContain(ja["password_change.body"]);
    expect(within(screen.getByTestId("account-password")).queryByTestId("logout")).toBeNull();
  });

  it("changes the nickname, says so, and has the app read the profile again (the header's name)", async () => {
    const { calls, onprofilechanged } = show({ account_nickname_set: ({ nickname }) => accountView({ nickname: nickname as string }) });
    await screen.findByTestId("account-nickname");
    await fireEvent.input(field("account-nickname"), { target: { value: " ハナ " } });
    await fireEvent.click(screen.getByTestId("account-nickname-save"));
    expect((await screen.findByTestId("account-nickname-saved")).textContent).toBe(ja["account.nickname.saved"]);
    expect(calls.of("account_nickname_set")).toEqual([{ nickname: "ハナ" }]);
    expect(field("account-nickname").value).toBe("ハナ");
    expect(onprofilechanged).toHaveBeenCalledTimes(1);
  });

  it("says beside the nickname why it was refused", async () => {
    const { onprofilechanged } = show({ account_nickname_set: () => fail("insurer", { api_code: "validation", field: "nickname" }) });
    await screen.findByTestId("account-nickname");
    await fireEvent.input(field("account-nickname"), { target: { value: "ハナ" } });
    await fireEvent.click(screen.getByTestId("account-nickname-save"));
    expect((await screen.findByTestId("account-nickname-error")).textContent?.trim()).toBe(ja["error.validation.nickname"]);
    expect(field("account-nickname").getAttribute("aria-invalid")).toBe("true");
    expect(onprofilechanged).not.toHaveBeenCalled();
  });

  it("does not send an empty nickname or one over 20 characters", async () => {
    const { calls } = show();
    await screen.findByTestId("account-nickname");
    await fireEvent.input(field("account-nickname"), { target: { value: "  " } });
    await fireEvent.click(screen.getByTestId("account-nickname-save"));
    expect((await screen.findByTestId("account-nickname-error")).textContent?.trim()).toBe(ja["register.nickname.required"]);
    await fireEvent.input(field("account-nickname"), { target: { value: "あ".repeat(21) } });
    await fireEvent.click(screen.getByTestId("account-nickname-save"));
    expect(screen.getByTestId("account-nickname-error").textContent?.trim()).toBe(ja["error.validation.nickname"]);
    expect(calls.of("account_nickname_set")).toEqual([]);
  });

  it("changes the notification address with the password asked again", async () => {
    const { calls } = show({
      account_email_set: ({ email }) => accountView({ notification_email: email as string }),
    });
    await screen.findByTestId("account-email");
    await fireEvent.input(field("account-email"), { target: { value: "hanako.k@example.jp" } });
    await fireEvent.input(field("account-email-password"), { target: { value: "kenpo-pass-2026" } });
    await fireEvent.click(screen.getByTestId("account-email-save"));
    expect((await screen.findByTestId("account-email-saved")).textContent).toBe(ja["account.email.saved"]);
    expect(calls.of("account_email_set")).toEqual([{ email: "hanako.k@example.jp", currentPassword: "kenpo-pass-2026" }]);
    expect(screen.getByTestId("account-email-current").textContent).toBe("hanako.k@example.jp");
    expect(field("account-email-password").value, "the password is not kept").toBe("");
  });

  it("says a wrong password beside the password, a malformed address beside the address", async () => {
    let refusal: () => never = () => fail("insurer", { api_code: "invalid_credentials", field: "current_password" });
    show({ account_email_set: () => refusal() });
    await screen.findByTestId("account-email");
    await fireEvent.input(field("account-email"), { target: { value: "hanako.k@example.jp" } });
    await fireEvent.input(field("account-email-password"), { target: { value: "wrong-one" } });
    await fireEvent.click(screen.getByTestId("account-email-save"));
    expect((await screen.findByTestId("account-email-password-error")).textContent?.trim()).toBe("パスワードが違います");
    expect(document.activeElement).toBe(field("account-email-password"));
    expect(screen.queryByTestId("account-email-saved")).toBeNull();

    refusal = () => fail("insurer", { api_code: "invalid_email", field: "notification_email" });
    await fireEvent.input(field("account-email-password"), { target: { value: "kenpo-pass-2026" } });
    await fireEvent.click(screen.getByTestId("account-email-save"));
    expect((await screen.findByTestId("account-email-error")).textContent?.trim()).toBe(ja["error.invalid_email"]);
    expect(screen.queryByTestId("account-email-password-error")).toBeNull();
  });

  it("lists the devices logged in, this one first, and logs another out after asking", async () => {
    let view: AccountView_Serialize = accountView();
    const { calls } = show({
      account_get: () => view,
      account_session_end: ({ id }) => {
        view = { ...view, sessions: view.sessions.filter((s) => s.id !== id) };
        return view;
      },
    });
    const mine = await screen.findByTestId("session-7");
    expect(within(mine).getByTestId("session-current").textContent).toBe("この端末");
    expect(mine.textContent).toContain("kenpo-desk/0.1.0 (Linux)");
    expect(mine.textContent).toContain("ログイン：2026/12/01 9:00");
    expect(mine.textContent).toContain("最終利用：2026/12/03 14:05");
    expect(within(mine).queryByRole("button")).toBeNull();
    const other = screen.getByTestId("session-5");
    expect(other.textContent).toContain(ja["sessions.unknown_device"]);

    await fireEvent.click(screen.getByTestId("session-end-5"));
    expect(screen.getByTestId("session-end-confirm-5").textContent).toContain(ja["sessions.end.confirm"]);
    await fireEvent.click(screen.getByTestId("session-end-no"));
    expect(screen.queryByTestId("session-end-confirm-5")).toBeNull();
    expect(calls.of("account_session_end")).toEqual([]);

    await fireEvent.click(screen.getByTestId("session-end-5"));
    await fireEvent.click(screen.getByTestId("session-end-yes"));
    expect((await screen.findByTestId("sessions-ended")).textContent).toBe(ja["sessions.ended"]);
    expect(calls.of("account_session_end")).toEqual([{ id: 5 }]);
    expect(screen.queryByTestId("session-5")).toBeNull();
  });

  it("changes the password with the first login's form, without taking the focus, and says it is done", async () => {
    const { calls } = show({ password_change: () => null });
    await screen.findByTestId("account-login-id");
    expect(document.activeElement).toBe(document.body);
    await fireEvent.input(field("current-password"), { target: { value: "kenpo-pass-2026" } });
    await fireEvent.input(field("new-password"), { target: { value: "kenpo-pass-2027" } });
    await fireEvent.input(field("new-password-confirm"), { target: { value: "kenpo-pass-2027" } });
    await fireEvent.click(screen.getByTestId("password-change-submit"));
    expect((await screen.findByTestId("password-change-done")).textContent).toBe(ja["password_change.settings.done"]);
    expect(calls.of("password_change")).toEqual([{ currentPassword: "kenpo-pass-2026", newPassword: "kenpo-pass-2027" }]);
    expect(field("current-password").value).toBe("");
  });

  it("says when the insurer cannot be reached, and tries again", async () => {
    let offline = true;
    show({ account_get: () => (offline ? fail("offline", { offline: "no_connection" }) : accountView()) });
    expect((await screen.findByTestId("account-error")).textContent).toBe(ja["offline.no_connection"]);
    offline = false;
    await fireEvent.click(screen.getByRole("button", { name: ja["common.retry"] }));
    expect(await screen.findByTestId("account-login-id")).toBeTruthy();
  });
});
