// The day's login point (ログインポイント), asked for once a day while the
// member's screens are open. Only the chosen tab is mounted, so the Today
// screen comes and goes; the answer stays here, in the member area.
import { getContext, setContext } from "svelte";
import { commands, type CheckInResponse } from "../bindings";
import { call } from "./call";
import { errorMessage, offlineMessage, sessionOver, type ErrorMessage } from "./errors";
import { todayJst } from "./jst";

export class CheckIn {
  answer: CheckInResponse | null = $state(null);
  failure: ErrorMessage | null = $state(null);
  busy = $state(false);
  /** The JST day asked for last. */
  private askedOn: string | null = null;

  /** Asks unless today's point was asked for already (the screen opens again). */
  once(): void {
    if (this.askedOn !== todayJst()) void this.ask();
  }

  async ask(): Promise<void> {
    this.askedOn = todayJst();
    this.busy = true;
    this.failure = null;
    const result = await call(commands.checkIn());
    this.busy = false;
    if (result.status === "ok") {
      this.answer = result.data;
    } else if (result.status === "error") {
      const error = result.error;
      if (error.code === "offline") this.failure = { key: "checkin.offline", values: {}, detail: offlineMessage(error) };
      else if (sessionOver(error)) this.failure = { key: "checkin.logged_out", values: {} };
      else this.failure = errorMessage(error);
    }
  }
}

const KEY = Symbol("check-in");

/** The member area's check-in, for the screens inside it. */
export function provideCheckIn(): CheckIn {
  return setContext(KEY, new CheckIn());
}

/** The member area's check-in; a screen shown on its own (a test) has one of its own. */
export function checkInHere(): CheckIn {
  return getContext<CheckIn | undefined>(KEY) ?? new CheckIn();
}
