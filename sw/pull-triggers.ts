/**
 * When the worker pulls every configured table (PROTOCOL.md §3.9, T-09): at its start with a page open,
 * when a page loads or becomes visible, after the `sync` event's push, on `periodicsync`, and every
 * `pullIntervalMs` while a visible page is connected. The engine's pull scheduler decides the rest:
 * one pull per table at a time, a failing table waits out its back-off.
 */
import { PAGE_CONNECTED_MS } from './push-triggers.js';

/** The default period of the interval pull (PROTOCOL.md §3.9). */
export const DEFAULT_PULL_INTERVAL_MS = 60_000;
/** The Periodic Background Sync tag whose event pulls every table. */
export const PERIODIC_PULL_TAG = 'tablesync-pull';

export interface PullTriggerOptions {
  /** Pulls every configured table through the engine's scheduler. */
  readonly refresh: () => Promise<void>;
  readonly now: () => number;
  readonly setInterval: (run: () => void, ms: number) => unknown;
  readonly intervalMs?: number;
}

export interface PullTriggers {
  /** The worker started; `pageOpen`: a window of its scope exists. */
  start(pageOpen: boolean): Promise<void>;
  /** A page connected or pinged; `visible` false for a hidden page (absent: visible). Starts the interval on first contact. */
  pageContact(visible?: boolean): void;
  /** A page loaded or became visible. */
  visible(): Promise<void>;
  /** The `sync` event's push is done, or a `periodicsync` event came. */
  sync(): Promise<void>;
}

/** Creates the triggers; nothing runs until one is called. */
export function createPullTriggers(options: PullTriggerOptions): PullTriggers {
  let lastVisible = Number.NEGATIVE_INFINITY;
  let timer: unknown = null;
  const refresh = (): Promise<void> => options.refresh();
  return {
    start: (pageOpen) => (pageOpen ? refresh() : Promise.resolve()),
    pageContact(visible) {
      if (visible !== false) lastVisible = options.now();
      timer ??= options.setInterval(() => {
        if (options.now() - lastVisible <= PAGE_CONNECTED_MS) void refresh().catch(() => undefined);
      }, options.intervalMs ?? DEFAULT_PULL_INTERVAL_MS);
    },
    visible() {
      lastVisible = options.now();
      return refresh();
    },
    sync: refresh,
  };
}
