import type { BlockedReason } from '../core/op.js';
import type { EngineContext } from './engine-context.js';
import type { SyncStatus } from './engine-types.js';

/** The engine's status from the op-log and its runtime state. */
export async function readStatus(ctx: EngineContext): Promise<SyncStatus> {
  const ops = await ctx.deps.store.listOps();
  let pending = 0, failed = 0, held = 0;
  let blockedReason: BlockedReason | null = null;
  let nextAttemptAt: number | null = null;
  for (const op of ops) {
    if (op.state === 'failed') failed++;
    else if (op.state === 'held') held++;
    else {
      pending++;
      if (op.blockedReason === 'needs-auth' || (op.blockedReason !== null && blockedReason === null)) blockedReason = op.blockedReason;
      if (op.nextAttemptAt !== null) nextAttemptAt = Math.min(nextAttemptAt ?? op.nextAttemptAt, op.nextAttemptAt);
    }
  }
  const { runtime } = ctx;
  return {
    pending,
    failed,
    held,
    online: runtime.online,
    pushing: runtime.pushing,
    pulling: runtime.pulling,
    blockedReason,
    lastPushAt: runtime.lastPushAt,
    lastPullAt: runtime.lastPullAt,
    nextAttemptAt,
  };
}
