import { SyncError } from '../core/errors.js';
import type { FieldValue, Item } from '../core/item.js';
import { isTombstone } from '../core/item.js';
import { adoptServerVersion } from '../core/known-versions.js';
import { parseFilter } from '../core/odata/parse-filter.js';
import { buildPullRequest, defaultPullPageSize } from '../core/pull-query.js';
import { parsePullQuery } from '../core/query-id.js';
import { applyPage, nextRequest, shouldApply, startPull, type PullCursor } from '../core/watermark.js';
import type { EngineContext } from './engine-context.js';
import type { PullOptions, PullResult, PushResult } from './engine-types.js';
import { listRows } from './list-rows.js';
import { sendUpstream } from './send-upstream.js';
import type { Change, SyncStateRecord } from './ports.js';

/** The queryId of an unfiltered pull (L-12). */
export const ALL_ROWS = '*';
import { rowChange } from './settle.js';

/** A validated pull: its table, filter text and queryId (L-12, L-15). */
export interface PullPlan {
  readonly table: string;
  readonly filter: string | null;
  readonly queryId: string;
}

/** Validates pull options before any request (L-15): the table, a filter only, and one that parses. */
export function planPull(ctx: EngineContext, options: PullOptions): PullPlan {
  if (!ctx.tables.has(options.table)) throw new SyncError('table_not_found', { table: options.table });
  const { table: _table, push: _push, ...query } = options as PullOptions & Record<string, unknown>;
  const parsed = parsePullQuery(query);
  if (!parsed.ok) throw parsed.error;
  if (parsed.value.filter !== null) {
    const filter = parseFilter(parsed.value.filter);
    if (!filter.ok) throw filter.error;
  }
  return { table: options.table, filter: parsed.value.filter, queryId: parsed.value.queryId };
}

/** A pulled value as a row: an object with a string id and scalar values (others dropped). */
function rowOf(value: unknown): Item | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, FieldValue> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
  }
  return typeof out['id'] === 'string' ? out : null;
}

/** What one pull run did, and whether it reached its end (a complete pull) or stopped on a failure. */
export interface PullRun {
  readonly result: PullResult;
  readonly finished: boolean;
}

/**
 * One pull (PROTOCOL.md §3.6): pages from the stored cursor, each fetched and applied with the new cursor record
 * in one commit (L-04, L-05, L-06) under the sync lock, which it yields between pages so that a write waits for
 * one page at most (§3.9); a progress event per page (L-16); `complete` is recorded when the run reaches its end
 * (F-04, F-05). The caller keeps pulls of one table from overlapping.
 */
export async function runPull(ctx: EngineContext, plan: PullPlan, push: PushResult | null, onStart?: () => Promise<void>): Promise<PullRun> {
  const { table, filter, queryId } = plan;
  const dialect = ctx.upstreamDialect(table);
  const settings = ctx.tables.get(table)?.settings;
  const pageSize = settings?.pageSize ?? defaultPullPageSize(dialect);
  const stored = await ctx.deps.store.getSyncState(table, queryId);
  let cursor: PullCursor = startPull(stored, { pageSize, ...(ctx.deps.config.overlapMs === undefined ? {} : { overlapMs: ctx.deps.config.overlapMs }) });
  let complete = stored?.complete ?? false;
  let changed = 0;
  let finished = false;
  ctx.runtime.pulls++;
  try {
    await onStart?.();
    for (;;) {
      const step = nextRequest(cursor);
      if (step.kind === 'done') {
        finished = true;
        break;
      }
      const page = await ctx.deps.lock.run(async (): Promise<'stop' | 'next' | 'done'> => {
        const response = await sendUpstream(ctx, buildPullRequest(step, { table, dialect, filter }));
        if (response.kind === 'network-error' || response.status < 200 || response.status >= 300) {
          // The pull ends where it is; the cursor already persisted resumes it next time (L-11).
          ctx.deps.log.info('pull stopped', { table, queryId, status: response.kind === 'response' ? response.status : null });
          return 'stop';
        }
        const values = listRows(response.body);
        if (values === null) {
          ctx.deps.log.error('pull answer is not a list', { table, queryId, status: response.status });
          return 'stop';
        }
        const rows = values.map(rowOf).filter((r): r is Item => r !== null);
        const hasMore = response.headers['link'] !== undefined || (typeof response.body === 'object' && response.body !== null && 'nextLink' in response.body);
        const applied = applyPage(cursor, { rows, hasMore });
        const ends = applied.outcome.kind === 'done';
        const record: SyncStateRecord = {
          table,
          queryId,
          watermark: applied.record.watermark,
          drain: applied.record.drain,
          lastPullAt: ctx.deps.clock.now(),
          complete: complete || ends,
        };
        await ctx.exclusive.run(async () => {
          const rowChanges = await pageChanges(ctx, table, rows);
          // Relaxed: rows and cursor commit together (L-06), so a page lost to power loss is simply pulled again (L-11).
          const result = await ctx.commit([...rowChanges, { kind: 'put-sync-state', state: record }], { durability: 'relaxed' });
          if (!result.ok) throw new SyncError('storage_full');
          changed += rowChanges.filter((c) => c.kind === 'put-row' || c.kind === 'delete-row').length;
        });
        complete = record.complete;
        if (complete) ctx.runtime.completeTables.add(table);
        cursor = applied.cursor;
        ctx.events.emit({ kind: 'progress', table, queryId, pages: cursor.pages, rows: cursor.rows }); // L-16
        if (applied.outcome.kind === 'failed') throw applied.outcome.error; // L-13
        return ends ? 'done' : 'next';
      });
      if (page === 'stop') break;
      if (page === 'done') {
        finished = true;
        break;
      }
    }
    // Freshness (T-07) is the table's: only the unfiltered query brings every row.
    if (finished && queryId === ALL_ROWS) ctx.runtime.lastCompletePulls.set(table, ctx.deps.clock.now());
    return { result: { table, queryId, pages: cursor.pages, rows: cursor.rows, changed, push }, finished };
  } finally {
    ctx.runtime.pulls--;
    ctx.runtime.lastPullAt = ctx.deps.clock.now();
  }
}

/** L-04, L-05: rows with an op become its `serverRow`; tombstones remove; equal versions are skipped. */
async function pageChanges(ctx: EngineContext, table: string, rows: readonly Item[]): Promise<Change[]> {
  const latest = new Map<string, Item>();
  for (const row of rows) latest.set(row['id'] as string, row);
  // A cold table is not loaded for a page: its rows are read from the store (a wake's pull of a 1M-row table).
  const warm = ctx.index.isWarm(table) ? await ctx.index.rows(table) : null;
  const local = warm ?? new Map((await Promise.all([...latest.keys()].map((id) => ctx.deps.store.getRow(table, id)))).flatMap((r) => (r === null ? [] : [[r.id, r] as const])));
  const ops = new Map((await ctx.deps.store.listOps(table)).map((op) => [op.itemId, op]));
  const changes: Change[] = [];
  for (const [id, row] of latest) {
    const op = ops.get(id);
    if (op !== undefined) {
      if (op.serverRow?.['version'] !== row['version'] || op.serverRow === null) changes.push({ kind: 'put-op', op: { ...op, serverRow: row } });
      continue;
    }
    const stored = local.get(id) ?? null;
    if (!shouldApply(stored?.item ?? null, row)) continue;
    const version = typeof row['version'] === 'string' ? row['version'] : null;
    changes.push(rowChange(table, id, isTombstone(row) ? null : row, adoptServerVersion(stored?.knownVersions ?? [], version)));
  }
  return changes;
}
