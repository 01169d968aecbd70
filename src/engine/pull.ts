import { SyncError } from '../core/errors.js';
import { isFieldValue, isTombstone, type FieldValue, type Item } from '../core/item.js';
import { buildPullRequest, defaultPullPageSize, PULL_TOP_HEADER } from '../core/pull-query.js';
import { parsePullQuery } from '../core/query-id.js';
import { applyPage, nextRequest, startPull, type AppliedPage, type PullCursor, type PullFetch, type PullStep } from '../core/watermark.js';
import type { EngineContext } from './engine-context.js';
import type { PullOptions, PullResult, PushResult } from './engine-types.js';
import { listRows } from '../core/list-rows.js';
import { sendUpstream } from './send-upstream.js';
import type { Change, SyncStateRecord } from './ports.js';

/** The queryId of an unfiltered pull (L-12). */
export const ALL_ROWS = '*';
import { pulledRowChange } from './settle.js';

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
  // A filter that does not parse is refused here too (invalid_filter).
  const parsed = parsePullQuery(query);
  if (!parsed.ok) throw parsed.error;
  return { table: options.table, filter: parsed.value.filter, queryId: parsed.value.queryId };
}

/** A pulled value as a row: an object with a string id and scalar values (others dropped). */
function rowOf(value: unknown): Item | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const out: Record<string, FieldValue> = {};
  for (const [key, v] of Object.entries(value)) {
    if (isFieldValue(v)) out[key] = v;
  }
  return typeof out['id'] === 'string' ? out : null;
}

/** What one pull run did, and whether it reached its end (a complete pull) or stopped on a failure. */
export interface PullRun {
  readonly result: PullResult;
  readonly finished: boolean;
}

/** The most rows per pull request the engine asks for, whatever a server offers (one page is held in memory). */
export const MAX_PULL_TOP = 1000;

/** A fetched page, folded into the cursor but not stored yet, and the `$top` its server offers pulls (0: none). */
interface Fetched {
  readonly rows: readonly Item[];
  /** How many server removals were known as it was fetched (settle.ts `noteServerRemoval`). */
  readonly removalsBefore: number;
  readonly applied: AppliedPage;
  readonly offeredTop: number;
}

/** Fetches the page `step` asks for and folds it into `cursor`; null when the run stops there (L-11: it resumes). */
async function fetchPage(ctx: EngineContext, plan: PullPlan, cursor: PullCursor, step: PullFetch): Promise<Fetched | null> {
  const { table, filter, queryId } = plan;
  const removalsBefore = ctx.runtime.serverRemovals.count;
  const response = await sendUpstream(ctx, buildPullRequest(step, { table, dialect: ctx.upstreamDialect(table), filter }));
  const values = response.kind === 'response' && response.status >= 200 && response.status < 300 ? listRows(response.body) : null;
  if (response.kind !== 'response' || values === null) {
    ctx.deps.log.info('pull stopped', { table, queryId, status: response.kind === 'response' ? response.status : null });
    return null;
  }
  const rows = values.map(rowOf).filter((r): r is Item => r !== null);
  const hasMore = response.headers['link'] !== undefined || (typeof response.body === 'object' && response.body !== null && 'nextLink' in response.body);
  return { rows, removalsBefore, applied: applyPage(cursor, { rows, hasMore }), offeredTop: Number(response.headers[PULL_TOP_HEADER]) || 0 };
}

/**
 * One pull (PROTOCOL.md §3.6): pages from the stored cursor, each applied with the new cursor record in one commit
 * (L-04, L-05, L-06); a progress event per page (L-16); `complete` is recorded when the run reaches its end (F-04,
 * F-05). Page n+1 is fetched while page n commits: the cursor after a page is known before it is stored, and the
 * watermark still moves only with a committed page, so a run cut between pages resumes from the last one stored
 * (L-11). Each fetch and the commit it overlaps run under the sync lock, released between pages, so no pull request
 * is ever on the wire beside a push's (U-01) and a write waits for one page at most (§3.9). The caller keeps pulls
 * of one table from overlapping.
 */
export async function runPull(ctx: EngineContext, plan: PullPlan, push: PushResult | null, onStart?: () => Promise<void>): Promise<PullRun> {
  const { table, queryId } = plan;
  const dialect = ctx.upstreamDialect(table);
  const settings = ctx.tables.get(table)?.settings;
  const configured = settings?.pageSize ?? null;
  const stored = (await ctx.deps.store.listSyncStates(table)).find((s) => s.queryId === queryId) ?? null;
  let cursor: PullCursor = startPull(stored, { pageSize: configured ?? defaultPullPageSize(dialect), overlapMs: ctx.deps.config.overlapMs });
  let complete = stored?.complete ?? false;
  let changed = 0;
  let finished = false;
  ctx.runtime.pulls++;
  try {
    await onStart?.();
    /** Stores a fetched page with its cursor record (L-06); true when the run ends there. */
    const commitPage = async ({ applied, rows, removalsBefore }: Fetched): Promise<boolean> => {
      const ends = applied.outcome.kind === 'done';
      const record: SyncStateRecord = { table, queryId, watermark: applied.record.watermark, drain: applied.record.drain, lastPullAt: ctx.deps.clock.now(), complete: complete || ends };
      await ctx.exclusive.run(async () => {
        const rowChanges = await pageChanges(ctx, table, rows, removalsBefore);
        // Relaxed: rows and cursor commit together (L-06), so a page lost to power loss is simply pulled again (L-11).
        const result = await ctx.commit([...rowChanges, { kind: 'put-sync-state', state: record }], { durability: 'relaxed' });
        if (!result.ok) throw new SyncError('storage_full');
        for (const c of rowChanges) if (c.kind === 'put-row' || c.kind === 'delete-row') changed++;
      });
      complete = record.complete;
      if (complete) ctx.runtime.completeTables.add(table);
      cursor = applied.cursor;
      ctx.events.emit({ kind: 'progress', table, queryId, pages: cursor.pages, rows: cursor.rows }); // L-16
      if (applied.outcome.kind === 'failed') throw applied.outcome.error; // L-13
      return ends;
    };
    let page: Fetched | null = null; // fetched, not stored yet
    for (;;) {
      let next: PullCursor = page ? page.applied.cursor : cursor;
      // A server that offers pulls bigger pages is asked for them, unless the table configures its own size.
      const offered = Math.min(page?.offeredTop ?? 0, MAX_PULL_TOP);
      if (configured === null && offered > next.pageSize) next = { ...next, pageSize: offered };
      const step: PullStep | null = page && page.applied.outcome.kind !== 'continue' ? null : nextRequest(next);
      const fetch: PullFetch | null = step?.kind === 'fetch' ? step : null;
      if (!page && !fetch) {
        finished = true;
        break;
      }
      const storing: Fetched | null = page;
      const [following, ends] = await ctx.deps.lock.run(async (): Promise<readonly [Fetched | null, boolean]> => {
        const fetching = fetch && fetchPage(ctx, plan, next, fetch);
        // Page n commits while page n+1 is on the wire; a failed commit still waits for the request to end (U-01).
        const committing = storing && commitPage(storing).then((ends) => () => ends, (error: unknown) => (): boolean => { throw error; });
        const following = fetching && (await fetching);
        return [following, committing ? (await committing)() : false] as const;
      });
      if (ends) finished = true;
      if (ends || !following) break;
      page = following;
    }
    // Freshness (T-07) is the table's: only the unfiltered query brings every row.
    if (finished && queryId === ALL_ROWS) ctx.runtime.lastCompletePulls.set(table, ctx.deps.clock.now());
    return { result: { table, queryId, pages: cursor.pages, rows: cursor.rows, changed, push }, finished };
  } finally {
    if (--ctx.runtime.pulls === 0) ctx.runtime.serverRemovals.rows.clear();
    ctx.runtime.lastPullAt = ctx.deps.clock.now();
  }
}

/**
 * L-04, L-05: rows with an op become its `serverRow`; tombstones remove; equal versions are skipped, and so is the
 * live copy of a row the server removed after the page was fetched (its tombstone comes with a later page or pull).
 */
async function pageChanges(ctx: EngineContext, table: string, rows: readonly Item[], removalsBefore: number): Promise<Change[]> {
  const latest = new Map<string, Item>();
  for (const row of rows) latest.set(row['id'] as string, row);
  // A cold table is not loaded for a page: its rows are read from the store (a wake's pull of a 1M-row table).
  const warm = ctx.index.isWarm(table) ? await ctx.index.rows(table) : null;
  const local = warm ?? new Map((await ctx.deps.store.getRowsById(table, [...latest.keys()])).map((r) => [r.id, r] as const));
  const ops = new Map((await ctx.deps.store.listOps(table)).map((op) => [op.itemId, op]));
  const changes: Change[] = [];
  for (const [id, row] of latest) {
    const op = ops.get(id);
    if (op !== undefined) {
      if (op.serverRow?.['version'] !== row['version'] || op.serverRow === null) changes.push({ kind: 'put-op', op: { ...op, serverRow: row } });
      continue;
    }
    if (!isTombstone(row) && (ctx.runtime.serverRemovals.rows.get(`${table}\0${id}`) ?? -1) >= removalsBefore) continue;
    const change = pulledRowChange(table, id, local.get(id) ?? null, row);
    if (change !== null) changes.push(change);
  }
  return changes;
}
