// The insurer's password policy as live feedback while the member types.
// Only what can be checked here is shown as met or not (length, which
// characters, the login ID); the insurer has the final word and names any
// other rule in its `password_policy` refusal.
import type { PasswordPolicy } from "../bindings";

export interface PasswordRule {
  /** Also the end of the rule's data-testid. */
  id: "length" | "characters" | "login_id" | "common";
  key: string;
  values: Record<string, string | number>;
  /** `null` for a rule only the insurer can check. */
  met: boolean | null;
}

/** Length as the insurer counts it: Unicode scalar values, not UTF-16 units. */
export function passwordLength(password: string): number {
  return [...password].length;
}

function lowercaseAndDigits(password: string): boolean {
  return /^[a-z0-9]+$/.test(password) && /[a-z]/.test(password) && /[0-9]/.test(password);
}

/** The parts of a login ID a password may not contain: the ID and an e-mail's local part. */
function loginIdFragments(loginId: string): string[] {
  const id = loginId.trim().normalize("NFKC").toLowerCase();
  if (id === "") return [];
  const at = id.indexOf("@");
  return at > 0 ? [id, id.slice(0, at)] : [id];
}

/** The rules of `policy`, each with whether `password` meets it. */
export function passwordRules(password: string, policy: PasswordPolicy, loginId = ""): PasswordRule[] {
  const length = passwordLength(password);
  const rules: PasswordRule[] = [
    {
      id: "length",
      key: "password.rule.length",
      values: { min: policy.min_length, max: policy.max_length },
      met: length >= policy.min_length && length <= policy.max_length,
    },
  ];
  if (policy.characters === "lowercase_and_digits") {
    rules.push({ id: "characters", key: "password.rule.lowercase_and_digits", values: {}, met: lowercaseAndDigits(password) });
  }
  if (policy.reject_login_id) {
    const fragments = loginIdFragments(loginId);
    const lower = password.toLowerCase();
    rules.push({
      id: "login_id",
      key: "password.rule.login_id",
      values: {},
      met: password !== "" && !fragments.some((fragment) => lower.includes(fragment)),
    });
  }
  if (policy.reject_common) rules.push({ id: "common", key: "password.rule.common", values: {}, met: null });
  return rules;
}

/** Whether `password` breaks a rule that can be checked here. */
export function breaksPolicy(password: string, policy: PasswordPolicy, loginId = ""): boolean {
  return passwordRules(password, policy, loginId).some((rule) => rule.met === false);
}
