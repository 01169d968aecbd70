/**
 * The service worker's composition root: the only code that adds event listeners (during the
 * worker script's first evaluation, as workers require) and builds the adapters and the engine,
 * once, lazily, on the first event. Called by the classic entry (index.ts) and the ESM entry
 * (module.ts).
 */
import * as Comlink from 'comlink';
import { createEngine } from '../src/engine/create-engine.js';
import type { Engine } from '../src/engine/engine-types.js';
import type { PushScheduler } from '../src/engine/ports.js';
import type { WorkerMessage } from '../src/protocol.js';
import { dropShellCaches, type AppShellCache, type createAppShellCache } from './app-shell-cache.js';
import { createBridge } from './bridge.js';
import { createClock } from './clock.js';
import { isShellCacheEnabled, loadConfig, parsePushIntervals } from './config.js';
import { createEntropy, randomHex } from './entropy.js';
import { toHttpRequest, toResponse } from './http.js';
import { openDatabase } from './idb/database.js';
import { createLocalStore } from './idb/local-store.js';
import { createMetaStore } from './idb/meta-store.js';
import { createLog } from './log.js';
import { asPageMessage } from './page-message.js';
import { SYNC_TAG, createPushScheduler, hasBackgroundSync } from './push-scheduler.js';
import { createPushTriggers } from './push-triggers.js';
import { PERIODIC_PULL_TAG, createPullTriggers, type PullTriggers } from './pull-triggers.js';
import { createRemote } from './remote.js';
import { createSyncLock } from './sync-lock.js';

declare const self: ServiceWorkerGlobalScope;

/** The `sync` event (not in TypeScript's WebWorker lib). */
interface SyncEventLike extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

interface Runtime {
  readonly engine: Engine;
  readonly pulls: PullTriggers;
}

function reportError(error: unknown): void {
  console.error('[tablesync]', error instanceof Error ? (error.stack ?? error.message) : error);
}

const internalError = (error: unknown): Response =>
  Response.json({ error: error instanceof Error ? error.message : 'Internal error', code: 'internal_error' }, { status: 500, headers: { 'x-tablesync': 'local' } });

/**
 * Answers `event` with `work`, started only once this worker holds the answer: inside an app's worker, an
 * app's handler that ran first may have answered it (the second `respondWith` throws), and a write must then
 * not also be journaled. Null when the event was already answered.
 */
function respondFirst(event: FetchEvent, work: () => Promise<Response>): Promise<Response> | null {
  let start = (): void => {};
  const response = new Promise<void>((resolve) => (start = resolve)).then(work);
  try {
    event.respondWith(response);
  } catch {
    return null;
  }
  start();
  return response;
}

/** Where the configuration comes from and how much of the worker tablesync owns. */
export interface WorkerSetup {
  /** The configuration as a worker-URL query (see config.ts). */
  readonly search: string;
  /**
   * True when tablesync is the whole worker: it then also caches the app shell (unless `shell=off`) and logs
   * uncaught errors. False inside an app's own worker, whose routes, caches and errors stay the app's.
   */
  readonly standalone: boolean;
  /**
   * Builds the app-shell cache (app-shell-cache.ts), given by the entry that loaded it: the classic worker imports
   * it as an add-on only when it will be used (index.ts). Without it the worker keeps no shell cache.
   */
  readonly shell?: typeof createAppShellCache | undefined;
}

let installed = false;

/** Adds tablesync's listeners to the worker; call it once, while the worker script is first evaluated. */
export function install(setup: WorkerSetup): void {
  if (installed) throw new Error('tablesync is already installed in this worker');
  installed = true;
  const clock = createClock();
  const entropy = createEntropy(self.crypto);
  const bootId = randomHex(entropy);
  const log = createLog();
  let runtime: Runtime | null = null;
  let booting: Promise<Runtime> | null = null;
  const bridge = createBridge({ engine: () => boot().then((rt) => rt.engine), bootId });

  // Needs no engine: the page and its files are served even while the database is still opening.
  const shell: AppShellCache | null =
    setup.standalone && isShellCacheEnabled(setup.search) && setup.shell
      ? setup.shell({
          caches: self.caches,
          fetch: (request) => fetch(request),
          origin: self.location.origin,
          startUrl: self.registration.scope,
          enabled: true,
          onError: (error) => reportError(error),
        })
      : null;

  const intervals = parsePushIntervals(setup.search);
  const triggers = createPushTriggers({
    timerMs: intervals.pushIntervalMs,
    requestMs: intervals.requestPushIntervalMs,
    backgroundSync: () => hasBackgroundSync(self),
    push: async (explicit) => {
      const { engine } = await boot();
      const result = await engine.push({ explicit });
      return { stopped: result.stopped, nextAttemptAt: (await engine.status()).nextAttemptAt };
    },
    now: clock.now,
    setInterval: (run, ms) => setInterval(run, ms),
    setTimeout: (run, ms) => setTimeout(run, ms),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });

  async function init(): Promise<Runtime> {
    const db = await openDatabase({
      // A newer worker upgrades the schema: this connection closed, so the next event reopens.
      onVersionChange: () => {
        runtime = null;
        booting = null;
      },
      onBlocked: () => log.info('database upgrade waits for an older worker to close it'),
    });
    const meta = createMetaStore(db);
    const config = await loadConfig(meta, setup.search);
    const engine = createEngine({
      store: createLocalStore(db),
      meta,
      remote: createRemote({ upstream: config.engine.upstream, origin: self.location.origin }),
      lock: createSyncLock(self.navigator.locks),
      scheduler: withWritePush(syncTag),
      clock,
      entropy,
      log,
      // F-01: with a same-origin upstream, only this origin's /tables/ URLs are the app's.
      config: { ...config.engine, origin: self.location.origin },
    });
    await engine.start();
    bridge.attach(engine);
    const pulls = createPullTriggers({
      refresh: () => engine.refresh(),
      now: clock.now,
      setInterval: (run, ms) => setInterval(run, ms),
      ...(config.pullIntervalMs === undefined ? {} : { intervalMs: config.pullIntervalMs }),
    });
    runtime = { engine, pulls };
    void triggers.start().catch(reportError);
    // T-09: a worker starting with a page open pulls every table.
    void self.clients
      .matchAll({ type: 'window' })
      .then((windows) => pulls.start(windows.length > 0))
      .catch(reportError);
    return runtime;
  }

  /** Runs a pull trigger once the runtime is built; a trigger never rejects (a rejected `sync` is an uncaught error in Chromium). */
  const pullTrigger = (run: (pulls: PullTriggers) => Promise<void> | void): Promise<void> =>
    boot()
      .then((rt) => run(rt.pulls))
      .catch(reportError);

  const syncTag = createPushScheduler(self);

  /** Every journaled write also arms the worker's own delayed push (see push-triggers.ts). */
  function withWritePush(scheduler: PushScheduler): PushScheduler {
    return {
      schedule: () => {
        triggers.written();
        return scheduler.schedule();
      },
    };
  }

  /** The runtime, built once; a failed build is retried by the next event. */
  function boot(): Promise<Runtime> {
    booting ??= init().catch((error: unknown) => {
      booting = null;
      throw error;
    });
    return booting;
  }

  async function answer(engine: Engine, request: Request): Promise<Response> {
    try {
      return toResponse(await engine.handle(await toHttpRequest(request)));
    } catch (error) {
      reportError(error);
      return internalError(error);
    }
  }

  // Even inside an app's worker: the page's writes are answered only once a worker with the engine controls it.
  self.addEventListener('install', (event) => {
    event.waitUntil(self.skipWaiting());
  });

  self.addEventListener('activate', (event) => {
    event.waitUntil(Promise.all([self.clients.claim(), (shell ? shell.activate() : dropShellCaches(self.caches, null)).catch(reportError)]));
  });

  /** Answers the app shell's requests from the shell cache; any other request goes to the network untouched. */
  function answerShell(event: FetchEvent): void {
    if (!shell?.handles(event.request)) return;
    const { response, stored } = shell.respond(event.request);
    event.respondWith(response);
    event.waitUntil(stored);
  }

  self.addEventListener('fetch', (event) => {
    const request = event.request;
    const url = request.url;
    const path = new URL(url).pathname;
    // The change feed is a live stream for the page: never answered, cached or held by the worker (§3.9).
    if (/\/tables\/(\$|%24)changes$/i.test(path)) return;
    let work: () => Promise<Response>;
    if (runtime) {
      // F-01: only configured tables are answered; everything else is left to the network untouched.
      if (!runtime.engine.intercepts(url)) return answerShell(event);
      const { engine } = runtime;
      work = () => answer(engine, request);
    } else {
      // Cold start: the engine is not built yet, so nothing outside /tables/ waits for it.
      if (!path.startsWith('/tables/')) return answerShell(event);
      work = () =>
        boot().then(
          (rt) => (rt.engine.intercepts(url) ? answer(rt.engine, request) : fetch(request)),
          (error: unknown) => {
            // No engine (the database would not open): better the network than a failed fetch.
            reportError(error);
            return fetch(request);
          },
        );
    }
    const response = respondFirst(event, work);
    if (response) event.waitUntil(response.then(() => triggers.request()).catch(reportError));
  });

  self.addEventListener('sync', (event) => {
    const sync = event as SyncEventLike;
    if (sync.tag !== SYNC_TAG) return;
    syncTag.fired();
    // The browser fires it when it sees a network: writes and pulls try it again at once. After its push, it
    // pulls every table (T-09).
    sync.waitUntil(
      boot()
        .then((rt) => rt.engine.online())
        .then(() => triggers.sync())
        .catch(reportError)
        .then(() => pullTrigger((pulls) => pulls.sync())),
    );
  });

  self.addEventListener('periodicsync', (event) => {
    const periodic = event as SyncEventLike;
    if (periodic.tag !== PERIODIC_PULL_TAG) return;
    periodic.waitUntil(pullTrigger((pulls) => pulls.sync()));
  });

  self.addEventListener('message', (event) => {
    const message = asPageMessage(event.data);
    if (!message) return;
    triggers.pageContact();
    switch (message.type) {
      case 'tablesync:connect': {
        event.waitUntil(pullTrigger((pulls) => pulls.pageContact()));
        // Exposed at once: the bridge answers even when the engine cannot start (a full disk), so the page never waits on it.
        Comlink.expose(bridge.api, message.port as MessagePort);
        // A page loaded (or reconnected): without Background Sync that is a push trigger too.
        event.waitUntil(boot().then(() => triggers.pageLoad()).catch(reportError));
        return;
      }
      case 'tablesync:visible':
        event.waitUntil(pullTrigger((pulls) => pulls.visible()));
        return;
      case 'tablesync:shell-files':
        if (shell) event.waitUntil(shell.warm(message.urls).catch(reportError));
        return;
      case 'tablesync:online':
        // §3.9: writes try the network again at once.
        event.waitUntil(
          boot()
            .then((rt) => rt.engine.online())
            .then(() => triggers.online())
            .catch(reportError),
        );
        return;
      case 'tablesync:ping':
        event.waitUntil(pullTrigger((pulls) => pulls.pageContact(message.visible)));
        // Also takes over a page left uncontrolled (a shift-reload bypasses the worker for that load).
        event.waitUntil(Promise.all([boot(), self.clients.claim()]).then(() => undefined, reportError));
        return;
    }
  });

  // Every start announces itself, so pages drop ports that died with the previous instance.
  void self.clients
    .matchAll({ type: 'window', includeUncontrolled: true })
    .then((windows) => {
      const message: WorkerMessage = { type: 'tablesync:boot', bootId };
      for (const client of windows) client.postMessage(message);
    })
    .catch(reportError);

  if (setup.standalone) {
    self.addEventListener('error', (event) => reportError(event.error ?? event.message));
    self.addEventListener('unhandledrejection', (event) => reportError(event.reason));
  }
}
