import type { EngineContext } from './engine-context.js';
import type { SyncStatus } from './engine-types.js';

/** The engine's status from the in-memory op summary and its runtime state. */
export async function readStatus(ctx: EngineContext): Promise<SyncStatus> {
  const counts = await ctx.ops.counts();
  const { runtime } = ctx;
  return {
    pending: counts.pending,
    failed: counts.failed,
    held: counts.held,
    online: runtime.online,
    pushing: runtime.pushing,
    pulling: runtime.pulls > 0,
    blockedReason: counts.blockedReason,
    lastPushAt: runtime.lastPushAt,
    lastPullAt: runtime.lastPullAt,
    nextAttemptAt: counts.nextAttemptAt,
    storageFull: runtime.storageFull,
  };
}
