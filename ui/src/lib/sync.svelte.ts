// Where the member's data stands with the insurer, as the core tells it.
// The core syncs on its own (at start, soon after a save, every few
// minutes, when the network comes back) and says so with `sync://status`;
// this module only listens, and asks for a sync when the member presses
// 「今すぐ同期」. No screen runs a timer for it.
import { commands, events, type CommandError_Serialize, type SyncStatus_Serialize } from "../bindings";
import { call } from "./call";
import { sessionOver } from "./errors";
import { listenWhile } from "./listen";

class SyncState {
  /** The core's last word; `null` until it has said anything. */
  status: SyncStatus_Serialize | null = $state(null);
  /** 「今すぐ同期」 could not start (not the sync's outcome: that is `status`). */
  error: CommandError_Serialize | null = $state(null);
  /** 「今すぐ同期」 was pressed and the core has not answered yet. */
  asking = $state(false);
  /** Counts the follows, so that an answer to an earlier one is dropped. */
  private follows = 0;
  /** Something newer than the core's last word was heard since the follow began. */
  private heard = false;

  /**
   * Follows the core's `sync://status` from now on, starting from the state
   * it last told (the member area opens: `onMount(() => sync.follow())`).
   */
  follow(): () => void {
    const followed = ++this.follows;
    this.status = null;
    this.error = null;
    this.asking = false;
    this.heard = false;
    const stop = listenWhile(
      events.syncStatus.listen((event) => {
        this.heard = true;
        this.status = event.payload;
        this.error = null;
      }),
    );
    void call(commands.syncStatusGet()).then((result) => {
      // What came first (an event, a sync now, an ended session) is newer than this answer.
      if (result.status === "ok" && !this.heard && followed === this.follows) this.status = result.data;
    });
    return stop;
  }

  /** Syncs now; the core also tells every step of it as `sync://status`. */
  async syncNow(): Promise<void> {
    if (this.asking) return;
    this.asking = true;
    const result = await call(commands.syncNow());
    this.asking = false;
    if (result.status === "ok") {
      this.heard = true;
      this.status = result.data;
      this.error = null;
    } else if (result.status === "error" && !sessionOver(result.error)) {
      // (A session over is the status's to show: it offers the login.)
      this.error = result.error;
    }
  }

  /** A command found the session over before a sync did: the indicator offers the login. */
  sessionEnded(): void {
    this.heard = true;
    const was = this.status;
    this.status = {
      state: "logged_out",
      running: false,
      pending: was?.pending ?? 0,
      refused: was?.refused ?? 0,
      skipped: was?.skipped ?? 0,
      last_sync: was?.last_sync ?? null,
    };
  }
}

/** The sync indicator's state, one for the app. */
export const sync = new SyncState();
