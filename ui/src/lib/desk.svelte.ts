// Which screen the app shows, from what the core says about this PC: the
// start screen (no member), the password-change form, the lock screen,
// or the member's screens. App.svelte owns one and makes it the place
// where session errors lead (lib/call.ts); screens report what they learn
// (a login, a lock, an ended session) through its methods.
import {
  commands,
  type CommandError_Serialize,
  type LoggedIn_Serialize,
  type Profile_Serialize,
  type ProfilesView_Serialize,
} from "../bindings";
import type { SessionRoutes } from "./call";
import { sync } from "./sync.svelte";

/** The insurer server the login form starts with. */
export const DEFAULT_SERVER = "http://127.0.0.1:8787";

export type Screen = "loading" | "start" | "password_change" | "locked" | "member";

/**
 * A login to fill in: a profile whose session ended, or an account just
 * registered or whose password was just reset. `reason` says which: the
 * session expired, five wrong PINs ended it, the member registered, or
 * reset the password (the login ID may then be unknown: "").
 */
export interface Relogin {
  server: string;
  login_id: string;
  reason: "expired" | "pin_attempts_exceeded" | "registered" | "password_reset";
}

export class DeskState implements SessionRoutes {
  view: ProfilesView_Serialize | null = $state(null);
  loadError: CommandError_Serialize | null = $state(null);
  /**
   * The insurer said just now (a login's answer, a command's refusal) that
   * the initial password must be changed. The core keeps it in the profile
   * too (`password_change_required`), so that it holds across a restart.
   */
  passwordChangeDueNow = $state(false);
  relogin: Relogin | null = $state(null);
  /** Why the last logout may not have gone through. */
  logoutError: CommandError_Serialize | null = $state(null);

  /** Whether the initial password must be changed before anything else. */
  passwordChangeRequired: boolean = $derived(
    this.passwordChangeDueNow || (this.view?.active?.password_change_required ?? false),
  );

  screen: Screen = $derived.by(() => {
    if (!this.view) return this.loadError ? "start" : "loading";
    if (!this.view.active) return "start";
    if (this.view.locked) return "locked";
    return this.passwordChangeRequired ? "password_change" : "member";
  });

  /** The member whose screens are shown. */
  active: Profile_Serialize | null = $derived(this.view?.active ?? null);
  /** Whether the active member has an app-lock PIN (「ロック」 needs one). */
  hasPin: boolean = $derived(this.view?.has_pin ?? false);

  async refresh(): Promise<void> {
    const result = await commands.profilesGet();
    if (result.status === "ok") {
      this.view = result.data;
      this.loadError = null;
    } else {
      this.view = null;
      this.loadError = result.error;
    }
  }

  async loggedIn(answer: LoggedIn_Serialize): Promise<void> {
    this.passwordChangeDueNow = answer.password_change_required;
    this.relogin = null;
    this.logoutError = null;
    await this.refresh();
  }

  /** A profile was opened with its session still valid. */
  async opened(): Promise<void> {
    this.passwordChangeDueNow = false;
    this.relogin = null;
    this.logoutError = null;
    await this.refresh();
  }

  /** A command answered `locked`, or the member locked the app. */
  locked(): void {
    if (this.view) this.view = { ...this.view, locked: true };
  }

  async unlocked(): Promise<void> {
    await this.refresh();
  }

  /**
   * Five wrong PINs: the core has ended the session. The start screen
   * comes back with the login form filled in for that member.
   */
  async pinAttemptsExceeded(): Promise<void> {
    const profile = this.active;
    this.passwordChangeDueNow = false;
    this.logoutError = null;
    if (profile) {
      this.relogin = { server: profile.server, login_id: profile.login_id, reason: "pin_attempts_exceeded" };
    }
    await this.refresh();
  }

  /** The PIN was set or removed: ask the core whether there is one now. */
  async pinChanged(): Promise<void> {
    await this.refresh();
  }

  async logout(): Promise<void> {
    const result = await commands.sessionLogout();
    this.logoutError = result.status === "error" ? result.error : null;
    this.passwordChangeDueNow = false;
    await this.refresh();
  }

  /** The session ended (or the insurer wants the password changed): log in again. */
  async loginAgain(): Promise<void> {
    const profile = this.active;
    await this.logout();
    if (profile) this.relogin = { server: profile.server, login_id: profile.login_id, reason: "expired" };
  }

  /** A command answered `no_profile`: no member is active any more. */
  noProfile(): void {
    void this.refresh();
  }

  /**
   * A command answered that the session is over. The member's screens stay
   * (their data is on this PC) and the sync indicator offers the login; the
   * password-change form cannot do anything without a session, so it gives
   * way to the login form.
   */
  loggedOut(): boolean {
    if (this.screen === "password_change") {
      void this.loginAgain();
      return true;
    }
    sync.sessionEnded();
    return false;
  }

  /** The insurer says the initial password must be changed first. */
  passwordChangeDue(): void {
    this.passwordChangeDueNow = true;
  }

  /** The initial password was changed: the member's screens open. */
  async passwordChanged(): Promise<void> {
    this.passwordChangeDueNow = false;
    await this.refresh();
  }
}

/**
 * The id of the profile this PC keeps for `login_id` at `server`, if any
 * (e.g. the one whose copy a failed login could not open).
 */
export async function profileIdFor(server: string, login_id: string): Promise<string | null> {
  // Not finding it only means no way out is offered: the error still shows.
  const result = await commands.profilesGet().catch(() => null);
  if (result?.status !== "ok") return null;
  const bare = (address: string) => address.trim().replace(/\/+$/, "");
  const found = result.data.profiles.find((p) => bare(p.server) === bare(server) && p.login_id === login_id);
  return found?.id ?? null;
}

/**
 * The insurer the start screen's help asks, logged out: the login form's
 * address once it is not the default (typed, filled in for a relogin, the
 * demo insurer's), else the last profile's; "" when none is known.
 */
export function helpServerFor(typed: string, view: ProfilesView_Serialize | null): string {
  const address = typed.trim();
  if (address !== "" && address !== DEFAULT_SERVER) return address;
  const last = view?.profiles.find((p) => p.id === view.last) ?? view?.profiles[0];
  return last?.server ?? address;
}
