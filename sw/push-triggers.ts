/**
 * The pushes of PROTOCOL.md §3.4.8 where Background Sync is missing (U-21): at worker start, on a
 * page's `online`, after an intercepted request (at most every 30 s) and every 60 s while a page
 * is connected. With Background Sync only the `online` push runs, unless the latest push stopped
 * (a rejected sync event is reported by Chromium as an uncaught error, so `sync` never rejects
 * and these triggers retry instead).
 */

export const REQUEST_PUSH_INTERVAL_MS = 30_000;
export const TIMER_PUSH_INTERVAL_MS = 60_000;
/** A page that pinged or connected this recently counts as connected (it pings every 10 s). */
export const PAGE_CONNECTED_MS = 25_000;

export interface PushTriggerOptions {
  /** Whether Background Sync is usable right now. */
  readonly backgroundSync: () => boolean;
  /** Runs one push; `explicit` ignores back-off. */
  readonly push: (explicit: boolean) => Promise<{ readonly stopped: string | null }>;
  readonly now: () => number;
  readonly setInterval: (run: () => void, ms: number) => unknown;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Waits before re-trying an `online` push that still found no network. */
export const ONLINE_RETRY_MS: readonly number[] = [250, 1000, 3000];

export interface PushTriggers {
  /** The `sync` event's push (automatic). */
  sync(): Promise<void>;
  start(): Promise<void>;
  online(): Promise<void>;
  request(): Promise<void>;
  /** A page connected or pinged; starts the 60 s timer on first contact. */
  pageContact(): void;
}

/** Creates the fallback triggers; nothing runs until one is called. */
export function createPushTriggers(options: PushTriggerOptions): PushTriggers {
  let lastRequestPush = Number.NEGATIVE_INFINITY;
  let lastPageContact = Number.NEGATIVE_INFINITY;
  let timer: unknown = null;
  let stopped: string | null = null;
  const run = async (explicit: boolean): Promise<void> => {
    stopped = (await options.push(explicit)).stopped;
  };
  const needed = (): boolean => stopped !== null || !options.backgroundSync();
  const fallback = (explicit: boolean): Promise<void> => (needed() ? run(explicit) : Promise.resolve());
  return {
    sync: () => run(false),
    start: () => fallback(true),
    // The page may hear `online` before the worker's own fetches work again (seen under
    // Playwright's setOffline after a worker restart), so an offline result is retried briefly.
    async online() {
      await run(true);
      for (const ms of ONLINE_RETRY_MS) {
        if (stopped !== 'offline') return;
        await options.sleep(ms);
        await run(true);
      }
    },
    request() {
      if (!needed() || options.now() - lastRequestPush < REQUEST_PUSH_INTERVAL_MS) return Promise.resolve();
      lastRequestPush = options.now();
      return run(false);
    },
    pageContact() {
      lastPageContact = options.now();
      timer ??= options.setInterval(() => {
        if (options.now() - lastPageContact <= PAGE_CONNECTED_MS) void fallback(false);
      }, TIMER_PUSH_INTERVAL_MS);
    },
  };
}
