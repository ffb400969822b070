import { emit } from "@tauri-apps/api/event";
import { clearMocks } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import "../lib/i18n";
import ja from "../locales/ja.json";
import { fail, profilesView } from "../test/ipc";
import {
  AUTH_KEY,
  DEMO_SERVER,
  demoInsurer,
  FIRST_TOKEN,
  insurerInfo,
  linkMail,
  POLICY,
  RESET_TOKEN,
  SECOND_TOKEN,
  SETUP_TOKEN,
  TARO,
} from "../test/insurer";
import DemoMailbox from "./DemoMailbox.svelte";
import RegAccountStep from "./RegAccountStep.svelte";
import RegistrationWizard from "./RegistrationWizard.svelte";
import StartScreen from "./StartScreen.svelte";

afterEach(() => {
  clearMocks();
  vi.useRealTimers();
});

const SERVER = "http://127.0.0.1:8787";

const input = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;
const type = (testid: string, value: string) => fireEvent.input(screen.getByTestId(testid), { target: { value } });
const choose = (testid: string, value: string) => fireEvent.change(screen.getByTestId(testid), { target: { value } });
const click = (testid: string) => fireEvent.click(screen.getByTestId(testid));
const step = async () => (await screen.findByTestId("reg-step")).dataset.step;
const text = (testid: string) => screen.getByTestId(testid).textContent?.trim();

function wizard(props: Partial<{ server: string; demo: boolean }> = {}) {
  const events = { onback: vi.fn(), onregistered: vi.fn(), onotherlink: vi.fn() };
  render(RegistrationWizard, { server: SERVER, demo: false, ...events, ...props });
  return events;
}

function startScreen() {
  const onloggedin = vi.fn();
  render(StartScreen, { view: profilesView({ profiles: [], last: null }), onopened: () => {}, onloggedin });
  return { onloggedin };
}

async function sendEmail(email = "taro@example.jp"): Promise<void> {
  await type("reg-email", email);
  await click("reg-email-submit");
  await screen.findByTestId("reg-sent");
}

/** Taro's identity, as the leaflet asks it: 番号 before 記号. */
async function fillIdentity(prefix = "reg", captcha = "espa"): Promise<void> {
  await screen.findByTestId(`${prefix}-captcha-image`);
  await choose(`${prefix}-birth-year`, "1980");
  await choose(`${prefix}-birth-month`, "1");
  await choose(`${prefix}-birth-day`, "1");
  if (prefix === "reg") await click("reg-sex-male");
  await type(`${prefix}-card-number`, TARO.card_number);
  await type(`${prefix}-card-symbol`, TARO.card_symbol);
  await type(`${prefix}-captcha-answer`, captcha);
}

async function fillAccount(prefix = "reg", password = "hanabi-no-yoru-2026"): Promise<void> {
  await type(`${prefix}-login-id`, "taro@example.jp");
  await type(`${prefix}-password`, password);
  await type(`${prefix}-password-confirm`, password);
  await type(`${prefix}-notification-email`, "taro.notice@example.jp");
  await type(`${prefix}-nickname`, "たろう");
}

describe("registration by e-mail", () => {
  it("goes through all five steps with the demo mailbox, and ends at the login form filled in", async () => {
    const { calls } = demoInsurer();
    startScreen();
    await click("demo-start");
    await screen.findByTestId("demo-notice");
    await click("register-start");
    expect(screen.getByTestId("register").textContent).toContain("新規利用登録");
    expect(screen.getByTestId("start").hidden).toBe(true);

    // 1. メールアドレス
    expect(await step()).toBe("email");
    await vi.waitFor(() => expect(document.activeElement).toBe(input("reg-email")));
    await sendEmail();
    expect(calls.of("registration_start")).toEqual([{ server: DEMO_SERVER, email: "taro@example.jp" }]);
    expect(text("reg-sent")).toContain("taro@example.jp");
    expect(text("countdown")).toContain("3:00:00");

    // The link from the demo mailbox: 本人確認
    const mailbox = await screen.findByTestId("mailbox");
    expect(mailbox.textContent).toContain("デモ用メールボックス");
    expect(mailbox.textContent).toContain("新規利用登録のご案内");
    const uses = await screen.findAllByTestId("mailbox-use");
    expect(uses.map((b) => b.dataset.target)).toEqual(["identity"]);
    await fireEvent.click(uses[0] as HTMLElement);
    expect(await step()).toBe("identity");
    await fillIdentity();
    await click("reg-identity-submit");

    // 本人確認完了: the key, shown once
    expect((await screen.findByTestId("reg-auth-key")).textContent).toBe(AUTH_KEY);
    expect(calls.of("registration_identity")).toEqual([
      {
        server: DEMO_SERVER,
        request: { token: FIRST_TOKEN, ...TARO, captcha_id: "captcha-1", captcha_answer: "espa" },
      },
    ]);
    expect(text("countdown")).toContain("0:30:00");

    // The second mail's link: 認証キー入力
    await vi.waitFor(() => expect(screen.getAllByTestId("mailbox-use").map((b) => b.dataset.target)).toContain("auth_key"));
    const second = screen.getAllByTestId("mailbox-use").find((b) => b.dataset.target === "auth_key");
    expect(second?.textContent?.trim()).toBe(ja["mailbox.use.auth_key"]);
    await fireEvent.click(second as HTMLElement);
    expect(await step()).toBe("auth_key");
    expect(screen.queryByTestId("reg-auth-key"), "the key is not shown again").toBeNull();
    await type("reg-key-input", AUTH_KEY);
    await click("reg-key-submit");

    // 利用者情報入力, with the insurer's rules
    expect(await screen.findByTestId("reg-login-id")).toBeTruthy();
    expect(calls.of("registration_auth_key")).toEqual([
      { server: DEMO_SERVER, request: { token: SECOND_TOKEN, auth_key: AUTH_KEY } },
    ]);
    await vi.waitFor(() => expect(text("reg-password-rule-length")).toContain("12文字以上128文字以下"));
    await fillAccount();
    await click("reg-account-submit");

    // 登録完了 → ログイン画面
    const done = await screen.findByTestId("reg-done");
    expect(done.textContent).toContain("利用登録が完了しました。ログイン画面へ進んでください。");
    expect(calls.of("registration_account")).toEqual([
      {
        server: DEMO_SERVER,
        request: {
          setup_token: SETUP_TOKEN,
          login_id: "taro@example.jp",
          password: "hanabi-no-yoru-2026",
          notification_email: "taro.notice@example.jp",
          nickname: "たろう",
        },
      },
    ]);
    await click("reg-to-login");
    expect(screen.queryByTestId("register")).toBeNull();
    expect(input("login-id").value).toBe("taro@example.jp");
    expect(input("login-server").value).toBe(DEMO_SERVER);
    expect(screen.getByTestId("relogin-notice").dataset.reason).toBe("registered");
    await vi.waitFor(() => expect(document.activeElement).toBe(input("password")));
    expect(screen.getByTestId("demo-notice"), "the demo insurer still runs").toBeTruthy();
  });

  it("uses the login form's address, and shows no mailbox without the demo insurer", async () => {
    const { calls } = demoInsurer();
    startScreen();
    await type("login-server", "https://kenpo.example.jp");
    await click("register-start");
    await sendEmail();
    expect(calls.of("registration_start")[0]).toEqual({ server: "https://kenpo.example.jp", email: "taro@example.jp" });
    expect(screen.queryByTestId("mailbox")).toBeNull();
    expect(screen.getByTestId("reg-paste")).toBeTruthy();
    await click("reg-back");
    expect(screen.getByTestId("start").hidden).toBe(false);
    expect(input("login-server").value).toBe("https://kenpo.example.jp");
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("register-start")));
  });

  it("asks for a usable e-mail address before sending, and shows the insurer's invalid_email beside it", async () => {
    const { calls } = demoInsurer({
      registration_start: () => fail("insurer", { api_code: "invalid_email", field: "email" }),
    });
    wizard();
    await click("reg-email-submit");
    expect(text("reg-email-error")).toBe(ja["register.email.required"]);
    await type("reg-email", "taro@");
    await click("reg-email-submit");
    expect(text("reg-email-error")).toBe(ja["register.email.invalid"]);
    expect(calls.of("registration_start")).toEqual([]);
    await type("reg-email", "taro@example.jp");
    await click("reg-email-submit");
    expect((await screen.findByTestId("reg-email-error")).textContent).toBe(ja["error.invalid_email"]);
    expect(input("reg-email").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(input("reg-email"));
  });

  it("says rate_limited and offline above the button", async () => {
    let answer = () => fail("insurer", { api_code: "rate_limited" });
    demoInsurer({ registration_start: () => answer() });
    wizard();
    await type("reg-email", "taro@example.jp");
    await click("reg-email-submit");
    expect((await screen.findByTestId("reg-email-form-error")).textContent).toBe(ja["error.rate_limited"]);
    answer = () => fail("offline");
    await click("reg-email-submit");
    await vi.waitFor(() => expect(text("reg-email-form-error")).toBe(ja["error.offline"]));
  });
});

describe("the mailed links", () => {
  it("reads a pasted link or a bare code, and refuses anything else", async () => {
    const { calls } = demoInsurer();
    const events = wizard();
    await sendEmail();
    await click("reg-paste-submit");
    expect(text("reg-paste-error")).toBe(ja["paste.required"]);
    await type("reg-paste", "kenpodesk://register/identity?token=short");
    await click("reg-paste-submit");
    expect(text("reg-paste-error")).toBe(ja["paste.invalid"]);
    expect(input("reg-paste").getAttribute("aria-invalid")).toBe("true");

    // A bare code goes to the step that waits: 本人確認.
    await type("reg-paste", `  ${FIRST_TOKEN}\n`);
    await click("reg-paste-submit");
    expect(await step()).toBe("identity");
    await fillIdentity();
    await click("reg-identity-submit");
    await screen.findByTestId("reg-auth-key");
    expect(calls.of("registration_identity")[0]?.request).toMatchObject({ token: FIRST_TOKEN });

    // A web link with more in its query: its path says where.
    await type("reg-paste", `https://kenpo.example.jp/register/auth-key?lang=ja&token=${SECOND_TOKEN}#top`);
    await click("reg-paste-submit");
    expect(await step()).toBe("auth_key");
    await type("reg-key-input", "０１０３ ４０９２");
    await click("reg-key-submit");
    await screen.findByTestId("reg-login-id");
    expect(calls.of("registration_auth_key")[0]?.request).toEqual({ token: SECOND_TOKEN, auth_key: AUTH_KEY });
    expect(events.onotherlink).not.toHaveBeenCalled();
  });

  it("hands a pasted password-reset link on", async () => {
    demoInsurer();
    const events = wizard();
    await sendEmail();
    await type("reg-paste", `kenpodesk://password-reset?token=${RESET_TOKEN}`);
    await click("reg-paste-submit");
    expect(events.onotherlink).toHaveBeenCalledWith({ target: "password_reset", token: RESET_TOKEN });
  });

  it("follows deep links to the step each one opens, from the start screen", async () => {
    const { calls } = demoInsurer();
    startScreen();
    await screen.findByTestId("login-form");

    await emit("deep-link", `kenpodesk://register/identity?token=${FIRST_TOKEN}`);
    expect(await step()).toBe("identity");
    expect(screen.getByTestId("start").hidden).toBe(true);
    await fillIdentity();
    await click("reg-identity-submit");
    await screen.findByTestId("reg-auth-key");
    expect(calls.of("registration_identity")[0]?.request).toMatchObject({ token: FIRST_TOKEN });

    await emit("deep-link", `kenpodesk://register/auth-key?token=${SECOND_TOKEN}`);
    await vi.waitFor(async () => expect(await step()).toBe("auth_key"));
    await type("reg-key-input", AUTH_KEY);
    await click("reg-key-submit");
    await screen.findByTestId("reg-login-id");
    expect(calls.of("registration_auth_key")[0]?.request).toMatchObject({ token: SECOND_TOKEN });

    await emit("deep-link", `kenpodesk://password-reset?token=${RESET_TOKEN}`);
    expect((await screen.findByTestId("reset-step")).dataset.step).toBe("new");
    expect(screen.queryByTestId("register")).toBeNull();

    // Links that are not ours, or have no token, change nothing.
    await emit("deep-link", "https://example.com/register/identity?token=AAAAAAAAAAAAAAAAAAAA");
    await emit("deep-link", "kenpodesk://register/identity");
    expect(screen.getByTestId("reset-step").dataset.step).toBe("new");
  });
});

describe("本人確認", () => {
  async function toIdentity(handlers = {}) {
    const insurer = demoInsurer(handlers);
    wizard();
    await sendEmail();
    await type("reg-paste", FIRST_TOKEN);
    await click("reg-paste-submit");
    await screen.findByTestId("reg-captcha-image");
    return insurer;
  }

  it("asks 番号 before 記号, and for every field before asking the insurer", async () => {
    const { calls } = await toIdentity();
    const number = screen.getByTestId("reg-card-number");
    const symbol = screen.getByTestId("reg-card-symbol");
    expect(number.compareDocumentPosition(symbol) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByLabelText("番号")).toBe(number);
    expect(screen.getByLabelText("記号")).toBe(symbol);
    expect(screen.getByText(/枝番は不要です/)).toBeTruthy();
    expect(screen.getByLabelText("男")).toBe(screen.getByTestId("reg-sex-male"));
    expect(screen.getByLabelText("女")).toBe(screen.getByTestId("reg-sex-female"));

    await click("reg-identity-submit");
    expect(text("reg-birth-error")).toBe(ja["register.birth.invalid"]);
    expect(text("reg-sex-error")).toBe(ja["register.sex.required"]);
    expect(text("reg-card-number-error")).toBe(ja["register.card_number.required"]);
    expect(text("reg-card-symbol-error")).toBe(ja["register.card_symbol.required"]);
    expect(text("reg-captcha-error")).toBe(ja["register.captcha.required"]);
    expect(document.activeElement).toBe(screen.getByTestId("reg-birth-year"));

    // 2月30日 is no day.
    await choose("reg-birth-year", "1980");
    await choose("reg-birth-month", "2");
    await choose("reg-birth-day", "30");
    await click("reg-identity-submit");
    expect(text("reg-birth-error")).toBe(ja["register.birth.invalid"]);
    expect(calls.of("registration_identity")).toEqual([]);
  });

  it("says identity_mismatch in one message, above the button, with a new captcha to type", async () => {
    const { calls } = await toIdentity();
    await fillIdentity();
    await choose("reg-birth-day", "2");
    await click("reg-identity-submit");
    const error = await screen.findByTestId("reg-identity-error");
    expect(error.textContent).toBe(ja["error.identity_mismatch"]);
    expect(error.textContent).toContain("入力内容に誤りがあります");
    for (const field of ["reg-card-number", "reg-card-symbol", "reg-birth-year"]) {
      expect(screen.getByTestId(field).getAttribute("aria-invalid"), "no field is blamed").toBeNull();
    }
    // The picture answered once: a new one, its field empty and focused; what was typed stays.
    await vi.waitFor(() => expect(calls.of("captcha_get")).toHaveLength(2));
    await vi.waitFor(() => expect(screen.getByTestId("reg-captcha-image").dataset.captchaId).toBe("captcha-2"));
    expect(screen.getByTestId("reg-captcha-image").getAttribute("src")).toBe("data:image/png;base64,iVBORw0KGgo2");
    expect(input("reg-captcha-answer").value).toBe("");
    await vi.waitFor(() => expect(document.activeElement).toBe(input("reg-captcha-answer")));
    expect(input("reg-card-number").value).toBe(TARO.card_number);

    await choose("reg-birth-day", "1");
    await type("reg-captcha-answer", "espa");
    await click("reg-identity-submit");
    expect((await screen.findByTestId("reg-auth-key")).textContent).toBe(AUTH_KEY);
    expect(calls.of("registration_identity")[1]?.request).toMatchObject({ captcha_id: "captcha-2", birth_date: "1980-01-01" });
  });

  it("refreshes the captcha by itself on captcha_mismatch, and on 「画像を更新」", async () => {
    const { calls } = await toIdentity();
    expect(screen.getByTestId("reg-captcha-refresh").textContent?.trim()).toBe("画像を更新");
    await fillIdentity("reg", "espq");
    await click("reg-identity-submit");
    expect((await screen.findByTestId("reg-captcha-error")).textContent).toBe(ja["error.captcha_mismatch"]);
    await vi.waitFor(() => expect(screen.getByTestId("reg-captcha-image").dataset.captchaId).toBe("captcha-2"));
    expect(input("reg-captcha-answer").value).toBe("");
    await vi.waitFor(() => expect(document.activeElement).toBe(input("reg-captcha-answer")));
    expect(screen.queryByTestId("reg-identity-error")).toBeNull();

    await click("reg-captcha-refresh");
    await vi.waitFor(() => expect(screen.getByTestId("reg-captcha-image").dataset.captchaId).toBe("captcha-3"));
    expect(calls.of("captcha_get")).toEqual([{ server: SERVER }, { server: SERVER }, { server: SERVER }]);
  });

  it("sends the member back to step 1 when the link has expired or was used", async () => {
    await toIdentity({ registration_identity: () => fail("insurer", { api_code: "token_expired" }) });
    await fillIdentity();
    await click("reg-identity-submit");
    expect((await screen.findByTestId("reg-expired")).textContent).toBe(ja["register.expired.lead"]);
    expect(await step()).toBe("expired");
    await click("reg-restart");
    expect(await step()).toBe("email");
    expect(input("reg-email").value, "the address is kept").toBe("taro@example.jp");
  });
});

describe("認証キー", () => {
  async function toKey() {
    const insurer = demoInsurer();
    wizard();
    await sendEmail();
    await type("reg-paste", FIRST_TOKEN);
    await click("reg-paste-submit");
    await fillIdentity();
    await click("reg-identity-submit");
    await screen.findByTestId("reg-auth-key");
    return insurer;
  }

  it("is shown large with a copy button and the warning to write it down", async () => {
    await toKey();
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    expect(text("reg-auth-key")).toBe("01034092");
    const warning = screen.getByTestId("reg-auth-key-warning");
    expect(warning.textContent).toContain("必ずこの画面で控えてください");
    expect(warning.textContent).toContain("一度だけ");
    expect(warning.textContent).toContain("メールには記載されません");
    expect(screen.getByTestId("register").textContent).toContain("30分以内");
    expect(text("reg-auth-key-copy")).toBe("認証キーをコピー");
    await click("reg-auth-key-copy");
    expect(writeText).toHaveBeenCalledWith("01034092");
    await vi.waitFor(() => expect(text("reg-auth-key-copied")).toBe(ja["register.auth_key.copied"]));
  });

  it("asks to write it down when the clipboard refuses", async () => {
    await toKey();
    Object.defineProperty(navigator, "clipboard", {
      value: { writeText: () => Promise.reject(new Error("denied")) },
      configurable: true,
    });
    await click("reg-auth-key-copy");
    await vi.waitFor(() => expect(text("reg-auth-key-copied")).toBe(ja["register.auth_key.failed"]));
  });

  it("checks 8 digits, then says auth_key_mismatch beside the key", async () => {
    const { calls } = await toKey();
    await type("reg-paste", SECOND_TOKEN);
    await click("reg-paste-submit");
    expect(await step()).toBe("auth_key");
    await type("reg-key-input", "0103409");
    await click("reg-key-submit");
    expect(text("reg-key-error")).toBe(ja["register.auth_key.format"]);
    expect(calls.of("registration_auth_key")).toEqual([]);
    await type("reg-key-input", "01034093");
    await click("reg-key-submit");
    expect((await screen.findByTestId("reg-key-error")).textContent).toBe(ja["error.auth_key_mismatch"]);
    expect(document.activeElement).toBe(input("reg-key-input"));
  });
});

describe("利用者情報入力", () => {
  function account(policy = POLICY, handlers = {}) {
    const insurer = demoInsurer(handlers);
    const oncreated = vi.fn();
    const onexpired = vi.fn();
    render(RegAccountStep, { server: SERVER, setupToken: SETUP_TOKEN, policy, oncreated, onexpired });
    return { ...insurer, oncreated, onexpired };
  }
  const rule = (id: string) => screen.getByTestId(`reg-password-rule-${id}`).dataset.met;

  it("marks the insurer's rules as the password is typed", async () => {
    account();
    expect(text("reg-password-rule-length")).toContain("12文字以上128文字以下");
    expect(rule("length")).toBe("false");
    await type("reg-password", "short-pw");
    expect(rule("length")).toBe("false");
    await type("reg-password", "long-enough-pw");
    expect(rule("length")).toBe("true");
    await type("reg-login-id", "taro@example.jp");
    await type("reg-password", "taro-long-enough");
    expect(rule("login_id")).toBe("false");
    expect(rule("common"), "only the insurer knows the common list").toBe("unknown");
    expect(input("reg-password").getAttribute("aria-describedby")).toContain("reg-password-rules");
  });

  it("marks the leaflet's rule: lower-case letters and digits, 8 or more", async () => {
    account({ ...POLICY, min_length: 8, characters: "lowercase_and_digits" });
    await type("reg-password", "kenpo12345");
    expect(rule("length")).toBe("true");
    expect(rule("characters")).toBe("true");
    await type("reg-password", "Kenpo12345");
    expect(rule("characters")).toBe("false");
  });

  it("shows パスワード(確認) that differs, and sends nothing", async () => {
    const { calls } = account();
    await fillAccount();
    await type("reg-password-confirm", "hanabi-no-yoru-2027");
    expect(text("reg-password-confirm-error"), "as soon as it is as long").toBe(ja["register.password_confirm.mismatch"]);
    await click("reg-account-submit");
    expect(document.activeElement).toBe(input("reg-password-confirm"));
    await type("reg-password", "short");
    await click("reg-account-submit");
    expect(text("reg-password-error")).toBe(ja["register.password.unmet"]);
    expect(calls.of("registration_account")).toEqual([]);
  });

  it("shows both passwords with 「パスワードを表示」", async () => {
    account();
    expect(input("reg-password").type).toBe("password");
    await fireEvent.click(screen.getByLabelText("パスワードを表示"));
    expect(input("reg-password").type).toBe("text");
    expect(input("reg-password-confirm").type).toBe("text");
  });

  it("shows the insurer's password_policy message beside the password: it has the final word", async () => {
    const { oncreated } = account(POLICY, {
      registration_account: () => {
        throw {
          code: "insurer",
          message: "the password is too common (common_password)",
          api_code: "password_policy",
          field: "password",
          offline: null,
          wait_secs: null,
        };
      },
    });
    await fillAccount("reg", "password1234");
    await click("reg-account-submit");
    expect((await screen.findByTestId("reg-password-error")).textContent).toBe(
      ja["error.password_policy"].replace("{message}", "the password is too common (common_password)"),
    );
    expect(document.activeElement).toBe(input("reg-password"));
    expect(oncreated).not.toHaveBeenCalled();
  });

  it.each([
    ["login_id_taken", "login_id", "reg-login-id", "error.login_id_taken"],
    ["invalid_email", "notification_email", "reg-notification-email", "error.invalid_email"],
    ["validation", "nickname", "reg-nickname", "error.validation.nickname"],
  ] as const)("puts %s beside its field", async (api_code, field, testid, key) => {
    account(POLICY, { registration_account: () => fail("insurer", { api_code, field }) });
    await fillAccount();
    await click("reg-account-submit");
    expect((await screen.findByTestId(`${testid}-error`)).textContent).toBe(ja[key]);
    expect(document.activeElement).toBe(input(testid));
  });

  it("reports an expired setup token", async () => {
    const { onexpired } = account(POLICY, { registration_account: () => fail("insurer", { api_code: "token_expired" }) });
    await fillAccount();
    await click("reg-account-submit");
    await vi.waitFor(() => expect(onexpired).toHaveBeenCalled());
  });
});

describe("被扶養配偶者の方", () => {
  async function dependent(handlers = {}) {
    const insurer = demoInsurer(handlers);
    const events = wizard();
    await click("reg-tab-dependent");
    await screen.findByTestId("dep-captcha-image");
    return { ...insurer, ...events };
  }

  async function fillDependent(insurerNumber: string): Promise<void> {
    await fillIdentity("dep");
    await type("dep-insurer-number", insurerNumber);
    await fillAccount("dep");
  }

  it("shows invalid_insurer_number beside 保険者番号, with a new captcha", async () => {
    const { calls } = await dependent({
      registration_dependent: () => fail("insurer", { api_code: "invalid_insurer_number", field: "insurer_number" }),
    });
    expect(screen.getByRole("tab", { name: "被扶養配偶者の方" }).getAttribute("aria-selected")).toBe("true");
    await fillDependent("06273495");
    await click("dep-submit");
    expect((await screen.findByTestId("dep-insurer-number-error")).textContent).toBe(ja["error.invalid_insurer_number"]);
    await vi.waitFor(() => expect(document.activeElement).toBe(input("dep-insurer-number")));
    await vi.waitFor(() => expect(screen.getByTestId("dep-captcha-image").dataset.captchaId).toBe("captcha-2"));
    expect(calls.of("registration_dependent")).toEqual([
      {
        server: SERVER,
        request: {
          card_symbol: TARO.card_symbol,
          card_number: TARO.card_number,
          insurer_number: "06273495",
          birth_date: "1980-01-01",
          captcha_id: "captcha-1",
          captcha_answer: "espa",
          login_id: "taro@example.jp",
          password: "hanabi-no-yoru-2026",
          notification_email: "taro.notice@example.jp",
          nickname: "たろう",
        },
      },
    ]);
  });

  it("asks for 8 digits before asking the insurer, and registers", async () => {
    const { calls, onregistered } = await dependent();
    await fillDependent("0627");
    await click("dep-submit");
    expect(text("dep-insurer-number-error")).toBe(ja["register.insurer_number.format"]);
    expect(calls.of("registration_dependent")).toEqual([]);
    await type("dep-insurer-number", "０６２７３４９４");
    await click("dep-submit");
    await screen.findByTestId("reg-done");
    expect(calls.of("registration_dependent")[0]?.request).toMatchObject({ insurer_number: "06273494" });
    await click("reg-to-login");
    expect(onregistered).toHaveBeenCalledWith("taro@example.jp");
  });

  it("says identity_mismatch once, above the button", async () => {
    await dependent({ registration_dependent: () => fail("insurer", { api_code: "identity_mismatch" }) });
    await fillDependent("06273494");
    await click("dep-submit");
    expect((await screen.findByTestId("dep-error")).textContent).toBe(ja["error.identity_mismatch"]);
  });

  it("is only offered when the insurer opens that way", async () => {
    demoInsurer({ insurer_get: () => insurerInfo({ registration_methods: ["email_identity", "issued_id"] }) });
    wizard();
    await vi.waitFor(() => expect(screen.queryByTestId("reg-tab-email")).toBeNull());
    expect(screen.queryByTestId("reg-tab-dependent")).toBeNull();
    expect(screen.getByTestId("reg-email")).toBeTruthy();
  });

  it("switches the tabs with the arrow keys", async () => {
    demoInsurer();
    wizard();
    const email = screen.getByRole("tab", { name: "被保険者の方" });
    await fireEvent.keyDown(email, { key: "ArrowRight" });
    const spouse = screen.getByRole("tab", { name: "被扶養配偶者の方" });
    expect(spouse.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(spouse);
    expect(screen.getByTestId("dep-form")).toBeTruthy();
  });
});

describe("パスワードをお忘れの方", () => {
  it("mails a reset link for the login ID, takes the link and the new password, and goes back to login", async () => {
    const { calls } = demoInsurer();
    startScreen();
    await click("demo-start");
    await screen.findByTestId("demo-notice");
    await type("login-id", "taro@example.jp");
    expect(text("forgot-password")).toBe("パスワードをお忘れの方");
    await click("forgot-password");
    expect(input("reset-login-id").value).toBe("taro@example.jp");
    await click("reset-submit");
    expect((await screen.findByTestId("reset-sent")).textContent).toBe(ja["reset.sent.lead"]);
    expect(calls.of("password_reset_start")).toEqual([{ server: DEMO_SERVER, loginId: "taro@example.jp" }]);
    expect(text("countdown")).toContain("0:30:00");

    const use = await screen.findByTestId("mailbox-use");
    expect(use.dataset.target).toBe("password_reset");
    await fireEvent.click(use);
    expect((await screen.findByTestId("reset-step")).dataset.step).toBe("new");
    await type("reset-password", "atarashii-pasuwaado");
    await type("reset-password-confirm", "atarashii-pasuwaado");
    await click("reset-complete-submit");
    await screen.findByTestId("reset-done");
    expect(calls.of("password_reset_complete")).toEqual([
      { server: DEMO_SERVER, request: { token: RESET_TOKEN, new_password: "atarashii-pasuwaado" } },
    ]);
    await click("reset-to-login");
    expect(screen.getByTestId("relogin-notice").dataset.reason).toBe("password_reset");
    expect(input("login-id").value).toBe("taro@example.jp");
  });

  it("takes a pasted code, and says so when the link has expired", async () => {
    demoInsurer({ password_reset_complete: () => fail("insurer", { api_code: "token_expired" }) });
    startScreen();
    await click("forgot-password");
    await click("reset-submit");
    expect(text("reset-login-id-error")).toBe(ja["login.login_id.required"]);
    await type("reset-login-id", "U100001");
    await click("reset-submit");
    await screen.findByTestId("reset-sent");
    await type("reset-paste", RESET_TOKEN);
    await click("reset-paste-submit");
    await type("reset-password", "atarashii-pasuwaado");
    await type("reset-password-confirm", "atarashii-pasuwaado");
    await click("reset-complete-submit");
    expect((await screen.findByTestId("reset-expired")).textContent).toBe(ja["reset.expired.lead"]);
    await click("reset-restart");
    expect((await screen.findByTestId("reset-step")).dataset.step).toBe("request");
    await click("reset-back");
    expect(screen.getByTestId("start").hidden).toBe(false);
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("forgot-password")));
  });

  it("checks the new password against the policy and its confirmation", async () => {
    const { calls } = demoInsurer();
    startScreen();
    await emit("deep-link", `kenpodesk://password-reset?token=${RESET_TOKEN}`);
    await screen.findByTestId("reset-password");
    await vi.waitFor(() => expect(screen.getByTestId("reset-password-rule-length").dataset.met).toBe("false"));
    await type("reset-password", "short");
    await click("reset-complete-submit");
    expect(text("reset-password-error")).toBe(ja["register.password.unmet"]);
    await type("reset-password", "atarashii-pasuwaado");
    await type("reset-password-confirm", "atarashii-pasuwaadx");
    await click("reset-complete-submit");
    expect(text("reset-password-confirm-error")).toBe(ja["register.password_confirm.mismatch"]);
    expect(calls.of("password_reset_complete")).toEqual([]);
  });
});

describe("the countdown", () => {
  it("counts down 3 hours from the first mail, then 30 minutes from the identity check", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    vi.setSystemTime(new Date("2026-11-21T00:00:00Z"));
    demoInsurer();
    wizard();
    await sendEmail();
    const countdown = screen.getByTestId("countdown");
    expect(countdown.textContent?.trim()).toBe("リンクの有効期限まで あと 3:00:00");
    expect(countdown.getAttribute("role")).toBe("timer");
    await vi.advanceTimersByTimeAsync(1000);
    expect(text("countdown")).toBe("リンクの有効期限まで あと 2:59:59");
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(text("countdown")).toBe("リンクの有効期限まで あと 1:59:59");

    // The identity step still counts the first link's time.
    await type("reg-paste", FIRST_TOKEN);
    await click("reg-paste-submit");
    await screen.findByTestId("reg-captcha-image");
    expect(text("countdown")).toBe("リンクの有効期限まで あと 1:59:59");
    await fillIdentity();
    await click("reg-identity-submit");
    await screen.findByTestId("reg-auth-key");
    expect(text("countdown")).toBe("リンクの有効期限まで あと 0:30:00");
    await vi.advanceTimersByTimeAsync(29 * 60 * 1000 + 59 * 1000);
    expect(text("countdown")).toBe("リンクの有効期限まで あと 0:00:01");
    await vi.advanceTimersByTimeAsync(1000);
    expect(text("countdown")).toBe(ja["countdown.expired"]);
    expect(screen.getByTestId("countdown").dataset.expired).toBe("true");
  });
});

describe("the wizard's look", () => {
  it("shows the leaflet's five steps, the current one marked", async () => {
    demoInsurer();
    wizard();
    const steps = within(screen.getByRole("list", { name: "登録の手順" })).getAllByRole("listitem");
    expect(steps.map((s) => s.textContent?.replace(/^\d/, "").trim())).toEqual([
      "メールアドレス",
      "本人確認",
      "認証キー入力",
      "利用者情報入力",
      "登録完了",
    ]);
    expect(steps[0]?.getAttribute("aria-current")).toBe("step");
  });
});

describe("デモ用メールボックス", () => {
  it("shows the mails newest last, looks again on 「メールを更新」, and reads another address", async () => {
    const { calls, outbox } = demoInsurer();
    const onlink = vi.fn();
    render(DemoMailbox, { to: "taro@example.jp", expected: "identity", onlink });
    expect((await screen.findByTestId("mailbox-empty")).textContent).toBe(ja["mailbox.empty"]);
    outbox.push(
      linkMail("taro@example.jp", "一通目", "register/identity", FIRST_TOKEN),
      linkMail("taro@example.jp", "二通目", "register/auth-key", SECOND_TOKEN),
    );
    await click("mailbox-refresh");
    const mails = await screen.findAllByTestId("mailbox-mail");
    expect(mails.map((mail) => mail.querySelector(".subject")?.textContent)).toEqual(["一通目", "二通目"]);
    expect(mails[1]?.textContent).toContain(`コード: ${SECOND_TOKEN}`);
    const uses = screen.getAllByTestId("mailbox-use");
    expect(uses.map((use) => use.dataset.target)).toEqual(["identity", "auth_key"]);
    await fireEvent.click(uses[1] as HTMLElement);
    expect(onlink).toHaveBeenCalledWith({ target: "auth_key", token: SECOND_TOKEN });

    await type("mailbox-to", "hanako@example.jp");
    await click("mailbox-refresh");
    expect(await screen.findByTestId("mailbox-empty")).toBeTruthy();
    expect(calls.of("demo_mailbox").at(-1)).toEqual({ to: "hanako@example.jp" });
  });
});
