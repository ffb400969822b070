// A demo insurer for the registration tests: its answers to the ways-in
// commands, its outbox (read by `demo_mailbox`) and its captchas.
import type { InsurerInfo_Serialize, PasswordPolicy, SandboxMail } from "../bindings";
import { fail, type Args, type Handler, mockCommands } from "./ipc";

export const DEMO_SERVER = "http://127.0.0.1:40123";
/** The registration link's token (first mail). */
export const FIRST_TOKEN = "RegToken_0123456789abcdef";
/** The confirmation link's token (second mail). */
export const SECOND_TOKEN = "Confirm-Token_9876543210";
export const RESET_TOKEN = "ResetToken_abcdef0123456789";
export const SETUP_TOKEN = "setup_0123456789abcdefghij";
export const AUTH_KEY = "01034092";

/** Our default policy (DESIGN.md): 12 to 128 characters. */
export const POLICY: PasswordPolicy = {
  min_length: 12,
  max_length: 128,
  characters: "any_printable",
  reject_common: true,
  reject_login_id: true,
};

export function insurerInfo(change: Partial<InsurerInfo_Serialize> = {}): InsurerInfo_Serialize {
  return {
    name: "けんぽ健康保険組合",
    insurer_number: "06273494",
    sandbox: true,
    registration_methods: ["email_identity", "issued_id", "dependent_card"],
    password_policy: POLICY,
    entry_window_days: 30,
    point_rules: [],
    ...change,
  };
}

/** A mail with a link and its code, as kenpo-insurer writes them. */
export function linkMail(to: string, subject: string, path: string, token: string): SandboxMail {
  return {
    to,
    subject,
    body:
      `けんぽ健康保険組合です。\n\n${subject}\n\nアプリで開く:\nkenpodesk://${path}?token=${token}\n\n` +
      `リンクが開けない場合は、けんぽデスクの「コードを貼り付け」に次のコードを入力してください。\nコード: ${token}\n`,
    sent_at: "2026-11-21T09:00:00+09:00",
  };
}

/** Taro, on the demo roster: who the identity check accepts. */
export const TARO = {
  birth_date: "1980-01-01",
  sex: "male",
  card_number: "56789100",
  card_symbol: "1234",
} as const;

/**
 * The demo insurer: it mails the links it promises, accepts Taro and the
 * captcha answer "espa", and the auth key 01034092. `handlers` replace
 * its answers.
 */
export function demoInsurer(handlers: Record<string, Handler> = {}) {
  const outbox: SandboxMail[] = [];
  let captchas = 0;
  let email = "";
  const request = (args: Args) => args.request as Record<string, string>;
  const calls = mockCommands({
    demo_start: () => ({ server: DEMO_SERVER }),
    insurer_get: () => insurerInfo(),
    captcha_get: () => {
      captchas += 1;
      return { captcha_id: `captcha-${captchas}`, image_png: `iVBORw0KGgo${captchas}` };
    },
    demo_mailbox: ({ to }) => outbox.filter((mail) => mail.to === to),
    registration_start: (args) => {
      email = args.email as string;
      outbox.push(linkMail(email, "【けんぽ健康保険組合】新規利用登録のご案内", "register/identity", FIRST_TOKEN));
      return null;
    },
    registration_identity: (args) => {
      const r = request(args);
      if (r.token !== FIRST_TOKEN) fail("insurer", { api_code: "token_expired" });
      if (r.captcha_answer !== "espa") fail("insurer", { api_code: "captcha_mismatch", field: "captcha_answer" });
      const { birth_date, sex, card_number, card_symbol } = r;
      if (JSON.stringify({ birth_date, sex, card_number, card_symbol }) !== JSON.stringify(TARO)) {
        fail("insurer", { api_code: "identity_mismatch" });
      }
      outbox.push(linkMail(email, "【けんぽ健康保険組合】本人確認完了のご案内", "register/auth-key", SECOND_TOKEN));
      return { auth_key: AUTH_KEY };
    },
    registration_auth_key: (args) => {
      const r = request(args);
      if (r.token !== SECOND_TOKEN) fail("insurer", { api_code: "token_expired" });
      if (r.auth_key !== AUTH_KEY) fail("insurer", { api_code: "auth_key_mismatch", field: "auth_key" });
      return { setup_token: SETUP_TOKEN };
    },
    registration_account: () => ({ member_id: 42 }),
    registration_dependent: () => ({ member_id: 43 }),
    password_reset_start: (args) => {
      outbox.push(linkMail(args.loginId as string, "【けんぽ健康保険組合】パスワード再設定のご案内", "password-reset", RESET_TOKEN));
      return null;
    },
    password_reset_complete: (args) => {
      if (request(args).token !== RESET_TOKEN) fail("insurer", { api_code: "token_expired" });
      return null;
    },
    ...handlers,
  });
  return { calls, outbox };
}
