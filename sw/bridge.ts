/**
 * The SyncApi pages call over Comlink, over the engine: errors become plain `{code, message}`
 * objects (Comlink keeps only `message` of a thrown Error), events fan out to every page's listener.
 * It answers before (and without) an engine: a worker whose database will not open still tells the
 * page why, at once, instead of leaving its calls to time out.
 */
import { SyncError } from '../src/core/errors.js';
import type { Engine } from '../src/engine/engine-types.js';
import type { SyncApi, SyncApiError, SyncEvent } from '../src/protocol.js';
import { isQuota } from './idb/local-store.js';

/** A listener that has not answered within this long is on a dead port (a closed page, a reconnect). */
export const LISTENER_TIMEOUT_MS = 10_000;

type Listener = (event: SyncEvent) => unknown;

export interface BridgeOptions {
  /** The started engine, built on first use; it rejects while the engine cannot start (its database will not open). */
  readonly engine: () => Promise<Engine>;
  readonly bootId: string;
  readonly listenerTimeoutMs?: number;
}

export interface Bridge {
  /** What pages call; one for the worker's life, whichever engine is current. */
  readonly api: SyncApi;
  /** Forwards a newly started engine's events to the subscribed pages (and stops forwarding the previous one's). */
  attach(engine: Engine): void;
}

/** The plain error a page receives: structured-cloneable, with the engine's stable code. */
export function toApiError(error: unknown): SyncApiError {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    const { code, message } = error as { code: string; message?: unknown };
    return { code, message: typeof message === 'string' ? message : code };
  }
  return { code: 'internal_error', message: error instanceof Error ? error.message : String(error) };
}

/** Why there is no engine: a full disk (the database could not be created or its start written) or another failure to open. */
const unavailable = (error: unknown): SyncError =>
  isQuota(error) ? new SyncError('storage_full') : new SyncError('storage_unavailable', { reason: String(error) });

/** Creates the page API for this worker instance; each call waits for the engine and tries to start it again if it failed. */
export function createBridge(options: BridgeOptions): Bridge {
  const timeoutMs = options.listenerTimeoutMs ?? LISTENER_TIMEOUT_MS;
  const listeners = new Set<Listener>();
  let detach = (): unknown => undefined;

  const call = async <T>(run: (engine: Engine) => Promise<T> | T): Promise<T> => {
    try {
      return await run(
        await options.engine().catch((error: unknown) => {
          throw unavailable(error);
        }),
      );
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
        if (outcome === 'dead') listeners.delete(listener);
      }, () => listeners.delete(listener))
      .finally(() => clearTimeout(timer));
  };

  return {
    attach(engine) {
      detach();
      detach = engine.subscribe((event) => {
        for (const listener of listeners) deliver(listener, event);
      });
    },
    api: {
      pull: (opts) => call((engine) => engine.pull(opts)),
      push: () => call((engine) => engine.push({ explicit: true })),
      sync: () => call((engine) => engine.sync()),
      purge: (opts) => call((engine) => engine.purge(opts)),
      pendingOperations: (table) => call((engine) => engine.pendingOperations(table)),
      conflicts: (table) => call((engine) => engine.conflicts(table)),
      resolve: (id, resolution) => call((engine) => engine.resolve(id, resolution)),
      retryOperation: (seq) => call((engine) => engine.retryOperation(seq)),
      discardOperation: (seq) => call((engine) => engine.discardOperation(seq)),
      status: () => call((engine) => engine.status()),
      setAuth: (headers) => call((engine) => engine.setAuth(headers)),
      authHeaders: () => call((engine) => engine.authHeaders()),
      refresh: (tables) => call((engine) => engine.refresh(tables)),
      // Needs no engine: a page learns which instance answers (and so that it answers) even while storage fails.
      subscribe: async (listener) => void listeners.add(listener),
      bootId: () => Promise.resolve(options.bootId),
    },
  };
}
