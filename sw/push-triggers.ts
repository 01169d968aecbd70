/**
 * The pushes of PROTOCOL.md §3.4.8 where Background Sync is missing (U-21): at worker start, on a
 * page's `online`, after an intercepted request (at most every 30 s) and every 60 s while a page
 * is connected. With Background Sync only the `online` push runs, unless the latest push stopped
 * (a rejected sync event is reported by Chromium as an uncaught error, so `sync` never rejects
 * and these triggers retry instead). Whatever the platform, a journaled write is pushed 1 s later
 * if no sync event did it (Chromium keeps a tag whose event died with its worker pending for
 * minutes, and re-registering it fires nothing), and a push stopped by back-off is retried when
 * its back-off ends while the worker lives. Without Background Sync a page's load (its connect)
 * pushes too, as a worker start does. The worker's query can shorten both periods (config.ts).
 */

export const REQUEST_PUSH_INTERVAL_MS = 30_000;
export const TIMER_PUSH_INTERVAL_MS = 60_000;
/** A page that pinged or connected this recently counts as connected (it pings every 10 s). */
export const PAGE_CONNECTED_MS = 25_000;
/** How long after a journaled write the worker pushes by itself if no sync event came first. */
export const WRITE_PUSH_DELAY_MS = 1000;
/** Bounds of the timer that retries a stopped push when its back-off ends. */
export const RETRY_MIN_MS = 250;
export const RETRY_MAX_MS = 300_000;

export interface PushTriggerOptions {
  /** Whether Background Sync is usable right now. */
  readonly backgroundSync: () => boolean;
  /** Runs one push; `explicit` ignores back-off. */
  readonly push: (explicit: boolean) => Promise<{ readonly stopped: string | null; readonly nextAttemptAt: number | null }>;
  readonly now: () => number;
  readonly setInterval: (run: () => void, ms: number) => unknown;
  readonly setTimeout: (run: () => void, ms: number) => unknown;
  readonly sleep: (ms: number) => Promise<void>;
  /** The fallback timer's period (the worker query's `pushIntervalMs`, TIMER_PUSH_INTERVAL_MS by default). */
  readonly timerMs: number;
  /** The least time between two request-triggered pushes (`requestPushIntervalMs`, REQUEST_PUSH_INTERVAL_MS by default). */
  readonly requestMs: number;
}

/** Waits before re-trying an `online` push that still found no network. */
export const ONLINE_RETRY_MS: readonly number[] = [250, 1000, 3000];

export interface PushTriggers {
  /** The `sync` event's push: the browser saw a network, so it ignores back-off. */
  sync(): Promise<void>;
  /** A write was journaled: push soon unless a sync event does it first. */
  written(): void;
  start(): Promise<void>;
  /** A page loaded and connected: the user is back, so it ignores back-off, as start does. */
  pageLoad(): Promise<void>;
  online(): Promise<void>;
  request(): Promise<void>;
  /** A page connected or pinged; starts the 60 s timer on first contact. */
  pageContact(): void;
}

/** Creates the fallback triggers; nothing runs until one is called. */
export function createPushTriggers(options: PushTriggerOptions): PushTriggers {
  const { timerMs, requestMs } = options;
  let lastRequestPush = Number.NEGATIVE_INFINITY;
  let lastPageContact = Number.NEGATIVE_INFINITY;
  let timer: unknown = null;
  let writeTimer = false;
  let retryTimer = false;
  let stopped: string | null = null;
  const run = async (explicit: boolean): Promise<void> => {
    const result = await options.push(explicit);
    stopped = result.stopped;
    if ((stopped === 'backoff' || stopped === 'offline') && result.nextAttemptAt !== null && !retryTimer) {
      retryTimer = true;
      const wait = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, result.nextAttemptAt - options.now()));
      options.setTimeout(() => {
        retryTimer = false;
        void run(false).catch(() => undefined);
      }, wait);
    }
  };
  const needed = (): boolean => stopped !== null || !options.backgroundSync();
  const fallback = (explicit: boolean): Promise<void> => (needed() ? run(explicit) : Promise.resolve());
  return {
    sync: () => run(true),
    written() {
      if (writeTimer) return;
      writeTimer = true;
      options.setTimeout(() => {
        writeTimer = false;
        void run(false).catch(() => undefined);
      }, WRITE_PUSH_DELAY_MS);
    },
    start: () => fallback(true),
    pageLoad: () => fallback(true),
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
      if (!needed() || options.now() - lastRequestPush < requestMs) return Promise.resolve();
      lastRequestPush = options.now();
      return run(false);
    },
    pageContact() {
      lastPageContact = options.now();
      timer ??= options.setInterval(() => {
        if (options.now() - lastPageContact <= PAGE_CONNECTED_MS) void fallback(false);
      }, timerMs);
    },
  };
}
