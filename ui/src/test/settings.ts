// Hanako's account as the insurer answers it to 設定 (this PC's session
// and one on her phone), this app's About, and the commands 設定 asks at
// once, answered so, for the tests that show the whole screen.
import type { About_Serialize, AccountView_Serialize } from "../bindings";
import { hanako, type Handler, profilesView } from "./ipc";

export function accountView(change: Partial<AccountView_Serialize["account"]> = {}): AccountView_Serialize {
  return {
    account: {
      member_id: 1,
      login_id: hanako.login_id,
      nickname: "はなこ",
      notification_email: "hanako@example.jp",
      kind: "insured",
      ...change,
    },
    sessions: [
      {
        id: 7,
        created_at: "2026-12-01T00:00:00Z",
        last_used_at: "2026-12-03T05:05:00Z",
        user_agent: "kenpo-desk/0.1.0 (Linux)",
        current: true,
      },
      { id: 5, created_at: "2026-11-20T01:30:00Z", last_used_at: "2026-11-28T12:00:00Z", current: false },
    ],
  };
}

export const about: About_Serialize = {
  version: "0.1.0",
  insurer: { name: "けんぽ健康保険組合", insurer_number: "06273494", server: hanako.server },
  licences: [
    { name: "serde", version: "1.0.219", license: "MIT OR Apache-2.0", repository: "https://github.com/serde-rs/serde", source: "crates.io" },
    { name: "svelte", version: "5.57.3", license: "MIT", repository: null, source: "npm" },
  ],
};

/** What the account, profiles and About sections of 設定 ask when they show. */
export const settingsHandlers: Record<string, Handler> = {
  account_get: () => accountView(),
  profiles_get: () => profilesView({ active: hanako, has_pin: false }),
  about_get: () => about,
};
