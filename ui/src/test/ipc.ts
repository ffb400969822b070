// Test helpers: answer the core's commands from a table, keep every call,
// and build the core's answers.
import { mockIPC } from "@tauri-apps/api/mocks";
import type {
  CommandErrorCode,
  DayView_Serialize,
  Profile_Serialize,
  ProfilesView_Serialize,
  SyncStatus_Serialize,
} from "../bindings";

export type Args = Record<string, unknown>;
export type Handler = (args: Args) => unknown;

export interface Calls {
  all: { cmd: string; args: Args }[];
  /** The arguments of each call of `cmd`, in order. */
  of(cmd: string): Args[];
}

/**
 * Answers the commands in `handlers`; any other command fails the test.
 * Events work too: what a test `emit`s reaches the app's `listen`ers.
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
export function fail(code: CommandErrorCode, extra: { api_code?: string | null; field?: string | null } = {}): never {
  throw { code, message: "a message the UI never matches on", api_code: null, field: null, ...extra };
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
    ...change,
  };
}

export function dayView(date: string, change: Partial<DayView_Serialize> = {}): DayView_Serialize {
  return { date, earns: true, steps: null, weight_kg: null, goals: [], pending: false, ...change };
}

export function syncStatus(state: SyncStatus_Serialize["state"], change: Partial<SyncStatus_Serialize> = {}): SyncStatus_Serialize {
  return { state, pending: 0, last_sync: null, ...change } as SyncStatus_Serialize;
}
