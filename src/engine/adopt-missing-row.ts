import { planLookup } from '../core/dialect/outbound.js';
import { isTombstone } from '../core/item.js';
import { listedServerRow } from '../core/push-outcome.js';
import type { EngineContext } from './engine-context.js';
import { sendUpstream } from './send-upstream.js';
import { rowChange } from './settle.js';
import { isTableComplete } from './table-state.js';

/**
 * Before a table's first complete pull the app may write to a row it saw in a forwarded read (F-04)
 * that is not local yet: the row is looked up upstream (U-12's request) and stored, so the write
 * is answered as the server would answer it, not with a 404. Offline, nothing changes.
 */
export async function adoptMissingRow(ctx: EngineContext, table: string, id: string): Promise<void> {
  if ((await ctx.index.rows(table)).get(id) !== undefined || (await isTableComplete(ctx, table))) return;
  const response = await sendUpstream(ctx, planLookup(table, id, ctx.upstreamDialect(table)));
  if (response.kind !== 'response' || response.status < 200 || response.status >= 300) return;
  const row = listedServerRow(id, response.body) ?? null;
  if (row === null || isTombstone(row)) return;
  await ctx.exclusive.run(async () => {
    // A pull or a write may have settled the row meanwhile; they win.
    if ((await ctx.index.rows(table)).get(id) !== undefined || (await ctx.ops.get(table, id)) !== null) return;
    await ctx.commit([rowChange(table, id, row, [row['version'] as string])]);
  });
}
