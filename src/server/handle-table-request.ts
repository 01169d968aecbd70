import { randomUUID } from 'node:crypto';
import {
  conflictStatusOf, errorResponse, formatConflict, formatCreated, formatDeleted, formatError, formatItem, formatList,
  formatNotModified, ifMatchPasses, ifNoneMatchHits, pageLimit, pagingOf, resolveTarget, validateWriteBody,
  type TableRequest, type TableResponse, type WriteBody,
} from '../core/dialect/index.js';
import { SyncError } from '../core/errors.js';
import type { FieldValue } from '../core/item.js';
import type { OwnerScope, RowStore, StoredRow, WriteDecision } from './row-store.js';
import { storedItem } from './stored-item.js';
import { isSyncRead, PULL_TOP_HEADER, syncReadSettings } from './sync-read.js';
import type { TableConfig } from './table-config.js';

/** What answering one parsed request needs. */
export interface HandleContext {
  readonly table: TableConfig;
  readonly store: RowStore;
  /** The caller's subject on an owner-scoped table, else null. */
  readonly owner: OwnerScope;
}

/** A validated body's fields as stored: the owner field is the token's, never the body's (PROTOCOL.md §2.7). */
function storableFields(body: WriteBody, table: TableConfig): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(body.fields)) if (name !== table.owner?.field) out[name] = value;
  return out;
}

/** Why a write did not happen. */
type Refusal = { readonly kind: 'error'; readonly error: SyncError } | { readonly kind: 'conflict'; readonly status: 409 | 412; readonly row: StoredRow } | { readonly kind: 'live'; readonly row: StoredRow };

const refuse = (refusal: Refusal): WriteDecision<Refusal> => ({ kind: 'reject', reason: refusal });

function refusalResponse(refusal: Refusal, table: TableConfig, url: string): TableResponse {
  switch (refusal.kind) {
    case 'error':
      return formatError(refusal.error);
    case 'conflict':
      return formatConflict(refusal.status, storedItem(refusal.row, table));
    case 'live':
      return formatCreated(storedItem(refusal.row, table), url); // a live row's undelete returns it unchanged
  }
}

/** Answers one parsed `/tables` request from the store (PROTOCOL.md §2.5–2.7). */
export async function handleTableRequest(request: TableRequest, ctx: HandleContext): Promise<TableResponse> {
  const { table, store, owner } = ctx;
  switch (request.kind) {
    case 'list': {
      const { query } = request;
      const sync = isSyncRead(query) ? syncReadSettings(table, pagingOf(request.dialect, table).maxTop) : null;
      const settings = sync ?? table;
      const limit = pageLimit(request, settings);
      const result = await store.list(
        table,
        { filter: query.filter, orderBy: query.orderBy, skip: query.skip, limit: limit + 1, includeDeleted: query.includeDeleted, count: query.count },
        owner,
      );
      if (!result.ok) return formatError(result.error);
      const items = result.value.rows.map((row) => storedItem(row, table));
      const answer = formatList(request, settings, { items, hasMore: false, count: result.value.count });
      return sync === null ? answer : { ...answer, headers: { ...answer.headers, [PULL_TOP_HEADER]: String(sync.pageSize) } };
    }
    case 'get': {
      const row = await store.get(table, request.id, owner);
      const target = resolveTarget(request, row === null ? null : storedItem(row, table));
      if (!target.ok) return formatError(target.error);
      if (row !== null && ifNoneMatchHits(request.ifNoneMatch, row.version)) return formatNotModified(target.value);
      return formatItem(target.value);
    }
    case 'insert': {
      const body = validateWriteBody(request, { reserved: 'reject' });
      if (!body.ok) return formatError(body.error);
      const outcome = await store.insert(table, body.value.id ?? randomUUID(), storableFields(body.value, table), owner);
      switch (outcome.kind) {
        case 'created':
          return formatCreated(storedItem(outcome.row, table), request.url);
        case 'exists':
          return formatConflict(409, storedItem(outcome.row, table));
        case 'foreign':
          return errorResponse('id_conflict', { id: body.value.id });
      }
    }
    case 'update': {
      const body = validateWriteBody(request, { reserved: 'reject' });
      if (!body.ok) return formatError(body.error);
      const fields = storableFields(body.value, table);
      const expectedVersion = body.value.expectedVersion;
      const outcome = await store.write<Refusal>(table, request.id, owner, (current) => {
        const target = resolveTarget(request, current === null ? null : storedItem(current, table));
        if (!target.ok || current === null) return refuse({ kind: 'error', error: target.ok ? new SyncError('item_not_found') : target.error });
        const status = conflictStatusOf({ ifMatch: request.ifMatch, expectedVersion }, [current.version]);
        if (status !== null) return refuse({ kind: 'conflict', status, row: current });
        const data = request.mode === 'merge' ? { ...current.data, ...fields } : fields;
        return { kind: 'write', data, deleted: false };
      });
      if (outcome.kind === 'rejected') return refusalResponse(outcome.reason, table, request.url);
      return formatItem(storedItem(outcome.row, table));
    }
    case 'delete': {
      const outcome = await store.write<Refusal>(table, request.id, owner, (current) => {
        const target = resolveTarget(request, current === null ? null : storedItem(current, table));
        if (!target.ok || current === null) return refuse({ kind: 'error', error: target.ok ? new SyncError('item_not_found') : target.error });
        if (!ifMatchPasses(request.ifMatch, [current.version])) return refuse({ kind: 'conflict', status: 412, row: current });
        return table.softDelete ? { kind: 'write', data: current.data, deleted: true } : { kind: 'remove' };
      });
      if (outcome.kind === 'rejected') return refusalResponse(outcome.reason, table, request.url);
      return formatDeleted(request.dialect, storedItem(outcome.row, table));
    }
    case 'undelete': {
      const outcome = await store.write<Refusal>(table, request.id, owner, (current) => {
        const target = resolveTarget(request, current === null ? null : storedItem(current, table));
        if (!target.ok || current === null) return refuse({ kind: 'error', error: target.ok ? new SyncError('item_not_found') : target.error });
        if (!ifMatchPasses(request.ifMatch, [current.version])) return refuse({ kind: 'conflict', status: 412, row: current });
        if (!current.deleted) return refuse({ kind: 'live', row: current });
        return { kind: 'write', data: current.data, deleted: false };
      });
      if (outcome.kind === 'rejected') return refusalResponse(outcome.reason, table, request.url);
      return formatCreated(storedItem(outcome.row, table), request.url);
    }
  }
}
