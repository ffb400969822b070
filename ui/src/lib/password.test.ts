import { describe, expect, it } from "vitest";
import type { PasswordPolicy } from "../bindings";
import { breaksPolicy, passwordLength, passwordRules } from "./password";

const ours: PasswordPolicy = {
  min_length: 12,
  max_length: 128,
  characters: "any_printable",
  reject_common: true,
  reject_login_id: true,
};
/** The leaflet's rule: 8+ half-width lower-case letters and digits, both present. */
const leaflet: PasswordPolicy = { ...ours, min_length: 8, characters: "lowercase_and_digits", reject_common: false };

const met = (password: string, policy: PasswordPolicy, loginId = "") =>
  Object.fromEntries(passwordRules(password, policy, loginId).map((rule) => [rule.id, rule.met]));

describe("passwordRules", () => {
  it("counts characters as the insurer does, not UTF-16 units", () => {
    expect(passwordLength("𠮷野家")).toBe(3);
    expect(met("𠮷".repeat(12), ours).length).toBe(true);
  });

  it("checks the length within min and max", () => {
    expect(met("kenpo12345", ours).length).toBe(false);
    expect(met("kenpo1234567", ours).length).toBe(true);
    expect(met("a".repeat(129), ours).length).toBe(false);
  });

  it("checks the leaflet's characters: lower-case letters and digits, both", () => {
    expect(met("kenpo12345", leaflet)).toEqual({ length: true, characters: true, login_id: true });
    expect(met("kenpokenpo", leaflet).characters).toBe(false);
    expect(met("1234512345", leaflet).characters).toBe(false);
    expect(met("Kenpo12345", leaflet).characters).toBe(false);
    expect(breaksPolicy("kenpo12345", leaflet)).toBe(false);
    expect(breaksPolicy("Kenpo12345", leaflet)).toBe(true);
  });

  it("refuses the login ID and its local part, in any case", () => {
    expect(met("my-TARO-password", ours, "taro@example.jp").login_id).toBe(false);
    expect(met("my-hanako-password", ours, "taro@example.jp").login_id).toBe(true);
  });

  it("leaves the common-password list to the insurer", () => {
    expect(met("password1234", ours).common).toBeNull();
    expect(breaksPolicy("password1234", ours)).toBe(false);
  });
});
