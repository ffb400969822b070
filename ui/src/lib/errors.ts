// What to tell the member about a failed command, chosen by its code (and
// the insurer's code, or why the insurer could not be reached), never by
// its message. The records below name every `CommandErrorCode` and every
// `OfflineReason`: a code added in Rust is a type error here until it has
// a message.
import type { CommandError, CommandErrorCode, OfflineReason } from "../bindings";

export const COMMAND_ERROR_KEYS: Record<CommandErrorCode, string> = {
  prefs_io: "error.prefs",
  notification_unavailable: "notify.unavailable",
  notification_failed: "notify.failed",
  keychain_unavailable: "error.keychain_unavailable",
  keychain_failed: "error.keychain_failed",
  local_wrong_key: "error.local_wrong_key",
  local_key_lost: "error.local_key_lost",
  local_no_encryption: "error.local_no_encryption",
  local_corrupt: "error.local_corrupt",
  local_database: "error.local_database",
  offline: "error.offline",
  insurer: "error.insurer",
  protocol: "error.protocol",
  server_address: "error.server_address",
  insecure_server: "error.insecure_server",
  logged_out: "error.logged_out",
  no_profile: "error.no_profile",
  unknown_profile: "error.unknown_profile",
  locked: "error.locked",
  pin_format: "error.pin_format",
  pin_mismatch: "error.pin_mismatch",
  pin_attempts_exceeded: "error.pin_attempts_exceeded",
  validation: "error.validation",
  profiles_io: "error.profiles_io",
  local_key_in_keychain: "error.local_key_in_keychain",
  passphrase_required: "error.passphrase_required",
  passphrase_not_set: "error.passphrase_not_set",
  passphrase_not_needed: "error.passphrase_not_needed",
  passphrase_mismatch: "error.passphrase_mismatch",
  passphrase_wait: "error.passphrase_wait",
  passphrase_too_short: "error.passphrase_too_short",
  passphrase_too_long: "error.passphrase_too_long",
  passphrase_characters: "error.passphrase_characters",
  passphrase_common: "error.passphrase_common",
  passphrase_contains_login_id: "error.passphrase_contains_login_id",
  wrapped_key_damaged: "error.wrapped_key_damaged",
  reminder_bad_time: "error.reminder_bad_time",
  reminder_too_many_times: "error.reminder_too_many_times",
  reminder_bad_weekday: "error.reminder_bad_weekday",
  reminder_empty_quiet: "error.reminder_empty_quiet",
  reminder_snooze: "error.reminder_snooze",
  demo_failed: "error.demo_failed",
  export_failed: "error.export_failed",
  autostart_failed: "error.autostart_failed",
  unknown_item: "error.unknown_item",
  out_of_stock: "error.out_of_stock",
  insufficient_points: "error.insufficient_points",
  exchange_not_prepared: "error.exchange_not_prepared",
  exchange_unsettled: "error.exchange_unsettled",
};

/** Why the insurer could not be reached, said in the member's words. */
export const OFFLINE_KEYS: Record<OfflineReason, string> = {
  no_connection: "offline.no_connection",
  timeout: "offline.timeout",
  broke_off: "offline.broke_off",
  server_unavailable: "offline.server_unavailable",
  network_failed: "offline.network_failed",
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
  insufficient_points: "error.insufficient_points",
  out_of_stock: "error.out_of_stock",
  invalid_address: "error.invalid_address",
  not_found: "error.not_found",
  not_cancellable: "error.not_cancellable",
  idempotency_conflict: "error.idempotency_conflict",
  already_reported: "error.already_reported",
  captcha_required: "error.captcha_required",
};

/**
 * The fields whose `validation` (the core's, or the insurer's) has a message
 * of its own: what the field takes. Other fields get `error.validation`.
 */
export const VALIDATION_FIELD_KEYS: Readonly<Record<string, string>> = {
  date: "error.validation.date",
  clinic: "error.validation.clinic",
  nickname: "error.validation.nickname",
  contact_email: "error.validation.contact_email",
  body: "error.validation.body",
};

export interface ErrorMessage {
  key: string;
  /** Values for the message's placeholders. */
  values: Record<string, string>;
  /** A second sentence that says why (e.g. why the insurer could not be reached). */
  detail?: ErrorMessage;
  /** How long to wait, put into the message's `{wait}`. */
  wait?: ErrorMessage;
}

/**
 * The message for a failed command. An insurer's refusal also carries the
 * insurer's own text as `message`, for the one message that shows it
 * (`password_policy`: the text names the rule the password breaks).
 */
export function errorMessage(error: CommandError): ErrorMessage {
  const field = error.field ?? "";
  const validation = error.code === "validation" || (error.code === "insurer" && error.api_code === "validation");
  const fieldKey = VALIDATION_FIELD_KEYS[field];
  if (validation && fieldKey) return { key: fieldKey, values: { code: "validation" } };
  if (error.code === "insurer") {
    // The password asked for again (a new notification address): only it can be wrong.
    if (error.api_code === "invalid_credentials" && field === "current_password") {
      return { key: "error.current_password_wrong", values: { code: error.api_code } };
    }
    const wait = retryWait(error);
    if (wait) return { key: "error.rate_limited_wait", values: { code: "rate_limited" }, wait };
    return insurerMessage(error.api_code ?? "unknown", error.message);
  }
  if (error.code === "offline") return offlineMessage(error) ?? { key: "error.offline", values: {} };
  const wait = error.wait_secs ?? 0;
  if (error.code === "passphrase_mismatch" && wait > 0) {
    return { key: "error.passphrase_mismatch_wait", values: {}, wait: waitMessage(wait) };
  }
  if (error.code === "passphrase_wait") {
    return { key: "error.passphrase_wait", values: {}, wait: waitMessage(wait) };
  }
  return { key: COMMAND_ERROR_KEYS[error.code], values: { code: error.code } };
}

/** A wait in whole seconds below a minute, else in minutes rounded up. */
export function waitMessage(seconds: number): ErrorMessage {
  const whole = Math.max(1, Math.ceil(seconds));
  return whole < 60
    ? { key: "wait.seconds", values: { n: String(whole) } }
    : { key: "wait.minutes", values: { n: String(Math.ceil(whole / 60)) } };
}

/** How long the insurer asks to wait (`rate_limited` with `retry_after`), if it says. */
export function retryWait(error: CommandError): ErrorMessage | null {
  const seconds = error.code === "insurer" && error.api_code === "rate_limited" ? (error.retry_after ?? 0) : 0;
  return seconds > 0 ? waitMessage(seconds) : null;
}

/** The message for an insurer's code (a refusal, or a record it would not take). */
export function insurerMessage(api: string, message = ""): ErrorMessage {
  return { key: INSURER_ERROR_KEYS[api] ?? "error.insurer", values: { code: api, message } };
}

/** Why the insurer could not be reached, when the error is that and says why. */
export function offlineMessage(error: CommandError): ErrorMessage | undefined {
  const reason = error.code === "offline" ? error.offline : null;
  return reason ? { key: OFFLINE_KEYS[reason], values: {} } : undefined;
}

/** Whether the insurer wants the initial password changed first. */
export function needsPasswordChange(error: CommandError): boolean {
  return error.code === "insurer" && error.api_code === "password_change_required";
}

/** Whether the session is over (the member must log in again to reach the insurer). */
export function sessionOver(error: CommandError): boolean {
  return error.code === "logged_out" || (error.code === "insurer" && error.api_code === "unauthorized");
}

/** Whether this PC's copy of the member's data cannot be opened with the key it has (or lost). */
export function localKeyProblem(error: CommandError): boolean {
  return (
    error.code === "local_key_lost" ||
    error.code === "local_wrong_key" ||
    error.code === "local_key_in_keychain" ||
    error.code === "wrapped_key_damaged"
  );
}

/** Whether a profile's copy waits for its passphrase: which step, if so. */
export function passphraseStep(error: CommandError): "choose" | "enter" | null {
  if (error.code === "passphrase_required") return "enter";
  if (error.code === "passphrase_not_set") return "choose";
  return null;
}
