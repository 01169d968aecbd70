import { epochMsOf } from './dates.js';
import { isFieldValue, isTombstone, versionOf, type Item } from './item.js';
import { mergeRows } from './merge.js';
import { pendingAgainst } from './push-outcome.js';
import type { Op, OpKind } from './op.js';

/** Why an op conflicts (K-01); the same union as `src/protocol.ts`'s `ConflictReason`. */
export type ConflictReason = 'precondition' | 'already-exists' | 'deleted-on-server';

/** What a conflict policy is shown (K-02); with `opSeq` and `detectedAt` it is the stored conflict record. */
export interface ConflictContext {
  readonly table: string;
  readonly itemId: string;
  readonly opKind: OpKind;
  readonly reason: ConflictReason;
  readonly status: number;
  readonly baseRow: Item | null;
  /** The row the app sees: the op's snapshot, null for a delete. */
  readonly localRow: Item | null;
  /** From the conflict body or U-12's lookup, else null. */
  readonly serverRow: Item | null;
}

/** How to settle a conflict (§3.5); structurally `src/protocol.ts`'s `Resolution`. */
export type Resolution =
  | { readonly kind: 'server' }
  | { readonly kind: 'client' }
  | { readonly kind: 'merge'; readonly value: Item }
  | { readonly kind: 'discard' }
  | { readonly kind: 'defer' };

/** A table's own resolver; may answer asynchronously (a page's resolver over Comlink). */
export type ConflictResolver = (context: ConflictContext) => unknown;

/** A preset's name (§3.5). */
export type ConflictPreset = 'serverWins' | 'clientWins' | 'lastWriteWins' | 'hold' | 'merge';

/** A table's conflict policy: a preset or a resolver; none configured means `merge` (K-12). */
export type ConflictPolicy = ConflictPreset | ConflictResolver;

const SERVER: Resolution = { kind: 'server' };
const CLIENT: Resolution = { kind: 'client' };
const DEFER: Resolution = { kind: 'defer' };

/** `serverWins`: always the server row (K-03). */
export const serverWins = (_context: ConflictContext): Resolution => SERVER;

/** `clientWins`: always re-send (K-04, K-05). */
export const clientWins = (_context: ConflictContext): Resolution => CLIENT;

/** `hold`: always defer to the user (K-09). */
export const hold = (_context: ConflictContext): Resolution => DEFER;

/**
 * `lastWriteWins`: the client when the op's `editedAt` is after the server row's `updatedAt`, else the server (K-13);
 * no server row → client, a server row without a readable `updatedAt` → server.
 */
export function lastWriteWins(context: ConflictContext, editedAt: number): Resolution {
  if (context.serverRow === null) return CLIENT;
  const updatedAt = context.serverRow['updatedAt'];
  const serverMs = typeof updatedAt === 'string' ? epochMsOf(updatedAt) : null;
  return serverMs !== null && editedAt > serverMs ? CLIENT : SERVER;
}

/**
 * `merge`, the default: a 3-way merge of app fields against `baseRow` (`{}` for inserts) gives `{kind:'merge'}`;
 * a field changed differently on both sides, or any conflict with a delete (the op's, a tombstone, no server row),
 * defers (K-07).
 */
export function merge(context: ConflictContext): Resolution {
  const { serverRow, localRow } = context;
  if (context.opKind === 'delete' || localRow === null || serverRow === null || isTombstone(serverRow)) return DEFER;
  const result = mergeRows(context.opKind === 'insert' ? null : context.baseRow, localRow, serverRow);
  return result.kind === 'merged' ? { kind: 'merge', value: result.value } : DEFER;
}

/**
 * Runs a table's policy (`undefined`: `merge`, K-12) on a conflict; a resolver that throws, rejects or returns
 * anything but a valid Resolution defers (K-12). `editedAt` is the op's, for `lastWriteWins` (K-13).
 */
export async function resolveConflict(policy: ConflictPolicy | undefined, context: ConflictContext, editedAt: number): Promise<Resolution> {
  switch (policy) {
    case undefined:
    case 'merge':
      return merge(context);
    case 'serverWins':
      return serverWins(context);
    case 'clientWins':
      return clientWins(context);
    case 'hold':
      return hold(context);
    case 'lastWriteWins':
      return lastWriteWins(context, editedAt);
    default:
      try {
        return resolutionOrDefer(await policy(context));
      } catch {
        return DEFER;
      }
  }
}

/** `value` when it is a valid Resolution, else `defer` (K-12). */
export const resolutionOrDefer = (value: unknown): Resolution => (isResolution(value) ? value : DEFER);

/** True when a page- or resolver-supplied value is a Resolution: a known `kind`, and for `merge` a row of scalars (K-10, K-12). */
export function isResolution(value: unknown): value is Resolution {
  if (typeof value !== 'object' || value === null) return false;
  const { kind } = value as { kind?: unknown };
  if (kind === 'server' || kind === 'client' || kind === 'discard' || kind === 'defer') return true;
  if (kind !== 'merge') return false;
  const row = (value as { value?: unknown }).value;
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return false;
  return Object.values(row).every((v) => isFieldValue(v) && (typeof v !== 'number' || Number.isFinite(v)));
}

/** The context a policy sees for an op's conflict (K-02): the local row is the op's snapshot. */
export function conflictContextOf(op: Op, conflict: { readonly reason: ConflictReason; readonly status: number; readonly serverRow: Item | null }): ConflictContext {
  return {
    table: op.table,
    itemId: op.itemId,
    opKind: op.kind,
    reason: conflict.reason,
    status: conflict.status,
    baseRow: op.baseRow,
    localRow: op.snapshot,
    serverRow: conflict.serverRow,
  };
}

/**
 * What the engine does to apply a resolution (§3.5), in one transaction with removing the conflict record (K-14):
 * `adopt-server`: local row := `row` (null: remove), op removed, known versions := `resetKnownVersions` (K-03);
 * `resend`: store `op` (`pending`) and push it again, storing `localRow` as the local row when not null (K-04…K-06);
 * `discard`: op removed, local row := `row` (null: remove), no request (K-08); `hold`: op `held`, record kept (K-09).
 */
export type ResolutionPlan =
  | { readonly kind: 'adopt-server'; readonly row: Item | null }
  | { readonly kind: 'resend'; readonly op: Op; readonly localRow: Item | null }
  | { readonly kind: 'discard'; readonly row: Item | null }
  | { readonly kind: 'hold' };

/**
 * Turns a resolution of `op`'s conflict into a plan. `client` (K-04, K-05) and `merge` (K-06: `value` with its id
 * forced becomes snapshot and local row) re-send against the server row: a live one → `If-Match` its version (an
 * insert becomes `update`); a tombstone → `update` flagged `undelete` with the tombstone's version; none → `insert`
 * without precondition. A delete against a tombstone or nothing has nothing left to do and is discarded.
 */
export function planResolution(op: Op, resolution: Resolution, conflict: { readonly serverRow: Item | null }): ResolutionPlan {
  const { serverRow } = conflict;
  switch (resolution.kind) {
    case 'defer':
      return { kind: 'hold' };
    case 'server':
      return { kind: 'adopt-server', row: liveOrNull(serverRow) };
    case 'discard':
      return { kind: 'discard', row: liveOrNull(serverRow ?? op.serverRow ?? op.baseRow) };
    case 'client':
      return resend(op, op.kind, op.snapshot, serverRow, null);
    case 'merge': {
      const value: Item = { ...resolution.value, id: op.itemId };
      return resend(op, op.kind === 'insert' ? 'insert' : 'update', value, serverRow, value);
    }
  }
}

function resend(op: Op, kind: OpKind, snapshot: Item | null, serverRow: Item | null, localRow: Item | null): ResolutionPlan {
  if (kind === 'delete' && (serverRow === null || isTombstone(serverRow) || versionOf(serverRow) === null)) return { kind: 'discard', row: null };
  return { kind: 'resend', op: pendingAgainst(op, kind, kind === 'delete' ? null : snapshot, serverRow), localRow };
}

const liveOrNull = (row: Item | null): Item | null => (row === null || isTombstone(row) ? null : row);

/** Conflict rounds one op may go through in one push before it is held (K-11). */
export const MAX_CONFLICT_ROUNDS = 5;

/** `hold` once an op has been resolved `MAX_CONFLICT_ROUNDS` times in this push and conflicts again, else `resolve` (K-11). */
export const conflictRound = (roundsSoFar: number): 'resolve' | 'hold' => (roundsSoFar >= MAX_CONFLICT_ROUNDS ? 'hold' : 'resolve');
