import { planResolution } from '../core/conflict.js';
import { SyncError } from '../core/errors.js';
import type { Op } from '../core/op.js';
import type { EngineContext } from './engine-context.js';
import type { Change } from './ports.js';
import { planChanges } from './settle.js';

/**
 * The dead-letter list is the `failed` ops (U-16, and an op answered 5xx too often). Run under the sync lock:
 * `retry` makes one `pending` again with a fresh 5xx count (the app or the server fixed the cause); `discard`
 * removes it and sets the local row to the newest known server state, as a conflict's `discard` does (K-08).
 * Anything but a failed op is `operation_not_found`. Returns whether a push should follow.
 */
export async function settleDeadLetter(ctx: EngineContext, seq: number, action: 'retry' | 'discard'): Promise<boolean> {
  return ctx.exclusive.run(async () => {
    const op = (await ctx.deps.store.listOps()).find((o) => o.seq === seq && o.state === 'failed');
    if (op === undefined) throw new SyncError('operation_not_found', { seq });
    let changes: Change[];
    if (action === 'retry') {
      const { serverErrors: _serverErrors, ...rest } = op;
      const retried: Op = { ...rest, state: 'pending', nextAttemptAt: null, blockedReason: null };
      changes = [{ kind: 'put-op', op: retried }];
    } else {
      const plan = planResolution(op, { kind: 'discard' }, { serverRow: null });
      changes = plan.kind === 'hold' ? [] : await planChanges(ctx, op, plan);
    }
    const result = await ctx.commit(changes);
    if (!result.ok) throw new SyncError('storage_full');
    return action === 'retry';
  });
}
