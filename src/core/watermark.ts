/**
 * The pull cursor of PROTOCOL.md §3.6 as pure functions: `startPull` makes a cursor from the
 * persisted record, `nextRequest` says what to fetch, `applyPage` folds one page into the next
 * cursor and the record to persist in the same transaction as the page's rows.
 *
 * ```
 *   startPull ──▶ scan (ge C, $orderby=updatedAt,id) ──page──▶ done      (n = 0, or short without more)
 *                  │ ▲   t > C: C := t                         failed    (no row with a usable updatedAt)
 *                  │ └──────────────────────────────┐
 *                  ▼ t = C, or > N/2 rows at t      │
 *                drain (ge C, lt C+1, id gt last) ──┘ empty or short: C := C+1, W := max(W, C)
 * ```
 */
import type { Item } from './item.js';
import { isTombstone } from './item.js';
import { epochMsOf, formatDateTime } from './dates.js';
import { SyncError } from './errors.js';

/** The newest server `updatedAt` applied for a (table, queryId): epoch ms (floored) and the raw string (L-06, L-14). */
export interface Watermark {
  readonly ms: number;
  readonly raw: string;
}

/** A same-millisecond drain in progress: its millisecond and the last id read, null before its first page (L-08, L-11). */
export interface Drain {
  readonly ms: number;
  readonly afterId: string | null;
}

/** What a pull persists per page: the `watermark` and `drain` fields of the syncState record (§3.1, L-11). */
export interface PullRecord {
  readonly watermark: Watermark | null;
  readonly drain: Drain | null;
}

/** Settings of one pull run: rows per request N and the overlap subtracted from W on the run's first request (L-02, L-09). */
export interface PullOptions {
  /** A positive integer: the dialect's page size, or a server's or table's (the worker sets no other). */
  readonly pageSize: number;
  /** An integer ≥ 0; default (also when undefined) 1000 ms. */
  readonly overlapMs?: number | undefined;
}

/** The overlap used when none is given (PROTOCOL.md §3.6 step 2). */
export const DEFAULT_OVERLAP_MS = 1000;

/** Facts every cursor carries: N, the watermark so far and running totals for progress events (L-16). */
interface CursorBase {
  readonly pageSize: number;
  readonly watermark: Watermark | null;
  /** Pages applied in this run. */
  readonly pages: number;
  /** Rows received in this run, re-reads included. */
  readonly rows: number;
}

/** Where a pull run is: `scan` reads `updatedAt ge ge`, `drain` reads one millisecond by id (L-07, L-08, L-10). */
type CursorPosition =
  | { readonly kind: 'scan'; readonly ge: number | null }
  | { readonly kind: 'drain'; readonly ms: number; readonly afterId: string | null }
  | { readonly kind: 'done' };

/** Where a pull run stands, with its totals. */
export type PullCursor = CursorBase & CursorPosition;

/** One request to send, with its bounds in epoch ms (`ge` inclusive, `lt` exclusive); never a `$skip` (L-02, L-07, L-08). */
export interface PullFetch {
  readonly kind: 'fetch';
  readonly ge: number | null;
  readonly lt: number | null;
  /** `id gt afterId`, only inside a drain after its first page. */
  readonly afterId: string | null;
  /** `updatedAt` means `$orderby=updatedAt,id`; `id` means `$orderby=id` (a drain). */
  readonly orderBy: 'updatedAt' | 'id';
  readonly top: number;
}

/** What the cursor wants next: a request, or nothing because the run is over (L-10). */
export type PullStep = PullFetch | { readonly kind: 'done' };

/** A page as the engine received it; `hasMore` is true when the answer carried `Link` or `nextLink` (L-10). */
export interface PulledPage {
  readonly rows: readonly Item[];
  readonly hasMore: boolean;
}

/** What the run does after a page: fetch again, stop, or stop with an error after applying the rows (L-10, L-13). */
export type PageOutcome =
  | { readonly kind: 'continue' }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly error: SyncError };

/** The result of folding a page in: commit `record` with the page's rows, then follow `outcome` (L-06). */
export interface AppliedPage {
  readonly cursor: PullCursor;
  readonly record: PullRecord;
  readonly outcome: PageOutcome;
}

/** Starts a run: a stored drain resumes (L-11), else `ge W − overlap` (L-03, L-09), else no bound (L-02). */
export function startPull(record: PullRecord | null, options: PullOptions): PullCursor {
  const { pageSize } = options;
  const overlapMs = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  const base: CursorBase = { pageSize, watermark: record?.watermark ?? null, pages: 0, rows: 0 };
  if (record?.drain) return { ...base, kind: 'drain', ms: record.drain.ms, afterId: record.drain.afterId };
  return { ...base, kind: 'scan', ge: base.watermark === null ? null : base.watermark.ms - overlapMs };
}

/** The request a cursor asks for next (L-02, L-07, L-08). */
export function nextRequest(cursor: PullCursor): PullStep {
  const top = cursor.pageSize;
  switch (cursor.kind) {
    case 'scan':
      return { kind: 'fetch', ge: cursor.ge, lt: null, afterId: null, orderBy: 'updatedAt', top };
    case 'drain':
      return { kind: 'fetch', ge: cursor.ms, lt: cursor.ms + 1, afterId: cursor.afterId, orderBy: 'id', top };
    case 'done':
      return { kind: 'done' };
  }
}

/** Folds one page into the cursor and the record to persist with it: every rule of §3.6 steps 3–5 (L-06, L-07, L-08, L-10, L-13). */
export function applyPage(cursor: PullCursor, page: PulledPage): AppliedPage {
  if (cursor.kind === 'done') return folded(cursor, cursor.watermark, { kind: 'done' }, null, { kind: 'done' });
  const n = page.rows.length;
  const counted = { ...cursor, pages: cursor.pages + 1, rows: cursor.rows + n };
  const fail = (reason: string): AppliedPage =>
    folded(counted, counted.watermark, { kind: 'done' }, cursor.kind === 'drain' ? { ms: cursor.ms, afterId: cursor.afterId } : null, {
      kind: 'failed',
      error: new SyncError('invalid_server_row', { reason, rows: n }),
    });
  // L-10: the server did not cap this page, so nothing remains past it.
  const last = n === 0 || (n < cursor.pageSize && !page.hasMore);

  let t: Watermark | null = null;
  for (let i = n - 1; i >= 0 && t === null; i--) t = updatedAtOf(page.rows[i] as Item);
  // L-13: rows without a usable updatedAt are applied but move nothing; a page of only such rows fails.
  if (n > 0 && t === null) return fail('No row of the page has a usable updatedAt');

  if (counted.kind === 'drain') {
    if (last) {
      // L-08: a drained millisecond is complete: C := C + 1 ms and W := max(W, C).
      const c = counted.ms + 1;
      return folded(counted, maxWatermark(counted.watermark, { ms: c, raw: formatDateTime(c) }), { kind: 'scan', ge: c }, null, { kind: 'continue' });
    }
    const afterId = page.rows[n - 1]?.['id'];
    if (typeof afterId !== 'string' || afterId === counted.afterId) return fail('The drain made no progress by id');
    // The drain's rows all belong to its millisecond, so W needs no move here (W ≥ C since the drain began).
    const drain = { ms: counted.ms, afterId };
    return folded(counted, counted.watermark, { kind: 'drain', ...drain }, drain, { kind: 'continue' });
  }

  if (t === null) return folded(counted, counted.watermark, { kind: 'done' }, null, { kind: 'done' }); // n = 0
  const watermark = maxWatermark(counted.watermark, t); // L-06: max of W and the last row's updatedAt
  if (last) return folded(counted, watermark, { kind: 'done' }, null, { kind: 'done' });
  const c = counted.ge;
  if (c !== null && t.ms < c) return fail('The server ignored the updatedAt bound');
  const atT = page.rows.reduce((k, row) => (updatedAtOf(row)?.ms === t.ms ? k + 1 : k), 0);
  // L-08: the page is one millisecond (t = C), or over half a page shares t: drain t by id.
  if (t.ms === c || atT * 2 > counted.pageSize) {
    const drain = { ms: t.ms, afterId: null };
    return folded(counted, watermark, { kind: 'drain', ...drain }, drain, { kind: 'continue' });
  }
  // L-07: C := t and fetch `ge t` again; rows of t are re-read and deduped, never skipped.
  return folded(counted, watermark, { kind: 'scan', ge: t.ms }, null, { kind: 'continue' });
}

/** A row's `updatedAt` as epoch ms (floored) plus its raw string, or null when missing or unparsable (L-13, L-14). */
export function updatedAtOf(row: Item): Watermark | null {
  const raw = row['updatedAt'];
  if (typeof raw !== 'string') return null;
  const ms = epochMsOf(raw);
  return ms === null ? null : { ms, raw };
}

/** Whether a pulled row must be written over the local row (null: none): a tombstone removes it, a live row replaces it unless the versions match (L-05, L-13). */
export function shouldApply(local: Item | null, serverRow: Item): boolean {
  if (isTombstone(serverRow)) return local !== null;
  const version = serverRow['version'];
  return local === null || typeof version !== 'string' || local['version'] !== version;
}

/** A cursor of `next`'s kind with the run's totals and `watermark`, and the record persisting `watermark` and `drain`. */
function folded(totals: CursorBase, watermark: Watermark | null, next: CursorPosition, drain: Drain | null, outcome: PageOutcome): AppliedPage {
  const { pageSize, pages, rows } = totals;
  return { cursor: { pageSize, watermark, pages, rows, ...next }, record: { watermark, drain }, outcome };
}

/** L-06: the watermark never decreases; on a tie the stored raw string stays. */
function maxWatermark(current: Watermark | null, candidate: Watermark): Watermark {
  return current !== null && current.ms >= candidate.ms ? current : candidate;
}
