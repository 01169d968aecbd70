/**
 * The page's SyncClient: the worker's SyncApi over Comlink, made to survive the worker. Calls on a
 * port whose worker stopped hang forever (TESTING.md §9). So each call first pings the controller
 * (which restarts a stopped worker); a restarted worker announces its new boot id, and calls on
 * the old port are retried on a new one. As a backstop every call has a timeout: when it fires, a
 * quick `bootId()` probe tells a slow call (keep waiting) from a dead port (reconnect and retry).
 */
import * as Comlink from 'comlink';
import type { PageMessage, SyncApi, SyncEvent, SyncEventKind, WorkerMessage } from '../protocol.js';

/** A `SyncEvent` of one kind. */
export type SyncEventOf<K extends SyncEventKind> = Extract<SyncEvent, { readonly kind: K }>;

/** The page API of tablesync (DESIGN.md §5): the worker's SyncApi, with events as `on()` instead of `subscribe`. */
export interface SyncClient extends Omit<SyncApi, 'subscribe'> {
  /** Calls `callback` for every event of `kind`; returns the unsubscribe function. */
  on<K extends SyncEventKind>(kind: K, callback: (event: SyncEventOf<K>) => void): () => void;
  /** Stops pinging, relaying and listening; later calls reject. */
  close(): void;
}

/** A rejected call: the engine's stable `code` (PROTOCOL.md §2.6) on an Error. */
export interface SyncClientError extends Error {
  readonly code: string;
}

export interface SyncClientOptions {
  readonly container: ServiceWorkerContainer;
  /** Where `online` is heard (the window). */
  readonly events: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  /** The page's document: its visibility rides on pings, and becoming visible asks the worker to pull (PROTOCOL.md §3.9). */
  readonly document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
  /** How long a call may go unanswered before the port is probed (default 4000 ms). */
  readonly callTimeoutMs?: number;
  /** How long the liveness probe may take (default 1000 ms). */
  readonly probeTimeoutMs?: number;
  /** Ping period that keeps the worker alive and re-subscribes after a restart (default 10 s). */
  readonly pingMs?: number;
}

interface Connection {
  readonly api: Comlink.Remote<SyncApi>;
  readonly port: MessagePort;
  /** The instance behind the port, once known. */
  bootId: string | null;
  /** Settles when the port is known dead. */
  readonly dead: Promise<'dead'>;
  readonly kill: () => void;
}

const MAX_ATTEMPTS = 5;

const clientError = (code: string, message: string): SyncClientError =>
  Object.assign(new Error(message), { name: 'SyncError', code });

/** Comlink rethrows the worker's plain `{code, message}` as-is; give pages a real Error. */
function toClientError(reason: unknown): unknown {
  if (typeof reason === 'object' && reason !== null && !(reason instanceof Error)) {
    const { code, message } = reason as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return clientError(code, typeof message === 'string' ? message : code);
  }
  return reason;
}

const after = <T>(ms: number, value: T): { readonly promise: Promise<T>; readonly cancel: () => void } => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(value), ms)));
  return { promise, cancel: () => clearTimeout(timer) };
};

/** Resolves `{ value }` when `promise` settles first, else the `late` marker; a rejection stays a rejection. */
async function race<T, L>(promise: Promise<T>, ms: number, also: Promise<L>, late: L): Promise<{ readonly value: T } | L> {
  const timer = after(ms, late);
  try {
    return await Promise.race([promise.then((value) => ({ value })), also, timer.promise]);
  } finally {
    timer.cancel();
  }
}

/** Resolves with the worker controlling the page, waiting for `controllerchange` if none does yet. */
export async function waitForController(container: ServiceWorkerContainer): Promise<ServiceWorker> {
  while (!container.controller) {
    await new Promise((resolve) => container.addEventListener('controllerchange', resolve, { once: true }));
  }
  return container.controller;
}

/** Creates the client; it connects on the first call and starts its ping and `online` relay at once. */
export function createSyncClient(options: SyncClientOptions): SyncClient {
  const { container } = options;
  const callTimeoutMs = options.callTimeoutMs ?? 4000;
  const probeTimeoutMs = options.probeTimeoutMs ?? 1000;
  const listeners = new Map<SyncEventKind, Set<(event: SyncEvent) => void>>();
  let connection: Connection | null = null;
  let connecting: Promise<Connection> | null = null;
  let closed = false;

  const dispatch = (event: SyncEvent): void => {
    for (const callback of listeners.get(event.kind) ?? []) {
      try {
        callback(event);
      } catch (error) {
        console.error('[tablesync] event listener failed', error);
      }
    }
  };
  const listener = Comlink.proxy(dispatch);

  const { document: page } = options;
  const visible = (): boolean => page === undefined || page.visibilityState === 'visible';
  const post = (message: PageMessage): void => container.controller?.postMessage(message);
  const ping = (): void => post({ type: 'tablesync:ping', visible: visible() });

  async function connect(): Promise<Connection> {
    const controller = await waitForController(container);
    const { port1, port2 } = new MessageChannel();
    controller.postMessage({ type: 'tablesync:connect', port: port2 }, [port2]);
    const api = Comlink.wrap<SyncApi>(port1);
    let kill = (): void => undefined;
    const dead = new Promise<'dead'>((resolve) => (kill = () => resolve('dead')));
    const conn: Connection = { api, port: port1, bootId: null, dead, kill };
    // Ordered on the port, so it is registered before any later call runs.
    api.subscribe(listener).catch(() => undefined);
    api.bootId().then((id) => (conn.bootId = id), () => undefined);
    return conn;
  }

  function current(): Promise<Connection> {
    if (connection) return Promise.resolve(connection);
    connecting ??= connect().then(
      (made) => {
        connecting = null;
        if (closed) made.port.close();
        else connection = made;
        return made;
      },
      (error: unknown) => {
        connecting = null;
        throw error;
      },
    );
    return connecting;
  }

  /** Forgets a connection (its worker stopped or was replaced); the next call makes a new one. */
  function drop(dead: Connection | null): void {
    if (!dead) return;
    dead.kill();
    if (connection !== dead) return;
    connection = null;
    dead.port.close();
  }

  const alive = async (conn: Connection): Promise<boolean> => {
    const probe = await race(conn.api.bootId(), probeTimeoutMs, conn.dead, 'dead' as const).catch(() => 'dead' as const);
    return probe !== 'dead';
  };

  async function call<T>(invoke: (api: Comlink.Remote<SyncApi>) => Promise<T>): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (closed) break;
      const conn = await current();
      ping();
      const pending = invoke(conn.api);
      pending.catch(() => undefined);
      for (;;) {
        let settled: { readonly value: T } | 'late' | 'dead';
        try {
          settled = await race(pending, callTimeoutMs, conn.dead, 'late' as const);
        } catch (error) {
          throw toClientError(error);
        }
        if (settled === 'dead') break;
        if (settled !== 'late') return settled.value;
        if (!(await alive(conn))) break;
        // The port answers: the call is slow, not lost. Keep waiting for it.
      }
      drop(conn);
    }
    throw clientError(closed ? 'closed' : 'worker_unavailable', closed ? 'The sync client is closed' : 'The service worker does not answer');
  }

  const onControllerChange = (): void => {
    drop(connection);
    if (!closed && listeners.size > 0) void current().catch(() => undefined);
  };
  const onOnline = (): void => post({ type: 'tablesync:online' });
  const onVisibility = (): void => {
    if (visible()) post({ type: 'tablesync:visible' });
  };
  const onMessage = (event: MessageEvent<unknown>): void => {
    const data = event.data as Partial<WorkerMessage> | null;
    if (data?.type !== 'tablesync:boot') return;
    // A new instance started: a port known to belong to another one is dead.
    const conn = connection;
    if (conn && conn.bootId !== null && conn.bootId !== data.bootId) {
      drop(conn);
      if (!closed && listeners.size > 0) void current().catch(() => undefined);
    }
  };
  container.addEventListener('controllerchange', onControllerChange);
  container.addEventListener('message', onMessage);
  container.startMessages();
  options.events.addEventListener('online', onOnline);
  page?.addEventListener('visibilitychange', onVisibility);
  // The page has loaded: the worker pulls every table (T-09).
  onVisibility();
  const pinger = setInterval(() => {
    ping();
    // Events flow only over a live port: after a worker restart, reconnect (and so re-subscribe).
    const conn = connection;
    if (conn && listeners.size > 0)
      void alive(conn).then((ok) => {
        if (!ok) {
          drop(conn);
          void current().catch(() => undefined);
        }
      });
  }, options.pingMs ?? 10_000);

  return {
    pull: (opts) => call((api) => api.pull(opts)),
    push: () => call((api) => api.push()),
    sync: () => call((api) => api.sync()),
    purge: (opts) => call((api) => api.purge(opts)),
    pendingOperations: (table) => call((api) => api.pendingOperations(table)),
    conflicts: (table) => call((api) => api.conflicts(table)),
    resolve: (id, resolution) => call((api) => api.resolve(id, resolution)),
    retryOperation: (seq) => call((api) => api.retryOperation(seq)),
    discardOperation: (seq) => call((api) => api.discardOperation(seq)),
    status: () => call((api) => api.status()),
    setAuth: (headers) => call((api) => api.setAuth(headers)),
    refresh: (tables) => call((api) => api.refresh(tables)),
    bootId: () => call((api) => api.bootId()),
    on(kind, callback) {
      const set = listeners.get(kind) ?? new Set();
      listeners.set(kind, set);
      const entry = callback as (event: SyncEvent) => void;
      set.add(entry);
      void current().catch(() => undefined);
      return () => {
        set.delete(entry);
        if (set.size === 0) listeners.delete(kind);
      };
    },
    close() {
      closed = true;
      clearInterval(pinger);
      container.removeEventListener('controllerchange', onControllerChange);
      container.removeEventListener('message', onMessage);
      options.events.removeEventListener('online', onOnline);
      page?.removeEventListener('visibilitychange', onVisibility);
      listeners.clear();
      drop(connection);
    },
  };
}
