// Which screen the app shows, from what the core says about this PC: the
// start screen (no member), the password-change form, the lock screen,
// or the member's screens. App.svelte owns one; screens report what they
// learn (a login, a lock, an ended session) through its methods.
import {
  commands,
  type CommandError_Serialize,
  type LoggedIn_Serialize,
  type Profile_Serialize,
  type ProfilesView_Serialize,
} from "../bindings";

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

export class DeskState {
  view: ProfilesView_Serialize | null = $state(null);
  loadError: CommandError_Serialize | null = $state(null);
  passwordChangeRequired = $state(false);
  relogin: Relogin | null = $state(null);
  /** Why the last logout may not have gone through. */
  logoutError: CommandError_Serialize | null = $state(null);

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
    this.passwordChangeRequired = answer.password_change_required;
    this.relogin = null;
    this.logoutError = null;
    await this.refresh();
  }

  /** A profile was opened with its session still valid. */
  async opened(): Promise<void> {
    this.passwordChangeRequired = false;
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
    this.passwordChangeRequired = false;
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
    this.passwordChangeRequired = false;
    await this.refresh();
  }

  /** The session ended (or the insurer wants the password changed): log in again. */
  async loginAgain(): Promise<void> {
    const profile = this.active;
    await this.logout();
    if (profile) this.relogin = { server: profile.server, login_id: profile.login_id, reason: "expired" };
  }

  /** Commands say the password must be changed (e.g. after a restart). */
  passwordChangeDue(): void {
    this.passwordChangeRequired = true;
  }

  /** The initial password was changed: the member's screens open. */
  async passwordChanged(): Promise<void> {
    this.passwordChangeRequired = false;
    await this.refresh();
  }
}

/** What the member's screens report to the app. */
export interface MemberEvents {
  /** The app was locked (by the member, or a command answered `locked`). */
  locked(): void;
  /** The session is over: go to the login form, filled in for this member. */
  loginAgain(): Promise<void>;
  /** No member is active any more: show what the core says now. */
  refresh(): Promise<void>;
  /** The insurer wants the initial password changed before anything else. */
  passwordChangeDue(): void;
  /** The app-lock PIN was set or removed. */
  pinChanged(): Promise<void>;
}

/**
 * Reacts to the errors that change the whole app rather than one field.
 * `true` when the error was taken care of that way.
 */
export function handleSessionError(error: CommandError_Serialize, events: MemberEvents): boolean {
  switch (error.code) {
    case "locked":
      events.locked();
      return true;
    case "no_profile":
      void events.refresh();
      return true;
    case "insurer":
      if (error.api_code !== "password_change_required") return false;
      events.passwordChangeDue();
      return true;
    default:
      return false;
  }
}
