/** The SyncLock port: a Web Lock shared with pages (PROTOCOL.md §3.4.1), else an in-worker mutex. */
import type { SyncLock } from '../src/engine/ports.js';

/** The lock name: `tablesync:<database>`. */
export const LOCK_NAME = 'tablesync:tablesync';

/** Creates the lock over `navigator.locks` when given, else a promise-chain mutex. */
export function createSyncLock(locks: LockManager | undefined, name: string = LOCK_NAME): SyncLock {
  if (locks) return { run: (task) => locks.request(name, () => task()) };
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task, task);
      tail = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
  };
}
