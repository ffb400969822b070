import { describe, expect, it } from "vitest";
import en from "../locales/en.json";
import ja from "../locales/ja.json";
import type { OfflineReason } from "../bindings";
import { COMMAND_ERROR_KEYS, errorMessage, INSURER_ERROR_KEYS, OFFLINE_KEYS, retryWait, VALIDATION_FIELD_KEYS } from "./errors";

const error = (
  code: keyof typeof COMMAND_ERROR_KEYS,
  api_code: string | null = null,
  message = "the text",
  offline: OfflineReason | null = null,
) => ({ code, message, api_code, field: null, offline });

describe("errorMessage", () => {
  it("has a message in both languages for every command code and insurer code", () => {
    const keys = [COMMAND_ERROR_KEYS, INSURER_ERROR_KEYS, OFFLINE_KEYS, VALIDATION_FIELD_KEYS].flatMap((table) =>
      Object.values(table),
    );
    for (const key of keys) {
      expect(ja, key).toHaveProperty([key]);
      expect(en, key).toHaveProperty([key]);
    }
  });

  it("chooses by the insurer's code when the insurer refused", () => {
    expect(errorMessage(error("insurer", "invalid_credentials")).key).toBe("error.invalid_credentials");
    expect(ja["error.invalid_credentials"]).toBe("ログインIDまたはパスワードが違います");
    expect(errorMessage(error("insurer", "rate_limited")).key).toBe("error.rate_limited");
  });

  it("names an insurer code it does not know", () => {
    expect(errorMessage(error("insurer", "brand_new")).values.code).toBe("brand_new");
    expect(errorMessage(error("insurer", "brand_new")).key).toBe("error.insurer");
    expect(errorMessage(error("insurer")).values.code).toBe("unknown");
  });

  it("shows the insurer's text where the message names it: the password rule", () => {
    // The core passes the insurer's message on as it is (no code in front).
    const refusal = error("insurer", "password_policy", "the password is too common (common_password)");
    expect(errorMessage(refusal)).toEqual({
      key: "error.password_policy",
      values: { code: "password_policy", message: "the password is too common (common_password)" },
    });
    expect(ja["error.password_policy"]).toContain("{message}");
  });

  it("says why the insurer could not be reached, by the reason's code", () => {
    expect(errorMessage(error("offline", null, "tcp connect error", "no_connection")).key).toBe("offline.no_connection");
    expect(ja["offline.no_connection"]).toBe("保険者に接続できません（ネットワークをご確認ください）");
    expect(errorMessage(error("offline", null, "operation timed out", "timeout")).key).toBe("offline.timeout");
    expect(ja["offline.timeout"]).toBe("保険者からの応答がありません");
    expect(errorMessage(error("offline")).key, "no reason given: the general message").toBe("error.offline");
  });

  it("has its own message for an address that is wrong or not https, and a lost key", () => {
    expect(errorMessage(error("insecure_server")).key).toBe("error.insecure_server");
    expect(ja["error.insecure_server"]).toBe("この保険者のアドレスは安全な接続（https://）ではないため使えません。");
    expect(ja[errorMessage(error("server_address")).key as keyof typeof ja]).toBe("保険者のアドレスが正しくありません。");
    expect(ja[errorMessage(error("local_key_lost")).key as keyof typeof ja]).toBe(
      "このパソコンに保存されたデータの鍵が見つからないため、データを開けません。",
    );
  });

  it("chooses by the command code otherwise", () => {
    expect(errorMessage(error("pin_mismatch")).key).toBe("error.pin_mismatch");
    expect(errorMessage(error("pin_attempts_exceeded")).key).toBe("error.pin_attempts_exceeded");
    expect(errorMessage(error("demo_failed")).key).toBe("error.demo_failed");
  });

  it("says why a reminder schedule or starting at login was refused", () => {
    expect(errorMessage(error("reminder_empty_quiet")).key).toBe("error.reminder_empty_quiet");
    expect(errorMessage(error("reminder_too_many_times")).key).toBe("error.reminder_too_many_times");
    expect(ja["error.reminder_too_many_times"]).toBe("通知する時刻は1日6つまでです。");
    expect(errorMessage(error("autostart_failed")).key).toBe("error.autostart_failed");
  });

  it("says why an exchange was refused, by the core's code or the insurer's", () => {
    expect(errorMessage(error("insufficient_points")).key).toBe("error.insufficient_points");
    expect(errorMessage(error("insurer", "insufficient_points")).key).toBe("error.insufficient_points");
    expect(errorMessage(error("out_of_stock")).key).toBe("error.out_of_stock");
    expect(errorMessage(error("insurer", "out_of_stock")).key).toBe("error.out_of_stock");
    expect(errorMessage(error("unknown_item")).key).toBe("error.unknown_item");
    expect(errorMessage(error("exchange_not_prepared")).key).toBe("error.exchange_not_prepared");
    expect(errorMessage(error("exchange_unsettled")).key).toBe("error.exchange_unsettled");
    expect(errorMessage(error("insurer", "invalid_address")).key).toBe("error.invalid_address");
    expect(errorMessage(error("insurer", "not_found")).key).toBe("error.not_found");
    expect(errorMessage(error("insurer", "not_cancellable")).key).toBe("error.not_cancellable");
    expect(ja["error.not_cancellable"]).toBe("発送済みのためキャンセルできません");
  });

  it("says a report of this fiscal year is in already", () => {
    expect(errorMessage(error("insurer", "already_reported")).key).toBe("error.already_reported");
    expect(ja["error.already_reported"]).toBe("今年度はすでに報告済みです");
  });

  it("says the password asked again is wrong, not the login ID", () => {
    const wrong = { ...error("insurer", "invalid_credentials"), field: "current_password" };
    expect(errorMessage(wrong).key).toBe("error.current_password_wrong");
    expect(ja["error.current_password_wrong"]).toBe("パスワードが違います");
    expect(errorMessage(error("insurer", "invalid_credentials")).key, "at a login").toBe("error.invalid_credentials");
    expect(errorMessage({ ...error("insurer", "invalid_email"), field: "contact_email" }).key).toBe("error.invalid_email");
  });

  it("says how long the insurer asks to wait: minutes rounded up, seconds below a minute", () => {
    const limited = (retry_after: number | null) => ({ ...error("insurer", "rate_limited"), retry_after });
    expect(retryWait(limited(600))).toEqual({ key: "wait.minutes", values: { n: "10" } });
    expect(retryWait(limited(61))).toEqual({ key: "wait.minutes", values: { n: "2" } });
    expect(retryWait(limited(59))).toEqual({ key: "wait.seconds", values: { n: "59" } });
    expect(retryWait(limited(null))).toBeNull();
    expect(retryWait({ ...error("offline"), retry_after: 30 }), "only the insurer's rate limit").toBeNull();
    expect(errorMessage(limited(120))).toMatchObject({ key: "error.rate_limited_wait", wait: { key: "wait.minutes", values: { n: "2" } } });
    expect(errorMessage(limited(null)).key, "no figure: the general message").toBe("error.rate_limited");
    expect(ja["error.rate_limited_wait"]).toContain("{wait}");
  });

  it("says what a field takes when the core or the insurer finds it invalid", () => {
    const invalid = (field: string, code: "validation" | "insurer" = "validation") => ({
      ...error(code, code === "insurer" ? "validation" : null),
      field,
    });
    expect(errorMessage(invalid("date")).key).toBe("error.validation.date");
    expect(errorMessage(invalid("clinic")).key).toBe("error.validation.clinic");
    expect(errorMessage(invalid("nickname", "insurer")).key).toBe("error.validation.nickname");
    expect(errorMessage(invalid("contact_email", "insurer")).key).toBe("error.validation.contact_email");
    expect(errorMessage(invalid("body", "insurer")).key).toBe("error.validation.body");
    expect(errorMessage(invalid("value")).key, "another field: the general message").toBe("error.validation");
    expect(ja["error.validation.clinic"]).toContain("100文字");
  });
});
