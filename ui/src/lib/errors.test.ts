import { describe, expect, it } from "vitest";
import en from "../locales/en.json";
import ja from "../locales/ja.json";
import type { OfflineReason } from "../bindings";
import { COMMAND_ERROR_KEYS, errorMessage, INSURER_ERROR_KEYS, OFFLINE_KEYS } from "./errors";

const error = (
  code: keyof typeof COMMAND_ERROR_KEYS,
  api_code: string | null = null,
  message = "the text",
  offline: OfflineReason | null = null,
) => ({ code, message, api_code, field: null, offline });

describe("errorMessage", () => {
  it("has a message in both languages for every command code and insurer code", () => {
    const keys = [COMMAND_ERROR_KEYS, INSURER_ERROR_KEYS, OFFLINE_KEYS].flatMap((table) => Object.values(table));
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
});
