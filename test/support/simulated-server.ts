/**
 * An in-memory table server for pull tests (pure, no I/O): rows with an `updatedAt` at microsecond
 * precision and a version from one sequence, answering a pull step with the server's semantics
 * (`ge`/`lt` on `updatedAt`, `id gt`, `$orderby`, `$top`, a page-size cap, "more rows remain"),
 * with hooks that mutate rows between requests. The clock only moves when told, or by
 * `tickPerRequestMs` after each answer (a request takes time, so later writes land later).
 */
import type { Item } from '../../src/core/item.js';
import { formatDateTime } from '../../src/core/dates.js';
import type { OutboundRequest } from '../../src/core/dialect/types.js';
import { epochMsOf } from '../../src/core/dates.js';
import type { PullFetch, PulledPage } from '../../src/core/watermark.js';
import type { RemoteResponse } from '../../src/engine/ports.js';

/** One stored row; `micros` null models a missing or unparsable `updatedAt` (L-13). */
export interface SimulatedRow {
  readonly id: string;
  readonly micros: number | null;
  /** The `updatedAt` string sent; by default the 3-digit form of `micros`. */
  readonly raw: string | null;
  readonly version: string;
  readonly deleted: boolean;
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
}

/** Called before each request is answered, with its 0-based index: the place to mutate rows mid-pull. */
export type RequestHook = (index: number, server: SimulatedServer) => void;

export interface SimulatedServerOptions {
  /** The server's own page cap (v3 answers min($top, pageSize), with a continuation when capped). */
  readonly pageSize?: number;
  /** The clock's start, epoch ms. */
  readonly nowMs?: number;
  /** How far the clock moves after each answer; default 1 ms. */
  readonly tickPerRequestMs?: number;
  /** When true, a row's `updatedAt` is sent with 7 fractional digits and micro offsets are kept. */
  readonly sevenDigits?: boolean;
}

export interface WriteOptions {
  /** The row's updatedAt in epoch ms; default the clock (a late commit passes an earlier one). */
  readonly ms?: number;
  /** Microseconds within that millisecond, 0–999. */
  readonly micro?: number;
  /** Send this string as `updatedAt` instead of the formatted instant (the instant still comes from `ms` and `micro`). */
  readonly raw?: string;
  readonly fields?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface SimulatedServer {
  now(): number;
  advance(ms: number): void;
  /** Inserts or replaces a live row with a fresh version. */
  upsert(id: string, options?: WriteOptions): Item;
  /** Tombstones a row with a fresh version and updatedAt (P6). */
  remove(id: string, options?: WriteOptions): Item;
  /** Stores a row whose updatedAt is missing (raw null) or unparsable (raw text) (L-13). */
  putUnparsable(id: string, raw: string | null): Item;
  /** `count` rows `${prefix}${i}` sharing one millisecond (bulk edits). */
  bulk(prefix: string, count: number, options?: WriteOptions): void;
  row(id: string): Item | undefined;
  /** Every row as the server would send it, tombstones included. */
  rows(): Item[];
  onRequest(hook: RequestHook): void;
  /** Answers a pull step, `where` standing for the pull's own `$filter`. */
  answer(step: PullFetch, where?: (row: Item) => boolean): PulledPage;
  /**
   * Answers a pull GET as built by `buildPullRequest`, in the dialect its `ZUMO-API-VERSION` names:
   * v2 an array plus `Link` when more rows remain, v3 `{items, nextLink}`. Only the bounds the
   * cursor adds are read from `$filter`; `where` stands for the pull's own filter.
   */
  respond(request: OutboundRequest, where?: (row: Item) => boolean): RemoteResponse;
  readonly requests: readonly PullFetch[];
}

export function createSimulatedServer(options: SimulatedServerOptions = {}): SimulatedServer {
  const rows = new Map<string, SimulatedRow>();
  const hooks: RequestHook[] = [];
  const requests: PullFetch[] = [];
  const tick = options.tickPerRequestMs ?? 1;
  let clock = options.nowMs ?? Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  let seq = 0;

  const toItem = (row: SimulatedRow): Item => {
    const item: Record<string, string | number | boolean | null> = { ...row.fields, id: row.id, version: row.version, deleted: row.deleted };
    if (row.raw !== null) item['updatedAt'] = row.raw;
    return item;
  };
  const stamp = (w: WriteOptions): { micros: number; raw: string } => {
    const ms = w.ms ?? clock;
    const micro = w.micro ?? 0;
    const micros = ms * 1000 + micro;
    if (w.raw !== undefined) return { micros, raw: w.raw };
    const base = formatDateTime(ms);
    const raw = options.sevenDigits ? `${base.slice(0, -1)}${String(micro).padStart(3, '0')}0Z` : base;
    return { micros, raw };
  };
  const write = (id: string, deleted: boolean, w: WriteOptions): Item => {
    const { micros, raw } = stamp(w);
    const row: SimulatedRow = { id, micros, raw, version: `v${++seq}`, deleted, fields: w.fields ?? rows.get(id)?.fields ?? {} };
    rows.set(id, row);
    return toItem(row);
  };

  const server: SimulatedServer = {
    now: () => clock,
    advance(ms) {
      clock += ms;
    },
    upsert: (id, w = {}) => write(id, false, w),
    remove: (id, w = {}) => write(id, true, w),
    putUnparsable(id, raw) {
      const row: SimulatedRow = { id, micros: null, raw, version: `v${++seq}`, deleted: false, fields: {} };
      rows.set(id, row);
      return toItem(row);
    },
    bulk(prefix, count, w = {}) {
      for (let i = 0; i < count; i++) write(`${prefix}${String(i).padStart(6, '0')}`, false, w);
    },
    row(id) {
      const row = rows.get(id);
      return row && toItem(row);
    },
    rows: () => [...rows.values()].map(toItem),
    onRequest(hook) {
      hooks.push(hook);
    },
    answer(step, where) {
      const index = requests.length;
      requests.push(step);
      for (const hook of hooks) hook(index, server);
      // Null updatedAt fails every comparison, as in SQL and PROTOCOL.md §2.4 rule 2.
      const matches = [...rows.values()].filter((row) => {
        if (step.ge !== null && (row.micros === null || row.micros < step.ge * 1000)) return false;
        if (step.lt !== null && (row.micros === null || row.micros >= step.lt * 1000)) return false;
        if (step.afterId !== null && !(row.id > step.afterId)) return false;
        return where === undefined || where(toItem(row));
      });
      matches.sort(step.orderBy === 'id' ? byId : byUpdatedAtThenId);
      const size = Math.min(step.top, options.pageSize ?? Infinity);
      const page = matches.slice(0, size);
      clock += tick;
      return { rows: page.map(toItem), hasMore: matches.length > page.length };
    },
    respond(request, where) {
      const step = stepOf(request);
      if (step === null) return { kind: 'response', status: 400, headers: {}, body: { error: 'Not a pull request', code: 'invalid_query' } };
      const page = server.answer(step, where);
      const v2 = (request.headers['ZUMO-API-VERSION'] ?? '').startsWith('2.');
      const next = `${request.path.split('?')[0] ?? ''}?$skip=${page.rows.length}`;
      if (v2) {
        const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
        if (page.hasMore) headers['link'] = `http://127.0.0.1${next}; rel=next`;
        return { kind: 'response', status: 200, headers, body: page.rows };
      }
      const body = page.hasMore ? { items: page.rows, nextLink: next.slice(next.indexOf('?') + 1) } : { items: page.rows };
      return { kind: 'response', status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body };
    },
    get requests() {
      return requests;
    },
  };
  return server;
}

/** Reads back the cursor's bounds from a pull GET's query (the shapes `buildPullRequest` writes). */
function stepOf(request: OutboundRequest): PullFetch | null {
  const query = request.path.slice(request.path.indexOf('?') + 1);
  const options = new Map(
    query.split('&').map((part) => {
      const eq = part.indexOf('=');
      return [part.slice(0, eq), decodeURIComponent(part.slice(eq + 1))] as const;
    }),
  );
  const filter = options.get('$filter') ?? '';
  const top = Number(options.get('$top'));
  if (request.method !== 'GET' || options.get('__includeDeleted') !== 'true' || !Number.isInteger(top)) return null;
  const literal = String.raw`(?:datetimeoffset'([^']+)'|cast\(([^,]+),Edm\.DateTimeOffset\))`;
  const bound = (op: string): number | null => {
    const m = new RegExp(`updatedAt ${op} ${literal}`).exec(filter);
    return m ? epochMsOf((m[1] ?? m[2]) as string) : null;
  };
  const after = /\(id gt '((?:[^']|'')*)'\)$/.exec(filter);
  return {
    kind: 'fetch',
    ge: bound('ge'),
    lt: bound('lt'),
    afterId: after ? (after[1] as string).replace(/''/g, "'") : null,
    orderBy: options.get('$orderby') === 'id' ? 'id' : 'updatedAt',
    top,
  };
}

function byId(a: SimulatedRow, b: SimulatedRow): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Ascending puts null first (PROTOCOL.md §2.3), then instants, then `id asc`. */
function byUpdatedAtThenId(a: SimulatedRow, b: SimulatedRow): number {
  const x = a.micros ?? -Infinity, y = b.micros ?? -Infinity;
  return x < y ? -1 : x > y ? 1 : byId(a, b);
}
