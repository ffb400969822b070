import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, fakeRoutes, mockCommands } from "../test/ipc";
import PasswordChangeForm from "./PasswordChangeForm.svelte";

afterEach(() => clearMocks());

function show() {
  const onchanged = vi.fn<() => void>();
  const onlogout = vi.fn<() => void>();
  render(PasswordChangeForm, { props: { onchanged, onlogout } });
  return { onchanged, onlogout };
}

async function fill(current: string, next: string, again = next): Promise<void> {
  await fireEvent.input(screen.getByLabelText(ja["password_change.current"]), { target: { value: current } });
  await fireEvent.input(screen.getByLabelText(ja["password_change.new"]), { target: { value: next } });
  await fireEvent.input(screen.getByLabelText(ja["password_change.confirm"]), { target: { value: again } });
  await fireEvent.click(screen.getByTestId("password-change-submit"));
}

const describedBy = (input: HTMLElement) => input.getAttribute("aria-describedby") ?? "";

describe("PasswordChangeForm", () => {
  it("starts in 現在のパスワード and says the initial one is the birth date", async () => {
    show();
    const current = screen.getByTestId("current-password");
    await vi.waitFor(() => expect(document.activeElement).toBe(current));
    expect(current.getAttribute("type")).toBe("password");
    expect(current.getAttribute("autocomplete")).toBe("current-password");
    expect(screen.getByTestId("new-password").getAttribute("autocomplete")).toBe("new-password");
    expect(describedBy(current)).toContain("current-password-hint");
    expect(screen.getByText(ja["password_change.current.hint"])).toBeTruthy();
  });

  it("refuses two new passwords that differ, without asking the insurer", async () => {
    const calls = mockCommands({});
    const { onchanged } = show();
    await fill("19800101", "hanako-no-atarashii-pw", "hanako-no-atarashii-pv");
    const error = screen.getByTestId("new-password-confirm-error");
    expect(error.textContent).toBe(ja["password_change.confirm.mismatch"]);
    const again = screen.getByLabelText(ja["password_change.confirm"]);
    expect(again.getAttribute("aria-invalid")).toBe("true");
    expect(describedBy(again)).toContain("new-password-confirm-error");
    expect(document.activeElement).toBe(again);
    expect(calls.all).toEqual([]);
    expect(onchanged).not.toHaveBeenCalled();
  });

  it("asks for the missing fields, and for a new password that is not the current one", async () => {
    const calls = mockCommands({});
    show();
    await fireEvent.click(screen.getByTestId("password-change-submit"));
    expect(screen.getByTestId("current-password-error").textContent).toBe(ja["password_change.current.required"]);
    expect(screen.getByTestId("new-password-error").textContent).toBe(ja["password_change.new.required"]);
    await fill("19800101", "19800101");
    expect(screen.getByTestId("new-password-error").textContent).toBe(ja["password_change.new.same"]);
    expect(calls.all).toEqual([]);
  });

  it("says the current password is wrong beside it for invalid_credentials", async () => {
    mockCommands({
      password_change: () => fail("insurer", { api_code: "invalid_credentials", field: "current_password" }),
    });
    const { onchanged } = show();
    await fill("19800102", "hanako-no-atarashii-pw");
    const error = await screen.findByTestId("current-password-error");
    expect(error.textContent).toBe(ja["password_change.current.wrong"]);
    const current = screen.getByLabelText(ja["password_change.current"]);
    expect(current.getAttribute("aria-invalid")).toBe("true");
    expect(describedBy(current)).toContain("current-password-error");
    expect(document.activeElement).toBe(current);
    expect(screen.queryByTestId("password-change-error")).toBeNull();
    expect(onchanged).not.toHaveBeenCalled();
  });

  it("shows the insurer's rule beside the new password for password_policy", async () => {
    mockCommands({
      password_change: () => {
        throw {
          code: "insurer",
          message: "the password must have at least 12 characters (too_short)",
          api_code: "password_policy",
          field: "new_password",
          offline: null,
          wait_secs: null,
        };
      },
    });
    show();
    await fill("19800101", "short1");
    const error = await screen.findByTestId("new-password-error");
    expect(error.textContent).toBe(
      ja["error.password_policy"].replace("{message}", "the password must have at least 12 characters (too_short)"),
    );
    expect(document.activeElement).toBe(screen.getByLabelText(ja["password_change.new"]));
  });

  it("sends the passwords as typed and reports the change", async () => {
    const calls = mockCommands({ password_change: () => null });
    const { onchanged } = show();
    await fill("19800101", " hanako no pw 2026 ");
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalled());
    expect(calls.of("password_change")).toEqual([{ currentPassword: "19800101", newPassword: " hanako no pw 2026 " }]);
  });

  it("puts an unreachable insurer above the button", async () => {
    mockCommands({ password_change: () => fail("offline") });
    show();
    await fill("19800101", "hanako-no-atarashii-pw");
    expect((await screen.findByTestId("password-change-error")).textContent).toBe(ja["error.offline"]);
  });

  it.each([
    ["logged_out", null],
    ["insurer", "unauthorized"],
  ] as const)("leaves a login that has expired (%s %s) to the app, which goes to the login form", async (code, api_code) => {
    const routes = fakeRoutes(true);
    mockCommands({ password_change: () => fail(code, { api_code }) });
    const { onchanged } = show();
    await fill("19800101", "hanako-no-atarashii-pw");
    await vi.waitFor(() => expect(routes.loggedOut).toHaveBeenCalled());
    expect(onchanged).not.toHaveBeenCalled();
    expect(screen.queryByTestId("password-change-error")).toBeNull();
  });

  it("shows the passwords on demand, and logs out", async () => {
    const { onlogout } = show();
    await fireEvent.click(screen.getByLabelText(ja["login.show_password"]));
    for (const id of ["current-password", "new-password", "new-password-confirm"]) {
      expect(screen.getByTestId(id).getAttribute("type")).toBe("text");
    }
    await fireEvent.click(screen.getByTestId("logout"));
    expect(onlogout).toHaveBeenCalled();
  });
});
