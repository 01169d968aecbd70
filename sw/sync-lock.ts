/** The SyncLock port: a Web Lock shared with pages (PROTOCOL.md §3.4.1), else an in-worker mutex. */
import { createMutex } from '../src/engine/mutex.js';
import type { SyncLock } from '../src/engine/ports.js';

/** The lock name: `tablesync:<database>`. */
export const LOCK_NAME = 'tablesync:tablesync';

/** Creates the lock over `navigator.locks` when given, else a promise-chain mutex. */
export function createSyncLock(locks: LockManager | undefined): SyncLock {
  return locks ? { run: (task) => locks.request(LOCK_NAME, () => task()) } : createMutex();
}
