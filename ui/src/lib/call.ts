// The one place where the errors that change the whole app, rather than
// one field, are handled: every command of the member's screens goes
// through `call`. The app (DeskState) registers where each such error
// leads; a screen only shows what is left, its own errors.
import type { CommandError_Serialize } from "../bindings";
import { needsPasswordChange, sessionOver } from "./errors";

/** What a command of bindings.ts answers. */
export type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: CommandError_Serialize };

/**
 * What `call` answers: the command's answer, or `routed` when the app has
 * taken care of the error (the screen then shows nothing for it).
 */
export type Called<T> = Answer<T> | { status: "routed"; error: CommandError_Serialize };

/** Where the errors that change the whole app lead. */
export interface SessionRoutes {
  /** `locked`: the lock screen. */
  locked(): void;
  /** `no_profile`: no member is active any more; show what the core says now. */
  noProfile(): void;
  /** The insurer's `password_change_required`: the password-change form. */
  passwordChangeDue(): void;
  /**
   * `logged_out`: `true` when the member was taken to the login form; `false`
   * when the member's screens stay (the sync indicator offers the login)
   * and the screen may say what it could not do.
   */
  loggedOut(): boolean;
}

let routes: SessionRoutes | null = null;

/** Makes `to` the place session errors lead, until the returned function is called. */
export function routeSessionErrors(to: SessionRoutes): () => void {
  routes = to;
  return () => {
    if (routes === to) routes = null;
  };
}

/** Sends a session error where it leads; `true` when it was one. */
function route(error: CommandError_Serialize): boolean {
  if (!routes) return false;
  if (error.code === "locked") routes.locked();
  else if (error.code === "no_profile") routes.noProfile();
  else if (needsPasswordChange(error)) routes.passwordChangeDue();
  else if (sessionOver(error)) return routes.loggedOut();
  else return false;
  return true;
}

/** Awaits a command (`call(commands.dayGet(date))`) and routes its session errors. */
export async function call<T>(command: Promise<Answer<T>>): Promise<Called<T>> {
  const answer = await command;
  if (answer.status === "error" && route(answer.error)) return { status: "routed", error: answer.error };
  return answer;
}
