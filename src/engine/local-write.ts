import { collapse, type CollapseOutcome, type LocalAction } from '../core/collapse.js';
import { validateWriteBody } from '../core/dialect/validate-write-body.js';
import { errorResponse, formatError } from '../core/dialect/format-error.js';
import { formatConflict, formatCreated, formatDeleted, formatItem } from '../core/dialect/format-item.js';
import type { TableRequest, TableResponse } from '../core/dialect/types.js';
import { identityOf } from '../core/identity.js';
import { uuidV4 } from '../core/ids.js';
import { isSystemProperty, type FieldValue, type Item } from '../core/item.js';
import { passes } from '../core/known-versions.js';
import { adoptMissingRow } from './adopt-missing-row.js';
import type { EngineContext } from './engine-context.js';
import type { Change, StoredRow } from './ports.js';
import type { TableConfig } from './table-config.js';

/** The façade's write requests. */
export type WriteRequest = Extract<TableRequest, { readonly kind: 'insert' | 'update' | 'delete' | 'undelete' }>;

/**
 * Answers a write locally (PROTOCOL.md §3.8; F-08…F-14, W-01…W-14): validated as the server would,
 * preconditions against the row's known versions, collapsed into the op-log, and answered only
 * after one commit holding row, op and (W-14) conflict change; a quota failure is 507.
 */
export async function handleWrite(ctx: EngineContext, table: TableConfig, request: WriteRequest): Promise<TableResponse> {
  let body: { readonly id: string | null; readonly fields: Readonly<Record<string, FieldValue>>; readonly expectedVersion: string | null } | null = null;
  if (request.kind === 'insert' || request.kind === 'update') {
    const checked = validateWriteBody(request, { reserved: table.settings.strict ? 'reject' : 'drop' });
    if (!checked.ok) return formatError(checked.error);
    body = checked.value;
  }
  const id = request.kind === 'insert' ? (body?.id ?? uuidV4(ctx.deps.entropy.randomBytes())) : request.id;
  if (request.kind !== 'insert') await adoptMissingRow(ctx, table.name, id);
  const response = await ctx.exclusive.run(async () => {
    const rows = await ctx.index.rows(table.name);
    const row = rows.get(id) ?? null;
    return writeRow(ctx, request, row, id, body?.fields ?? {}, body?.expectedVersion ?? null);
  });
  // U-20: the push is scheduled without holding up the answer.
  if (response.status < 300 && request.kind !== 'undelete') {
    ctx.deps.scheduler.schedule().catch((error: unknown) => ctx.deps.log.error('scheduling a push failed', { error: String(error) }));
  }
  return response;
}

async function writeRow(
  ctx: EngineContext,
  request: WriteRequest,
  row: StoredRow | null,
  id: string,
  fields: Readonly<Record<string, FieldValue>>,
  expectedVersion: string | null,
): Promise<TableResponse> {
  if (request.kind !== 'insert') {
    if (row === null) return errorResponse('item_not_found', { id });
    // F-10, F-11: If-Match against the versions the app may legitimately hold.
    if (!passes(request.ifMatch, row.knownVersions)) return formatConflict(412, row.item);
    // F-12: a v2 PATCH body version without If-Match is the expected version (409 on mismatch).
    if (expectedVersion !== null && !row.knownVersions.includes(expectedVersion)) return formatConflict(409, row.item);
    if (request.kind === 'undelete') return formatItem(row.item, 201); // local rows are never tombstones
  } else if (row !== null) {
    return formatConflict(409, row.item); // F-08
  }
  const action = actionOf(request, row, id, fields);
  const op = await ctx.deps.store.getOp(request.table, id);
  const { authorization, zumoAuth } = ctx.credentials.current();
  const outcome = collapse(op, action, {
    table: request.table,
    itemId: id,
    now: ctx.deps.clock.now(),
    identity: identityOf(authorization ?? null, zumoAuth ?? null),
    row: row?.item ?? null,
  });
  if (outcome.kind === 'reject') {
    return outcome.status === 409 && row !== null ? formatConflict(409, row.item) : errorResponse(outcome.code, { id });
  }
  const changes = await changesOf(ctx, request.table, id, row, outcome, op?.seq ?? null);
  const result = await ctx.commit(changes);
  if (!result.ok) return errorResponse('storage_full'); // W-02, F-14
  switch (request.kind) {
    case 'insert':
      return formatCreated(rowOf(action), request.url);
    case 'update':
      return formatItem(rowOf(action));
    default:
      return formatDeleted(request.dialect, row?.item ?? { id });
  }
}

/** The row after the write: PATCH merges, PUT replaces, system properties stay the server's (F-07, F-09). */
function actionOf(request: WriteRequest, row: StoredRow | null, id: string, fields: Readonly<Record<string, FieldValue>>): LocalAction {
  if (request.kind === 'insert') return { kind: 'insert', row: { id, ...fields, deleted: false } };
  if (request.kind !== 'update' || row === null) return { kind: 'delete' };
  const system: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(row.item)) if (isSystemProperty(key)) system[key] = value;
  const base = request.mode === 'merge' ? row.item : system;
  return { kind: 'update', row: { ...base, ...fields, ...system, id, deleted: false } };
}

const rowOf = (action: LocalAction): Item => (action.kind === 'delete' ? {} : action.row);

async function changesOf(
  ctx: EngineContext,
  table: string,
  id: string,
  row: StoredRow | null,
  outcome: Exclude<CollapseOutcome, { readonly kind: 'reject' }>,
  seq: number | null,
): Promise<Change[]> {
  const knownVersions = row?.knownVersions ?? [];
  const rowChange = (item: Item | null): Change =>
    item === null ? { kind: 'delete-row', table, id } : { kind: 'put-row', row: { table, id, item, knownVersions } };
  switch (outcome.kind) {
    case 'append':
      return [rowChange(outcome.localRow), { kind: 'append-op', op: outcome.op }];
    case 'replace': {
      const changes: Change[] = [rowChange(outcome.localRow), { kind: 'put-op', op: outcome.op }];
      if (outcome.conflictFollows) {
        // W-14: a held op's conflict record shows the newest local row.
        const conflict = await ctx.deps.store.getConflict(outcome.op.seq);
        if (conflict) changes.push({ kind: 'put-conflict', conflict: { ...conflict, localRow: outcome.localRow } });
      }
      return changes;
    }
    case 'drop':
      // W-06; K-14: an op removed by any path loses its conflict record.
      return seq === null
        ? [rowChange(null)]
        : [rowChange(null), { kind: 'delete-op', seq }, { kind: 'delete-conflict', opSeq: seq }];
  }
}
