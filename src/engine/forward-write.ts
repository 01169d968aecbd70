import type { HttpRequest, TableResponse } from '../core/dialect/types.js';
import { isTombstone, type Item } from '../core/item.js';
import { asServerRow } from '../core/push-outcome.js';
import type { EngineContext } from './engine-context.js';
import type { WriteRequest } from './local-write.js';
import { relayed, writeMethodOf } from './relay.js';
import { sendUpstream } from './send-upstream.js';
import { noteServerRemoval, pulledRowChange } from './settle.js';
import { upstreamAnswer } from './write-through.js';

/** The app's headers a forwarded write keeps. */
const FORWARDED_HEADERS = ['zumo-api-version', 'content-type', 'if-match', 'accept'];

/**
 * §3.9: online, a write the local copy refused for its state (404 absent, 409 exists or stale body version, 412
 * stale If-Match) may have been judged on a stale copy (a row seen in a forwarded F-04 read, another device's change
 * not pulled yet). So it goes to the server exactly as the app made it, nothing journaled, and the app gets the
 * server's answer; a row that answer carries is adopted as a pull would (L-04, L-05), a 2xx delete or a 404/410
 * removes the local row. Null (the local refusal stands) when the server cannot be reached or an op of the item waits.
 */
export async function forwardWrite(ctx: EngineContext, http: HttpRequest, request: WriteRequest, id: string | null): Promise<TableResponse | null> {
  const method = writeMethodOf(http);
  if (method === undefined) return null;
  if (id !== null && (await ctx.ops.get(request.table, id)) !== null) return null;
  const response = await sendUpstream(ctx, relayed(http, method, FORWARDED_HEADERS, http.body));
  if (response.kind === 'network-error') return null;
  const row = id === null ? null : asServerRow(id, response.body);
  if (id !== null) {
    const ok = response.status >= 200 && response.status < 300;
    if (row !== null) await adopt(ctx, request.table, id, row);
    else if ((ok && request.kind === 'delete') || response.status === 404 || response.status === 410) await adopt(ctx, request.table, id, null);
  }
  return upstreamAnswer(response);
}

/** Stores a server row (null: the server has none) as a pull would, unless an op of the item appeared meanwhile (L-04). */
async function adopt(ctx: EngineContext, table: string, id: string, row: Item | null): Promise<void> {
  await ctx.exclusive.run(async () => {
    if ((await ctx.ops.get(table, id)) !== null) return;
    if (row === null || isTombstone(row)) noteServerRemoval(ctx, table, id);
    // None on the server is as a tombstone: the local row goes.
    const change = pulledRowChange(table, id, (await ctx.index.rows(table)).get(id) ?? null, row ?? { id, deleted: true });
    if (change !== null) await ctx.commit([change]);
  });
}
