import { collapse, type CollapseOutcome, type LocalAction } from '../core/collapse.js';
import { validateWriteBody } from '../core/dialect/validate-write-body.js';
import { errorResponse, formatError } from '../core/dialect/format-error.js';
import { formatConflict, formatCreated, formatDeleted, formatItem } from '../core/dialect/format-item.js';
import type { TableRequest, TableResponse } from '../core/dialect/types.js';
import { identityOf } from '../core/identity.js';
import { uuidV4 } from '../core/ids.js';
import { systemFields, type FieldValue, type Item } from '../core/item.js';
import type { Op } from '../core/op.js';
import { passes } from '../core/known-versions.js';
import { adoptMissingRow } from './adopt-missing-row.js';
import type { EngineContext } from './engine-context.js';
import type { Change, StoredRow } from './ports.js';
import type { TableConfig } from './table-config.js';

/** The façade's write requests. */
export type WriteRequest = Extract<TableRequest, { readonly kind: 'insert' | 'update' | 'delete' | 'undelete' }>;

/** A write answered locally: the answer, the op it journaled, and why it was refused. */
export interface LocalWrite {
  readonly response: TableResponse;
  /** The op this write appended or collapsed into, as committed; null when none (refused, dropped by W-06, an undelete). */
  readonly op: Op | null;
  /**
   * `state`: refused for what the local copy holds (404 absent, 409 exists or body version, 412 stale), which a
   * stale local copy may get wrong; `other`: malformed input or a full quota; null: accepted.
   */
  readonly refused: 'state' | 'other' | null;
  /** v2: the PATCH body `version` sent without `If-Match`, the expected version (F-12); null otherwise. */
  readonly expectedVersion: string | null;
}

type Written = Omit<LocalWrite, 'expectedVersion'>;

const refusedFor = (refused: 'state' | 'other', response: TableResponse): LocalWrite => ({ response, op: null, refused, expectedVersion: null });

/**
 * Answers a write locally (PROTOCOL.md §3.8; F-08…F-14, W-01…W-14): validated as the server would,
 * preconditions against the row's known versions, collapsed into the op-log, and answered only
 * after one commit holding row, op and (W-14) conflict change; a quota failure is 507. The caller
 * schedules the push (`schedulePush`) once it knows the answer stays local.
 */
export async function handleWrite(ctx: EngineContext, table: TableConfig, request: WriteRequest): Promise<LocalWrite> {
  let body: { readonly id: string | null; readonly fields: Readonly<Record<string, FieldValue>>; readonly expectedVersion: string | null } | null = null;
  if (request.kind === 'insert' || request.kind === 'update') {
    const checked = validateWriteBody(request, { reserved: table.settings.strict ? 'reject' : 'drop' });
    if (!checked.ok) return refusedFor('other', formatError(checked.error));
    body = checked.value;
  }
  const id = request.kind === 'insert' ? (body?.id ?? uuidV4(ctx.deps.entropy.randomBytes())) : request.id;
  if (request.kind !== 'insert') await adoptMissingRow(ctx, table.name, id);
  const outcome = await ctx.exclusive.run(async () => {
    const rows = await ctx.index.rows(table.name);
    const row = rows.get(id) ?? null;
    return writeRow(ctx, request, row, id, body?.fields ?? {}, body?.expectedVersion ?? null);
  });
  return { ...outcome, expectedVersion: body?.expectedVersion ?? null };
}

/** U-20: an accepted write answered locally asks for a push, without holding up the answer. */
export function schedulePush(ctx: EngineContext, request: WriteRequest, written: LocalWrite): void {
  if (written.refused !== null || request.kind === 'undelete') return;
  ctx.deps.scheduler.schedule().catch((error: unknown) => ctx.deps.log.error('scheduling a push failed', { error: String(error) }));
}

async function writeRow(
  ctx: EngineContext,
  request: WriteRequest,
  row: StoredRow | null,
  id: string,
  fields: Readonly<Record<string, FieldValue>>,
  expectedVersion: string | null,
): Promise<Written> {
  if (request.kind !== 'insert') {
    if (row === null) return refusedFor('state', errorResponse('item_not_found', { id }));
    // F-10, F-11: If-Match against the versions the app may legitimately hold.
    if (!passes(request.ifMatch, row.knownVersions)) return refusedFor('state', formatConflict(412, row.item));
    // F-12: a v2 PATCH body version without If-Match is the expected version (409 on mismatch).
    if (expectedVersion !== null && !row.knownVersions.includes(expectedVersion)) return refusedFor('state', formatConflict(409, row.item));
    if (request.kind === 'undelete') return { response: formatItem(row.item, 201), op: null, refused: null } as Written; // local rows are never tombstones
  } else if (row !== null) {
    return refusedFor('state', formatConflict(409, row.item)); // F-08
  }
  const action = actionOf(request, row, id, fields);
  const op = await ctx.ops.get(request.table, id);
  const outcome = collapse(op, action, {
    table: request.table,
    itemId: id,
    now: ctx.deps.clock.now(),
    identity: identityOf(ctx.credentials.current()),
    row: row?.item ?? null,
  });
  if (outcome.kind === 'reject') {
    return refusedFor('state', outcome.status === 409 && row !== null ? formatConflict(409, row.item) : errorResponse(outcome.code, { id }));
  }
  const changes = await changesOf(ctx, request.table, id, row, outcome, op?.seq ?? null);
  const result = await ctx.commit(changes);
  if (!result.ok) return refusedFor('other', errorResponse('storage_full')); // W-02, F-14
  const journaled = journaledOp(outcome, result.appendedSeqs[0]);
  switch (request.kind) {
    case 'insert':
      return { response: formatCreated(rowOf(action), request.url), op: journaled, refused: null };
    case 'update':
      return { response: formatItem(rowOf(action)), op: journaled, refused: null };
    default:
      return { response: formatDeleted(request.dialect, row?.item ?? { id }), op: journaled, refused: null };
  }
}

/** The op as the commit stored it. */
function journaledOp(outcome: Exclude<CollapseOutcome, { readonly kind: 'reject' }>, appendedSeq: number | undefined): Op | null {
  if (outcome.kind === 'replace') return outcome.op;
  if (outcome.kind === 'append' && appendedSeq !== undefined) return { ...outcome.op, seq: appendedSeq };
  return null;
}

/** The row after the write: PATCH merges, PUT replaces, system properties stay the server's (F-07, F-09). */
function actionOf(request: WriteRequest, row: StoredRow | null, id: string, fields: Readonly<Record<string, FieldValue>>): LocalAction {
  if (request.kind === 'insert') return { kind: 'insert', row: { id, ...fields, deleted: false } };
  if (request.kind !== 'update' || row === null) return { kind: 'delete' };
  const system = systemFields(row.item);
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
