/**
 * An in-memory upstream table server behind the TablesRemote port, with the server semantics the
 * engine relies on (PROTOCOL.md §2): versions, updatedAt, 409/412 with rows, 404/410, tombstones,
 * paging by `$top` with Link/nextLink, filters through the core evaluator. Hooks inject failures:
 * network errors, statuses (5xx, 401…), answers dropped after the write was applied.
 */
import { formatDateTime } from '../../src/core/dates.js';
import { errorResponse, formatError } from '../../src/core/dialect/format-error.js';
import { formatConflict, formatCreated, formatDeleted, formatItem, formatNotModified } from '../../src/core/dialect/format-item.js';
import { pagingOf } from '../../src/core/dialect/dialect-facts.js';
import { formatList, pageLimit } from '../../src/core/dialect/format-list.js';
import { PULL_TOP_HEADER } from '../../src/core/pull-query.js';
import { isSyncRead, syncReadSettings } from '../../src/server/sync-read.js';
import { parseTableRequest } from '../../src/core/dialect/parse-table-request.js';
import { ifMatchPasses, ifNoneMatchHits } from '../../src/core/dialect/precondition.js';
import { resolveTarget } from '../../src/core/dialect/resolve-target.js';
import type { OutboundRequest, TableRequest, TableResponse, TableSettings } from '../../src/core/dialect/types.js';
import { validateWriteBody } from '../../src/core/dialect/validate-write-body.js';
import { isSystemProperty, isTombstone, type FieldValue, type Item } from '../../src/core/item.js';
import { runQuery } from '../../src/core/odata/query.js';
import type { RemoteResponse, TablesRemote } from '../../src/engine/ports.js';

/** A failure to inject into the next matching request. */
export type Failure =
  | { readonly kind: 'network' }
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  /** The server applies the request, then the answer is lost (a network error to the client). */
  | { readonly kind: 'drop-after-apply' };

/** One configured upstream table. */
export interface FakeTable {
  readonly name: string;
  readonly softDelete?: boolean;
  readonly pageSize?: number | null;
  readonly maxTop?: number | null;
  /** Pages sync reads as the reference server does, offering bigger pages (src/server/sync-read.ts). */
  readonly syncReads?: boolean;
}

export interface FakeUpstreamOptions {
  readonly tables: readonly FakeTable[];
  /** The server clock (epoch ms); default a counter that moves 1 ms per write. */
  readonly now?: () => number;
  /** Default `http://upstream.test`. */
  readonly origin?: string;
}

/** A request as the server received it. */
export interface ReceivedRequest extends OutboundRequest {
  readonly status: number | null;
}

export interface FakeUpstream {
  readonly remote: TablesRemote;
  readonly origin: string;
  /** Every request received, in order, with the status answered (null: network error). */
  readonly requests: ReceivedRequest[];
  /** Every stored row of a table, tombstones included, by id. */
  rows(table: string): Item[];
  row(table: string, id: string): Item | null;
  /** Another device's insert or update: app fields merged, new version and updatedAt. */
  write(table: string, fields: Readonly<Record<string, FieldValue>> & { readonly id: string }): Item;
  /** Another device's delete: a tombstone (or the row removed without soft delete). */
  remove(table: string, id: string): void;
  /** Puts a row exactly as given (system properties included), for pull edge cases. */
  seed(table: string, item: Item): void;
  /** The next `times` requests matching `match` get `failure`. */
  inject(failure: Failure, options?: { readonly times?: number; readonly match?: (request: OutboundRequest) => boolean }): void;
  /** Drops every injected failure not yet used. */
  clearFailures(): void;
  /** Called when a request arrives, before the server acts (U-03 checks the store here). */
  onRequest(listener: (request: OutboundRequest) => void | Promise<void>): void;
  /** Requires credentials: a request failing `check` gets 401. */
  requireAuth(check: ((headers: Readonly<Record<string, string>>) => boolean) | null): void;
  /** Conflict and not-found answers carry `{error, code}` instead of the row (js-client#205, [node]). */
  errorBodies(on: boolean): void;
  /** Strip `ETag` from answers, as a cross-origin server that does not expose it (U-19). */
  hideETags(on: boolean): void;
}

const clone = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** Creates a fake upstream server. */
export function createFakeUpstream(options: FakeUpstreamOptions): FakeUpstream {
  const origin = options.origin ?? 'http://upstream.test';
  const settings = new Map<string, TableSettings>(
    options.tables.map((t) => [t.name, { name: t.name, softDelete: t.softDelete ?? true, pageSize: t.pageSize ?? null, maxTop: t.maxTop ?? null, strict: false }]),
  );
  const syncReadTables = new Set(options.tables.filter((t) => t.syncReads === true).map((t) => t.name));
  const data = new Map<string, Map<string, Item>>(options.tables.map((t) => [t.name, new Map()]));
  let tick = Date.UTC(2025, 0, 1);
  const now = options.now ?? (() => (tick += 1));
  let lastStamp = 0;
  let versionCounter = 0;
  let idCounter = 0;
  const failures: { failure: Failure; times: number; match: (r: OutboundRequest) => boolean }[] = [];
  const listeners: ((r: OutboundRequest) => void | Promise<void>)[] = [];
  const requests: ReceivedRequest[] = [];
  let authCheck: ((headers: Readonly<Record<string, string>>) => boolean) | null = null;
  let errorBodiesOn = false;
  let hideETagsOn = false;

  const tableOf = (name: string): Map<string, Item> => {
    const t = data.get(name);
    if (!t) throw new Error(`fake upstream has no table ${name}`);
    return t;
  };
  const stamp = (): { version: string; updatedAt: string } => {
    lastStamp = Math.max(lastStamp, now());
    versionCounter++;
    return { version: `v${versionCounter}`, updatedAt: formatDateTime(lastStamp) };
  };
  const appFieldsOf = (item: Readonly<Record<string, FieldValue>>): Record<string, FieldValue> =>
    Object.fromEntries(Object.entries(item).filter(([k]) => !isSystemProperty(k)));

  function store(table: string, id: string, fields: Readonly<Record<string, FieldValue>>, previous: Item | null): Item {
    const s = stamp();
    const row: Item = { id, ...fields, createdAt: (previous?.['createdAt'] as string | undefined) ?? s.updatedAt, updatedAt: s.updatedAt, version: s.version, deleted: false };
    tableOf(table).set(id, row);
    return row;
  }

  function tombstone(table: string, row: Item): Item {
    const name = settings.get(table);
    const s = stamp();
    const dead: Item = { ...row, updatedAt: s.updatedAt, version: s.version, deleted: true };
    if (name?.softDelete === false) tableOf(table).delete(row['id'] as string);
    else tableOf(table).set(row['id'] as string, dead);
    return dead;
  }

  const conflictAnswer = (status: 409 | 412, row: Item): TableResponse =>
    errorBodiesOn ? errorResponse('id_conflict') : formatConflict(status, row);

  function handle(request: TableRequest): TableResponse {
    const rows = tableOf(request.table);
    const tableSettings = settings.get(request.table) as TableSettings;
    switch (request.kind) {
      case 'list': {
        const visible = [...rows.values()].filter((r) => request.query.includeDeleted || !isTombstone(r));
        const { filter, orderBy, skip } = request.query;
        const sync = syncReadTables.has(request.table) && isSyncRead(request.query) ? syncReadSettings(tableSettings, pagingOf(request.dialect, tableSettings).maxTop) : null;
        const paged = sync ?? tableSettings;
        const page = runQuery(visible, { filter, orderBy, skip, limit: pageLimit(request, paged), select: null });
        const answer = formatList(request, paged, page);
        return sync === null ? answer : { ...answer, headers: { ...answer.headers, [PULL_TOP_HEADER]: String(sync.pageSize) } };
      }
      case 'get': {
        const target = resolveTarget(request, rows.get(request.id) ?? null);
        if (!target.ok) return formatError(target.error);
        const version = target.value['version'];
        if (ifNoneMatchHits(request.ifNoneMatch, typeof version === 'string' ? version : null)) return formatNotModified(target.value);
        return formatItem(target.value);
      }
      case 'insert': {
        const body = validateWriteBody(request, { reserved: 'reject' });
        if (!body.ok) return formatError(body.error);
        const id = body.value.id ?? `srv-${++idCounter}`;
        const existing = rows.get(id);
        if (existing) return conflictAnswer(409, existing);
        return formatCreated(store(request.table, id, body.value.fields, null), `${origin}/tables/${request.table}`);
      }
      case 'update': {
        const body = validateWriteBody(request, { reserved: 'reject' });
        if (!body.ok) return formatError(body.error);
        const target = resolveTarget(request, rows.get(request.id) ?? null);
        if (!target.ok) return formatError(target.error);
        const row = target.value;
        if (!ifMatchPasses(request.ifMatch, [row['version'] as string])) return conflictAnswer(412, row);
        if (body.value.expectedVersion !== null && body.value.expectedVersion !== row['version']) return conflictAnswer(409, row);
        const fields = request.mode === 'merge' ? { ...appFieldsOf(row), ...body.value.fields } : body.value.fields;
        return formatItem(store(request.table, request.id, fields, row));
      }
      case 'delete': {
        const target = resolveTarget(request, rows.get(request.id) ?? null);
        if (!target.ok) return formatError(target.error);
        if (!ifMatchPasses(request.ifMatch, [target.value['version'] as string])) return conflictAnswer(412, target.value);
        return formatDeleted(request.dialect, tombstone(request.table, target.value));
      }
      case 'undelete': {
        const target = resolveTarget(request, rows.get(request.id) ?? null);
        if (!target.ok) return formatError(target.error);
        if (!ifMatchPasses(request.ifMatch, [target.value['version'] as string])) return conflictAnswer(412, target.value);
        const row = isTombstone(target.value) ? store(request.table, request.id, appFieldsOf(target.value), target.value) : target.value;
        return formatItem(row, 201);
      }
    }
  }

  function answer(response: TableResponse): RemoteResponse {
    const headers = { ...response.headers };
    if (hideETagsOn) delete headers['etag'];
    return { kind: 'response', status: response.status, headers, body: clone(response.body) };
  }

  const remote: TablesRemote = {
    async send(outbound) {
      for (const listener of listeners) await listener(outbound);
      const index = failures.findIndex((f) => f.match(outbound));
      const injected = index >= 0 ? failures[index] : undefined;
      if (injected) {
        injected.times--;
        if (injected.times <= 0) failures.splice(index, 1);
      }
      const log = (status: number | null): void => void requests.push({ ...outbound, status });
      if (injected?.failure.kind === 'network') {
        log(null);
        return { kind: 'network-error', message: 'Failed to fetch' };
      }
      if (injected?.failure.kind === 'status') {
        const f = injected.failure;
        log(f.status);
        return { kind: 'response', status: f.status, headers: { ...(f.headers ?? {}) }, body: f.body ?? null };
      }
      if (authCheck !== null && !authCheck(outbound.headers)) {
        log(401);
        return answer(errorResponse('unauthorized'));
      }
      const parsed = parseTableRequest(
        { method: outbound.method, url: `${origin}${outbound.path}`, headers: outbound.headers, body: outbound.body },
        { table: (name) => settings.get(name) ?? null, fallbackDialect: 'v3', bodyLimit: 1024 * 1024 },
      );
      const response = parsed.ok ? handle(parsed.value) : formatError(parsed.error);
      if (injected?.failure.kind === 'drop-after-apply') {
        log(null);
        return { kind: 'network-error', message: 'Failed to fetch (answer lost)' };
      }
      log(response.status);
      return answer(response);
    },
  };

  return {
    remote,
    origin,
    requests,
    rows: (table) => [...tableOf(table).values()].map(clone),
    row: (table, id) => clone(tableOf(table).get(id) ?? null),
    write(table, fields) {
      const previous = tableOf(table).get(fields.id) ?? null;
      const base = previous === null || isTombstone(previous) ? {} : appFieldsOf(previous);
      return clone(store(table, fields.id, { ...base, ...appFieldsOf(fields) }, previous));
    },
    remove(table, id) {
      const row = tableOf(table).get(id);
      if (row) tombstone(table, row);
    },
    seed(table, item) {
      tableOf(table).set(item['id'] as string, clone(item));
    },
    inject(failure, opts = {}) {
      failures.push({ failure, times: opts.times ?? 1, match: opts.match ?? (() => true) });
    },
    clearFailures() {
      failures.length = 0;
    },
    onRequest(listener) {
      listeners.push(listener);
    },
    requireAuth(check) {
      authCheck = check;
    },
    errorBodies(on) {
      errorBodiesOn = on;
    },
    hideETags(on) {
      hideETagsOn = on;
    },
  };
}
