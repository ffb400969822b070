// What to tell the member about a failed command, chosen by its code (and
// the insurer's code), never by its message. The record below names every
// `CommandErrorCode`: a code added in Rust is a type error here until it
// has a message.
import type { CommandError, CommandErrorCode } from "../bindings";

export const COMMAND_ERROR_KEYS: Record<CommandErrorCode, string> = {
  prefs_io: "error.prefs",
  notification_unavailable: "notify.unavailable",
  notification_failed: "notify.failed",
  keychain_unavailable: "error.keychain_unavailable",
  keychain_failed: "error.keychain_failed",
  local_wrong_key: "error.local_wrong_key",
  local_no_encryption: "error.local_no_encryption",
  local_corrupt: "error.local_corrupt",
  local_database: "error.local_database",
  offline: "error.offline",
  insurer: "error.insurer",
  protocol: "error.protocol",
  logged_out: "error.logged_out",
  no_profile: "error.no_profile",
  unknown_profile: "error.unknown_profile",
  locked: "error.locked",
  pin_format: "error.pin_format",
  pin_mismatch: "error.pin_mismatch",
  pin_attempts_exceeded: "error.pin_attempts_exceeded",
  validation: "error.validation",
  profiles_io: "error.profiles_io",
  demo_failed: "error.demo_failed",
};

/** The insurer's codes that have their own message; others get `error.insurer`. */
export const INSURER_ERROR_KEYS: Readonly<Record<string, string>> = {
  invalid_credentials: "error.invalid_credentials",
  rate_limited: "error.rate_limited",
  membership_ended: "error.membership_ended",
  password_change_required: "error.password_change_required",
  password_policy: "error.password_policy",
  validation: "error.validation",
  unauthorized: "error.logged_out",
  forbidden: "error.forbidden",
  service_unavailable: "error.service_unavailable",
  internal: "error.service_unavailable",
  token_expired: "error.token_expired",
  identity_mismatch: "error.identity_mismatch",
  captcha_mismatch: "error.captcha_mismatch",
  auth_key_mismatch: "error.auth_key_mismatch",
  invalid_email: "error.invalid_email",
  login_id_taken: "error.login_id_taken",
  invalid_insurer_number: "error.invalid_insurer_number",
};

export interface ErrorMessage {
  key: string;
  /** Values for the message's placeholders. */
  values: Record<string, string>;
}

/**
 * The message for a failed command. An insurer's refusal also carries the
 * insurer's own text as `message`, for the few messages that show it
 * (`password_policy`: the text names the rule the password breaks).
 */
export function errorMessage(error: CommandError): ErrorMessage {
  if (error.code === "insurer") {
    const api = error.api_code ?? "unknown";
    return {
      key: INSURER_ERROR_KEYS[api] ?? "error.insurer",
      values: { code: api, message: insurerText(error.message, api) },
    };
  }
  return { key: COMMAND_ERROR_KEYS[error.code], values: { code: error.code } };
}

/** Whether the insurer wants the initial password changed first. */
export function needsPasswordChange(error: CommandError): boolean {
  return error.code === "insurer" && error.api_code === "password_change_required";
}

/** The insurer's text without the code it starts with ("password_policy: …"). */
function insurerText(message: string, api: string): string {
  const prefix = `${api}: `;
  return message.startsWith(prefix) ? message.slice(prefix.length) : message;
}
