// What the registration and password-reset forms share: the checks made
// here before the insurer is asked (it has the final word), and where an
// insurer's refusal is shown.
import { tick } from "svelte";
import type { CommandError, PasswordPolicy } from "../bindings";
import { errorMessage, type ErrorMessage } from "./errors";
import { isIsoDate } from "./jst";
import { breaksPolicy } from "./password";

/** How long the first mail's link is valid (DOMAIN.md). */
export const REGISTRATION_LINK_MS = 3 * 60 * 60 * 1000;
/** How long the confirmation link (and a password-reset link) is valid. */
export const CONFIRMATION_LINK_MS = 30 * 60 * 1000;

/** Digits as the card and keys are written: full-width digits read, spaces and hyphens dropped. */
export function digitsOf(text: string): string {
  return text.normalize("NFKC").replace(/[\s\-‐－ー]/g, "");
}

/** Whether `text` can be an e-mail address; the insurer checks the rest. */
export function looksLikeEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(text.trim().normalize("NFKC"));
}

/** The birth date chosen in three selects, as YYYY-MM-DD; `null` unless it is a real day. */
export function birthDate(year: string, month: string, day: string): string | null {
  if (!year || !month || !day) return null;
  const date = `${year.padStart(4, "0")}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  return isIsoDate(date) ? date : null;
}

/**
 * Where a refusal is shown: beside the field the insurer names (by the
 * form's name for it in `fields`), else at `fallback` (above the button).
 */
export function placeError<Place extends string>(
  error: CommandError,
  fields: Readonly<Record<string, Place>>,
  fallback: Place,
): Partial<Record<Place, ErrorMessage>> {
  const place = (error.field && fields[error.field]) || fallback;
  return { [place]: errorMessage(error) } as Partial<Record<Place, ErrorMessage>>;
}

/** Whether the insurer refused with `code`. */
export function isApi(error: CommandError, code: string): boolean {
  return error.code === "insurer" && error.api_code === code;
}

const FIELD = "input, select, textarea";

/**
 * Focuses the first field marked invalid inside `root`, once the DOM shows
 * the errors (for a group marked invalid, its first field).
 */
export async function focusFirstInvalid(root: HTMLElement | undefined): Promise<void> {
  await tick();
  const invalid = root?.querySelector<HTMLElement>('[aria-invalid="true"]');
  const field = invalid?.matches(FIELD) ? invalid : invalid?.querySelector<HTMLElement>(FIELD);
  field?.focus();
}

/** A message without values. */
export const message = (key: string): ErrorMessage => ({ key, values: {} });

/** The account form of both ways in (利用者情報入力). */
export interface AccountValues {
  login_id: string;
  password: string;
  confirm: string;
  notification_email: string;
  nickname: string;
}

export type AccountField = "login_id" | "password" | "confirm" | "notification_email" | "nickname";

/** The insurer's names of the account fields. */
export const ACCOUNT_SERVER_FIELDS: Readonly<Record<string, AccountField>> = {
  login_id: "login_id",
  password: "password",
  new_password: "password",
  notification_email: "notification_email",
  nickname: "nickname",
};

export const NICKNAME_MAX = 20;

export function emptyAccount(): AccountValues {
  return { login_id: "", password: "", confirm: "", notification_email: "", nickname: "" };
}

/** The two passwords: required, within the policy where it can be checked here, and the same. */
export function checkPasswords(
  password: string,
  confirm: string,
  policy: PasswordPolicy | null,
  loginId = "",
): Partial<Record<"password" | "confirm", ErrorMessage>> {
  const found: Partial<Record<"password" | "confirm", ErrorMessage>> = {};
  if (password === "") found.password = message("register.password.required");
  else if (policy && breaksPolicy(password, policy, loginId)) found.password = message("register.password.unmet");
  else if (confirm !== password) found.confirm = message("register.password_confirm.mismatch");
  return found;
}

/** What the account form lacks before it can be sent. */
export function checkAccount(
  values: AccountValues,
  policy: PasswordPolicy | null,
): Partial<Record<AccountField, ErrorMessage>> {
  const found: Partial<Record<AccountField, ErrorMessage>> = {};
  if (values.login_id.trim() === "") found.login_id = message("register.login_id.required");
  else if (!looksLikeEmail(values.login_id)) found.login_id = message("register.email.invalid");
  Object.assign(found, checkPasswords(values.password, values.confirm, policy, values.login_id));
  if (values.notification_email.trim() === "") found.notification_email = message("register.notification_email.required");
  else if (!looksLikeEmail(values.notification_email)) found.notification_email = message("register.email.invalid");
  if (values.nickname.trim() === "") found.nickname = message("register.nickname.required");
  else if ([...values.nickname.trim()].length > NICKNAME_MAX) {
    found.nickname = { key: "register.nickname.too_long", values: { max: String(NICKNAME_MAX) } };
  }
  return found;
}
