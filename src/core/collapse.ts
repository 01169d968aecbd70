import { versionOf, type Item } from './item.js';
import type { NewOp, Op, OpKind } from './op.js';

/** A local write the app asked for: the row after it (insert, update) or none (delete). */
export type LocalAction =
  | { readonly kind: 'insert'; readonly row: Item }
  | { readonly kind: 'update'; readonly row: Item }
  | { readonly kind: 'delete' };

/** The facts a collapse needs besides the op and the action; `row` is the local row before the write. */
export interface CollapseContext {
  readonly table: string;
  readonly itemId: string;
  /** Epoch ms of this write: the op's `editedAt`. */
  readonly now: number;
  /** `iss|sub` of the current credentials (identity.ts), recorded on a new op only. */
  readonly identity: string | null;
  readonly row: Item | null;
}

/**
 * What to journal for one local write. `localRow` is the row to store after it (null: remove it).
 * `append` adds a new op; `replace` rewrites the op of the same `seq` (when `conflictFollows`, the op is held
 * and its conflict record's `localRow` must become `localRow`, W-14); `drop` removes op and row; `reject` changes
 * nothing and answers `status` with `code`.
 */
export type CollapseOutcome =
  | { readonly kind: 'append'; readonly op: NewOp; readonly localRow: Item | null }
  | { readonly kind: 'replace'; readonly op: Op; readonly localRow: Item | null; readonly conflictFollows: boolean }
  | { readonly kind: 'drop' }
  | { readonly kind: 'reject'; readonly status: 409; readonly code: 'id_conflict' }
  | { readonly kind: 'reject'; readonly status: 404; readonly code: 'item_not_found' };

const rowExists = { kind: 'reject', status: 409, code: 'id_conflict' } as const;
const rowAbsent = { kind: 'reject', status: 404, code: 'item_not_found' } as const;

/**
 * Folds a local write into the item's op (PROTOCOL.md §3.2–3.3), so at most one op exists per item (W-03).
 * Implements W-04 (new op with base and identity), W-05, W-06, W-07, W-08, W-09, W-10, W-11, W-12 (409 / 404,
 * op unchanged), W-13 (same `seq`, `editCounter + 1`, an in-flight op stays `inflight`, `unconfirmed` kept for
 * U-11) and W-14 (`failed` → `pending`, `held` stays held and its conflict follows). Without an op, an insert onto
 * an existing row gets 409 and an update or delete of an absent row 404 (F-08, F-09).
 */
export function collapse(existing: Op | null, action: LocalAction, context: CollapseContext): CollapseOutcome {
  if (existing === null) return first(action, context);
  switch (existing.kind) {
    case 'insert':
      if (action.kind === 'insert') return rowExists;
      if (action.kind === 'update') return replace(existing, context, { kind: 'insert', snapshot: action.row }, action.row);
      // W-06: the server never saw it; W-07: it may have, so the delete goes with no precondition.
      if (!existing.attempted) return { kind: 'drop' };
      return replace(existing, context, { kind: 'delete', snapshot: null, baseVersion: null, baseRow: null }, null);
    case 'update':
      if (action.kind === 'insert') return rowExists;
      if (action.kind === 'update') return replace(existing, context, { kind: 'update', snapshot: action.row }, action.row);
      return replace(existing, context, { kind: 'delete', snapshot: null }, null);
    case 'delete':
      if (action.kind !== 'insert') return rowAbsent;
      // W-10 with a base: the server row exists, so the insert updates it; W-11 without: re-insert, still attempted.
      return existing.baseVersion !== null
        ? replace(existing, context, { kind: 'update', snapshot: action.row }, action.row)
        : replace(existing, context, { kind: 'insert', snapshot: action.row }, action.row);
  }
}

/** W-04: the first write to a row without an op. */
function first(action: LocalAction, context: CollapseContext): CollapseOutcome {
  const { row } = context;
  if (action.kind === 'insert') {
    if (row !== null) return rowExists;
    return { kind: 'append', op: newOp(context, 'insert', action.row, null), localRow: action.row };
  }
  if (row === null) return rowAbsent;
  return action.kind === 'update'
    ? { kind: 'append', op: newOp(context, 'update', action.row, row), localRow: action.row }
    : { kind: 'append', op: newOp(context, 'delete', null, row), localRow: null };
}

function newOp(context: CollapseContext, kind: OpKind, snapshot: Item | null, baseRow: Item | null): NewOp {
  return {
    table: context.table,
    itemId: context.itemId,
    kind,
    snapshot,
    baseVersion: versionOf(baseRow),
    baseRow,
    serverRow: null,
    state: 'pending',
    attempted: false,
    attempts: 0,
    lastAttemptAt: null,
    lastStatus: null,
    lastError: null,
    editCounter: 0,
    identity: context.identity,
    editedAt: context.now,
    blockedReason: null,
    nextAttemptAt: null,
  };
}

type OpChange = Pick<Op, 'kind' | 'snapshot'> & Partial<Pick<Op, 'baseVersion' | 'baseRow'>>;

/**
 * W-13, W-14: same seq, one more edit, `failed` becomes `pending`; `inflight` and `held` keep their state. The
 * `unconfirmed` snapshots stay (U-11): a local edit confirms nothing, and a retry must still know its own echo.
 */
function replace(existing: Op, context: CollapseContext, change: OpChange, localRow: Item | null): CollapseOutcome {
  // An update based on a server tombstone must undelete it first (K-05); a delete has nothing to undelete.
  // A new edit is a new body: a poisoned one's 5xx count starts again.
  const { undelete, serverErrors: _serverErrors, ...rest } = existing;
  const onTombstone = undelete === true || existing.baseRow?.['deleted'] === true;
  const op: Op = {
    ...rest,
    ...(onTombstone && change.kind === 'update' ? { undelete: true as const } : {}),
    ...change,
    state: existing.state === 'failed' ? 'pending' : existing.state,
    editCounter: existing.editCounter + 1,
    editedAt: context.now,
  };
  return { kind: 'replace', op, localRow, conflictFollows: existing.state === 'held' };
}
