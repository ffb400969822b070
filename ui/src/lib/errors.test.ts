import { describe, expect, it } from "vitest";
import en from "../locales/en.json";
import ja from "../locales/ja.json";
import { COMMAND_ERROR_KEYS, errorMessage, INSURER_ERROR_KEYS } from "./errors";

const error = (code: keyof typeof COMMAND_ERROR_KEYS, api_code: string | null = null, message = "the text") => ({
  code,
  message,
  api_code,
  field: null,
});

describe("errorMessage", () => {
  it("has a message in both languages for every command code and insurer code", () => {
    for (const key of [...Object.values(COMMAND_ERROR_KEYS), ...Object.values(INSURER_ERROR_KEYS)]) {
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
    const refusal = error("insurer", "password_policy", "password_policy: the password is too common (common_password)");
    expect(errorMessage(refusal)).toEqual({
      key: "error.password_policy",
      values: { code: "password_policy", message: "the password is too common (common_password)" },
    });
    expect(ja["error.password_policy"]).toContain("{message}");
  });

  it("chooses by the command code otherwise", () => {
    expect(errorMessage(error("offline")).key).toBe("error.offline");
    expect(errorMessage(error("pin_mismatch")).key).toBe("error.pin_mismatch");
    expect(errorMessage(error("pin_attempts_exceeded")).key).toBe("error.pin_attempts_exceeded");
    expect(errorMessage(error("demo_failed")).key).toBe("error.demo_failed");
  });
});
