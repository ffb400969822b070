// Test helpers: answer the core's commands from a table, keep every call,
// build the core's answers, and stand in for the app where session errors
// lead.
import { mockIPC } from "@tauri-apps/api/mocks";
import { onTestFinished, vi } from "vitest";
import type {
  CommandErrorCode,
  DayView_Serialize,
  OfflineReason,
  Profile_Serialize,
  ProfilesView_Serialize,
  SyncStatus_Serialize,
} from "../bindings";
import { routeSessionErrors, type SessionRoutes } from "../lib/call";

export type Args = Record<string, unknown>;
export type Handler = (args: Args) => unknown;

export interface Calls {
  all: { cmd: string; args: Args }[];
  /** The arguments of each call of `cmd`, in order. */
  of(cmd: string): Args[];
}

/**
 * Answers the commands in `handlers`; any other command fails the test.
 * Events work too (`shouldMockEvents`: the mock answers the event plugin's
 * `listen`, `unlisten` and `emit` itself, so they are not in `Calls`): what
 * a test emits (`events.recordsChanged.emit()` of bindings.ts, or `emit`
 * of @tauri-apps/api/event) reaches the app's listeners, and a listener
 * that was removed hears nothing.
 */
export function mockCommands(handlers: Record<string, Handler>): Calls {
  const all: { cmd: string; args: Args }[] = [];
  mockIPC(
    (cmd, args) => {
      all.push({ cmd, args: (args ?? {}) as Args });
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler((args ?? {}) as Args);
    },
    { shouldMockEvents: true },
  );
  return { all, of: (cmd) => all.filter((call) => call.cmd === cmd).map((call) => call.args) };
}

/** Throws a command error, as the core does (`api_code` may be one newer than the UI). */
export function fail(
  code: CommandErrorCode,
  extra: {
    api_code?: string | null;
    field?: string | null;
    offline?: OfflineReason | null;
    wait_secs?: number | null;
    retry_after?: number | null;
  } = {},
): never {
  throw {
    code,
    message: "a message the UI never matches on",
    api_code: null,
    field: null,
    offline: null,
    wait_secs: null,
    retry_after: null,
    ...extra,
  };
}

/** Stands in for the app where session errors lead (lib/call.ts), for this test. */
export function fakeRoutes(loggedOut = false) {
  const routes = {
    locked: vi.fn<() => void>(),
    noProfile: vi.fn<() => void>(),
    passwordChangeDue: vi.fn<() => void>(),
    loggedOut: vi.fn(() => loggedOut),
  } satisfies SessionRoutes;
  onTestFinished(routeSessionErrors(routes));
  return routes;
}

/** A promise the test resolves when it chooses. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export const hanako: Profile_Serialize = {
  id: "m1-0000000000000001",
  server: "http://127.0.0.1:8787",
  insurer_name: "けんぽ健康保険組合",
  login_id: "hanako@example.jp",
  nickname: "はなこ",
  password_change_required: false,
};

/** Hanako's PC, with no one logged in (and so no PIN) unless `change` says otherwise. */
export function profilesView(change: Partial<ProfilesView_Serialize> = {}): ProfilesView_Serialize {
  return {
    profiles: [hanako],
    last: hanako.id,
    active: null,
    locked: false,
    has_pin: false,
    keychain_error: null,
    passphrase_policy: {
      min_length: 12,
      max_length: 128,
      characters: "any_printable",
      reject_common: true,
      reject_login_id: true,
    },
    ...change,
  };
}

export function dayView(date: string, change: Partial<DayView_Serialize> = {}): DayView_Serialize {
  return { date, earns: true, steps: null, weight_kg: null, goals: [], pending: false, refused: [], ...change };
}

export function syncStatus(state: SyncStatus_Serialize["state"], change: Partial<SyncStatus_Serialize> = {}): SyncStatus_Serialize {
  return { state, running: false, pending: 0, refused: 0, skipped: 0, last_sync: null, ...change } as SyncStatus_Serialize;
}
