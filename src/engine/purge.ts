import { SyncError } from '../core/errors.js';
import type { Expr } from '../core/odata/ast.js';
import { matches } from '../core/odata/evaluate.js';
import { parseFilter } from '../core/odata/parse-filter.js';
import type { EngineContext } from './engine-context.js';
import type { PurgeOptions, PurgeResult } from './engine-types.js';
import type { Change } from './ports.js';
import { removeOp } from './settle.js';

/** A validated purge (G-06): the filter parsed and the watermark reset chosen. */
interface PurgePlan {
  readonly table: string;
  readonly filter: Expr | null;
  readonly force: boolean;
  readonly reset: 'none' | 'query' | 'table';
  readonly queryId: string | null;
}

/** Validates purge options before anything changes (G-06, invalid_filter). */
export function planPurge(ctx: EngineContext, options: PurgeOptions): PurgePlan {
  if (!ctx.tables.has(options.table)) throw new SyncError('table_not_found', { table: options.table });
  const queryId = options.queryId ?? null;
  const reset = options.resetWatermarks ?? (queryId === null ? 'table' : 'query');
  if (reset !== 'none' && reset !== 'query' && reset !== 'table') throw new SyncError('invalid_purge', { reason: `Unknown resetWatermarks ${JSON.stringify(reset)}` });
  if (reset === 'query' && queryId === null) throw new SyncError('invalid_purge', { reason: "resetWatermarks 'query' needs a queryId" });
  let filter: Expr | null = null;
  // Only an absent filter means every row: a blank one is `invalid_filter`, as `$filter=` is over HTTP (S-36).
  const given: unknown = options.filter;
  if (given !== undefined && given !== null) {
    if (typeof given !== 'string') throw new SyncError('invalid_purge', { reason: 'The purge filter must be a string' });
    const parsed = parseFilter(given);
    if (!parsed.ok) throw parsed.error;
    filter = parsed.value;
  }
  return { table: options.table, filter, force: options.force === true, reset, queryId };
}

/**
 * PROTOCOL.md §3.7, run under the sync lock: removes the matching rows in one commit; without
 * `force` any op on them fails the purge with `pending_operations` (G-01, G-02); with it those ops
 * and their conflicts go too (G-03, G-04, K-14); watermarks reset per G-05, G-06.
 */
export async function purgeLocked(ctx: EngineContext, plan: PurgePlan): Promise<PurgeResult> {
  return ctx.exclusive.run(async () => {
    const { table, filter } = plan;
    const rows = await ctx.index.rows(table);
    const ids = filter === null ? null : new Set(rows.items().filter((item) => matches(filter, item)).map((item) => item['id'] as string));
    const ops = (await ctx.deps.store.listOps(table)).filter((op) => ids === null || ids.has(op.itemId));
    if (!plan.force && ops.length > 0) throw new SyncError('pending_operations', { table, ops: ops.length });
    const changes: Change[] =
      ids === null ? [{ kind: 'delete-table-rows', table }] : [...ids].map((id) => ({ kind: 'delete-row', table, id }) as const);
    for (const op of ops) changes.push(...removeOp(op.seq));
    const states = plan.reset === 'none' ? [] : await ctx.deps.store.listSyncStates(table);
    for (const state of states) {
      if (plan.reset === 'table' || state.queryId === plan.queryId) changes.push({ kind: 'delete-sync-state', table, queryId: state.queryId });
    }
    const removed = ids === null ? rows.size : ids.size;
    const result = await ctx.commit(changes);
    if (!result.ok) throw new SyncError('storage_full');
    // F-04: with its cursors reset the table is no longer completely pulled.
    if (plan.reset !== 'none') {
      const left = await ctx.deps.store.listSyncStates(table);
      if (!left.some((s) => s.complete)) ctx.runtime.completeTables.delete(table);
    }
    return { rows: removed, ops: ops.length };
  });
}
