import { isResolution, planResolution } from '../core/conflict.js';
import { SyncError } from '../core/errors.js';
import type { EngineContext } from './engine-context.js';
import type { Resolution } from './engine-types.js';
import { planChanges } from './settle.js';

/**
 * K-10: applies a page's resolution to a held conflict (run under the sync lock) and deletes the
 * record in the same commit; `defer` keeps it; an unknown id is `conflict_not_found`.
 */
export async function resolveLocked(ctx: EngineContext, conflictId: number, resolution: Resolution): Promise<void> {
  if (!isResolution(resolution)) throw new SyncError('invalid_item', { reason: 'Not a valid Resolution' });
  const resend = await ctx.exclusive.run(async () => {
    const conflict = await ctx.deps.store.getConflict(conflictId);
    if (conflict === null) throw new SyncError('conflict_not_found', { conflictId });
    const op = await ctx.deps.store.getOp(conflict.table, conflict.itemId);
    if (op === null || op.seq !== conflictId) {
      // A record whose op is gone is stale (K-14 keeps this from happening); drop it.
      await ctx.commit([{ kind: 'delete-conflict', opSeq: conflictId }]);
      throw new SyncError('conflict_not_found', { conflictId });
    }
    const plan = planResolution(op, resolution, conflict);
    if (plan.kind === 'hold') return false;
    const changes = await planChanges(ctx, op, plan);
    const result = await ctx.commit(changes);
    if (!result.ok) throw new SyncError('storage_full');
    return plan.kind === 'resend';
  });
  if (resend) await ctx.deps.scheduler.schedule();
}
