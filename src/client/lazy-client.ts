/** A SyncClient usable before it exists: every call waits for `ready`, the drop-in's `window.tablesync`. */
import type { SyncClient } from './sync-client.js';

/** The drop-in's global: a SyncClient whose calls wait for the worker, plus the promise of the real one. */
export interface LazySyncClient extends SyncClient {
  readonly ready: Promise<SyncClient>;
}

/** Wraps a pending client; `on` subscribes as soon as it arrives and unsubscribes either way. */
export function createLazyClient(ready: Promise<SyncClient>): LazySyncClient {
  const later =
    <A extends unknown[], R>(pick: (client: SyncClient) => (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> =>
      pick(await ready)(...args);
  return {
    ready,
    pull: later((c) => c.pull),
    push: later((c) => c.push),
    sync: later((c) => c.sync),
    purge: later((c) => c.purge),
    pendingOperations: later((c) => c.pendingOperations),
    conflicts: later((c) => c.conflicts),
    resolve: later((c) => c.resolve),
    retryOperation: later((c) => c.retryOperation),
    discardOperation: later((c) => c.discardOperation),
    status: later((c) => c.status),
    setAuth: later((c) => c.setAuth),
    refresh: later((c) => c.refresh),
    bootId: later((c) => c.bootId),
    on(kind, callback) {
      let off: (() => void) | null = null;
      let cancelled = false;
      void ready.then((client) => {
        if (!cancelled) off = client.on(kind, callback);
      });
      return () => {
        cancelled = true;
        off?.();
      };
    },
    close() {
      void ready.then((client) => client.close());
    },
  };
}
