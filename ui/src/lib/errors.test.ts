import { describe, expect, it } from "vitest";
import en from "../locales/en.json";
import ja from "../locales/ja.json";
import { COMMAND_ERROR_KEYS, errorMessage, INSURER_ERROR_KEYS } from "./errors";

const error = (code: keyof typeof COMMAND_ERROR_KEYS, api_code: string | null = null) => ({
  code,
  message: "never shown",
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
    expect(errorMessage(error("insurer", "brand_new"))).toEqual({ key: "error.insurer", values: { code: "brand_new" } });
    expect(errorMessage(error("insurer"))).toEqual({ key: "error.insurer", values: { code: "unknown" } });
  });

  it("chooses by the command code otherwise", () => {
    expect(errorMessage(error("offline")).key).toBe("error.offline");
    expect(errorMessage(error("pin_mismatch")).key).toBe("error.pin_mismatch");
  });
});
