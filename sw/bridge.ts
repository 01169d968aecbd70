/**
 * The SyncApi pages call over Comlink, over the engine: errors become plain `{code, message}`
 * objects (Comlink keeps only `message` of a thrown Error), events fan out to every page's listener.
 */
import type { Engine } from '../src/engine/engine-types.js';
import type { Log } from '../src/engine/ports.js';
import type { SyncApi, SyncApiError, SyncEvent } from '../src/protocol.js';

/** A listener that has not answered within this long is on a dead port (a closed page, a reconnect). */
export const LISTENER_TIMEOUT_MS = 10_000;

type Listener = (event: SyncEvent) => unknown;

export interface BridgeOptions {
  readonly engine: Engine;
  readonly bootId: string;
  readonly log: Log;
  readonly listenerTimeoutMs?: number;
}

/** The plain error a page receives: structured-cloneable, with the engine's stable code. */
export function toApiError(error: unknown): SyncApiError {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const { code, message } = error as { code: string; message?: unknown };
    return { code, message: typeof message === 'string' ? message : code };
  }
  return { code: 'internal_error', message: error instanceof Error ? error.message : String(error) };
}

/** Creates the page API over a started engine, forwarding its events for as long as the worker lives. */
export function createBridge(options: BridgeOptions): SyncApi {
  const { engine, log } = options;
  const timeoutMs = options.listenerTimeoutMs ?? LISTENER_TIMEOUT_MS;
  const listeners = new Set<Listener>();

  const call = async <T>(run: () => Promise<T> | T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      // A plain object, not an Error: Comlink rethrows it as-is on the page.
      throw toApiError(error);
    }
  };

  const deliver = (listener: Listener, event: SyncEvent): void => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const dead = new Promise<'dead'>((resolve) => (timer = setTimeout(() => resolve('dead'), timeoutMs)));
    void Promise.race([Promise.resolve(listener(event)), dead])
      .then((outcome) => {
        if (outcome === 'dead') {
          listeners.delete(listener);
          // Debug lines are off in production builds (log.ts): the call and its text go too.
          if (import.meta.env.DEV) log.debug('dropped a listener on a dead port');
        }
      }, () => listeners.delete(listener))
      .finally(() => clearTimeout(timer));
  };

  engine.subscribe((event) => {
    for (const listener of listeners) deliver(listener, event);
  });

  return {
    pull: (opts) => call(() => engine.pull(opts)),
    push: () => call(() => engine.push({ explicit: true })),
    sync: () => call(() => engine.sync()),
    purge: (opts) => call(() => engine.purge(opts)),
    pendingOperations: (table) => call(() => engine.pendingOperations(table)),
    conflicts: (table) => call(() => engine.conflicts(table)),
    resolve: (id, resolution) => call(() => engine.resolve(id, resolution)),
    retryOperation: (seq) => call(() => engine.retryOperation(seq)),
    discardOperation: (seq) => call(() => engine.discardOperation(seq)),
    status: () => call(() => engine.status()),
    setAuth: (headers) => call(() => engine.setAuth(headers)),
    authHeaders: () => call(() => engine.authHeaders()),
    refresh: (tables) => call(() => engine.refresh(tables)),
    subscribe: (listener) =>
      call(() => {
        listeners.add(listener);
      }),
    bootId: () => Promise.resolve(options.bootId),
  };
}
