// Listening to the core's events from a component. Tauri's `listen`
// answers a promise, and a component may be gone before it settles: the
// listener is then removed as soon as it exists.
import type { UnlistenFn } from "@tauri-apps/api/event";

/** Removes a listener without failing when the IPC is gone already. */
function quietly(unlisten: UnlistenFn): void {
  try {
    // It answers a promise, though typed `void`.
    const done: unknown = unlisten();
    if (done instanceof Promise) done.catch(() => {});
  } catch {
    // The IPC is gone already (the window is closing): nothing listens.
  }
}

/**
 * Keeps the listener `listening` (e.g. `events.recordsChanged.listen(…)`)
 * until the returned function is called: `onMount(() => listenWhile(…))`.
 * Without Tauri (a browser) nothing is ever heard.
 */
export function listenWhile(listening: Promise<UnlistenFn>): () => void {
  let stop: UnlistenFn | null = null;
  let ended = false;
  listening
    .then((unlisten) => {
      if (ended) quietly(unlisten);
      else stop = unlisten;
    })
    .catch(() => {
      // No Tauri here: no events.
    });
  return () => {
    ended = true;
    if (stop) quietly(stop);
  };
}
