/** The PushScheduler port: registers Background Sync tag `tablesync` (U-20) where the platform has it. */
import type { PushScheduler } from '../src/engine/ports.js';

/** The Background Sync tag whose `sync` event pushes. */
export const SYNC_TAG = 'tablesync';

/** The part of `SyncManager` we use (not in TypeScript's WebWorker lib). */
interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

/** Whether Background Sync can be used now; checked at each call, so a test can remove `SyncManager`. */
export function hasBackgroundSync(scope: ServiceWorkerGlobalScope): boolean {
  return typeof (scope as { SyncManager?: unknown }).SyncManager === 'function' && syncManagerOf(scope) !== null;
}

const syncManagerOf = (scope: ServiceWorkerGlobalScope): SyncManagerLike | null =>
  (scope.registration as { sync?: SyncManagerLike }).sync ?? null;

/** The scheduler, told when the tag's `sync` event came (a registration made after it is a new one). */
export interface SyncTagScheduler extends PushScheduler {
  fired(): void;
}

/**
 * Creates the scheduler. Where Background Sync is missing or `register` fails, it does nothing: the write's own
 * delayed push and the fallback triggers push (push-triggers.ts, U-21). A tag registered and not yet fired is not
 * registered again: each `register` is a write in the browser's storage, which slowed the next write's own commit.
 */
export function createPushScheduler(scope: ServiceWorkerGlobalScope): SyncTagScheduler {
  let registered = false;
  return {
    async schedule() {
      const sync = hasBackgroundSync(scope) ? syncManagerOf(scope) : null;
      if (!sync) return;
      if (registered) return;
      try {
        registered = true;
        await sync.register(SYNC_TAG);
      } catch {
        // Chromium refuses registration when the user blocked background sync for the site.
        registered = false;
      }
    },
    fired() {
      registered = false;
    },
  };
}
