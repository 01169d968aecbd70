/** `registerSync()`: registers the worker with workbox-window, waits until it controls the page, connects. */
import { Workbox } from 'workbox-window';
import type { PageMessage } from '../protocol.js';
import { createSyncClient, waitForController, type SyncClient } from './sync-client.js';

/** Options of `registerSync`; table settings travel to the worker in its script URL's query. */
export interface RegisterSyncOptions {
  /** Default `/tablesync-sw.js`. */
  readonly scriptUrl?: string;
  readonly scope?: string;
  readonly tables?: readonly string[];
  /** The upstream origin when it is not the page's. */
  readonly upstream?: string;
  /** The dialect answered to app requests that name none. */
  readonly dialect?: 'v2' | 'v3';
  readonly upstreamDialect?: 'v2' | 'v3';
  readonly policy?: 'merge' | 'serverWins' | 'clientWins' | 'lastWriteWins' | 'hold';
  /** False: the worker does not cache the app shell, so pages need the network (default true). */
  readonly shell?: boolean;
  /** `online-first` (default): online writes get the server's own answer; `local-first`: always the worker's. */
  readonly writes?: 'online-first' | 'local-first';
  /** How long an online write waits for the server before the worker answers it (default 5000 ms). */
  readonly writeTimeoutMs?: number;
  /** A read of a table last pulled longer ago starts a background pull (default 30000 ms). */
  readonly maxStaleMs?: number;
  /** The worker pulls every table this often while a visible page is open (default 60000 ms). */
  readonly pullIntervalMs?: number;
  /** Consecutive 5xx answers to one queued write after which it becomes a dead letter (a `failed` op; default 8). */
  readonly maxServerErrors?: number;
  /** How long a call may go unanswered before the client checks the worker (default 4000 ms). */
  readonly callTimeoutMs?: number;
  /**
   * False when the app registers its own worker, which runs tablesync inside it (`importScripts` or
   * `installTablesync`): the client then only waits for that worker to control the page and connects.
   */
  readonly register?: boolean;
}

/** The worker's script URL with the configuration in its query. */
export function workerUrl(options: RegisterSyncOptions, base: string): string {
  const url = new URL(options.scriptUrl ?? '/tablesync-sw.js', base);
  if (options.tables && options.tables.length > 0) url.searchParams.set('tables', options.tables.join(','));
  if (options.upstream !== undefined) url.searchParams.set('upstream', options.upstream);
  if (options.dialect) url.searchParams.set('dialect', options.dialect);
  if (options.upstreamDialect) url.searchParams.set('upstreamDialect', options.upstreamDialect);
  if (options.policy) url.searchParams.set('policy', options.policy);
  if (options.shell === false) url.searchParams.set('shell', 'off');
  if (options.writes) url.searchParams.set('writes', options.writes);
  for (const key of ['writeTimeoutMs', 'maxStaleMs', 'pullIntervalMs', 'maxServerErrors'] as const) {
    const value = options[key];
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.origin === new URL(base).origin ? url.pathname + url.search : url.href;
}

/** The document and the files it loaded (not its fetch() or XHR calls). */
const loadedFiles = (): string[] => [
  location.href,
  ...(performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .filter((entry) => !['fetch', 'xmlhttprequest', 'beacon'].includes(entry.initiatorType))
    .map((entry) => entry.name),
];

/** The tag of the Periodic Background Sync that pulls every table (PROTOCOL.md §3.9). */
export const PERIODIC_PULL_TAG = 'tablesync-pull';

/** Periodic Background Sync where the browser has it (an installed PWA in Chromium); a refusal changes nothing. */
async function registerPeriodicPull(container: ServiceWorkerContainer, minInterval = 60_000): Promise<void> {
  try {
    const registration = (await container.ready) as ServiceWorkerRegistration & {
      periodicSync?: { register(tag: string, options: { minInterval: number }): Promise<void> };
    };
    await registration.periodicSync?.register(PERIODIC_PULL_TAG, { minInterval });
  } catch {
    // Not installed, or the permission is not granted: the worker's other pull triggers remain.
  }
}

/** Registers the tablesync worker and resolves with a connected SyncClient once it controls the page. */
export async function registerSync(options: RegisterSyncOptions = {}): Promise<SyncClient> {
  const container = navigator.serviceWorker;
  if (options.register !== false) {
    const workbox = new Workbox(workerUrl(options, location.href), options.scope === undefined ? undefined : { scope: options.scope });
    // `immediate`: without it workbox-window waits for the window's `load` event.
    await workbox.register({ immediate: true });
  }
  if (!container.controller) {
    // An active worker that does not control this page (after a shift-reload) claims it on a ping.
    void container.ready.then((registration) => {
      registration.active?.postMessage({ type: 'tablesync:ping' } satisfies PageMessage);
      // This page and its files loaded without the worker, so they reach the shell cache only if named.
      if (options.shell !== false) registration.active?.postMessage({ type: 'tablesync:shell-files', urls: loadedFiles() } satisfies PageMessage);
    });
  }
  await waitForController(container);
  void registerPeriodicPull(container, options.pullIntervalMs);
  const client = createSyncClient({
    container,
    events: window,
    document,
    ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
  });
  await client.bootId();
  return client;
}
