import { adoptServerVersion, appendPushedVersion, resetKnownVersions } from '../core/known-versions.js';
import { isTombstone, versionOf, type Item } from '../core/item.js';
import type { Op } from '../core/op.js';
import { rebasePush, settlePush, type PushSettlement } from '../core/push-outcome.js';
import type { ResolutionPlan } from '../core/conflict.js';
import { shouldApply } from '../core/watermark.js';
import type { EngineContext } from './engine-context.js';
import type { Change, StoredRow } from './ports.js';

/** How a settled op's new version joins the row's known versions (§3.2). */
export type VersionRule = 'append' | 'adopt' | 'reset';

function knownAfter(rule: VersionRule, known: readonly string[], version: string | null): readonly string[] {
  switch (rule) {
    case 'append':
      return appendPushedVersion(known, version);
    case 'adopt':
      return adoptServerVersion(known, version);
    case 'reset':
      return resetKnownVersions(version);
  }
}

/** The row change that stores `item` (null: removes it), carrying known versions; local rows are never tombstones. */
export function rowChange(table: string, id: string, item: Item | null, knownVersions: readonly string[]): Change {
  return item === null
    ? { kind: 'delete-row', table, id }
    : { kind: 'put-row', row: { table, id, item: { ...item, deleted: false }, knownVersions } };
}

/**
 * The server has no live row `id` any more (a delete settled, a tombstone or a 404/410 answered): a pull page fetched
 * before now that still holds its live copy must not bring it back (the fault suite: an app was then told 200 for an
 * update of a row it had deleted). Remembered only while pulls run, with the count of removals before it.
 */
export function noteServerRemoval(ctx: EngineContext, table: string, id: string): void {
  const removals = ctx.runtime.serverRemovals;
  if (ctx.runtime.pulls > 0) removals.rows.set(`${table}\0${id}`, removals.count++);
}

/**
 * A server row stored as a pull stores it (L-04, L-05, L-13); null when the local row needs no change, or when the
 * row is older than the local one: a version this device knew and has since pushed past (a page fetched before a
 * write-through settled, committed after it). Versions never repeat, so a known one that is not the last is stale.
 */
export function pulledRowChange(table: string, id: string, stored: StoredRow | null, row: Item): Change | null {
  if (!shouldApply(stored?.item ?? null, row)) return null;
  const version = versionOf(row);
  if (stored !== null && version !== null && stored.knownVersions.includes(version) && stored.knownVersions.at(-1) !== version) return null;
  return rowChange(table, id, isTombstone(row) ? null : row, adoptServerVersion(stored?.knownVersions ?? [], versionOf(row)));
}

/** K-14: removing an op always removes its conflict record in the same commit. */
export const removeOp = (seq: number): Change[] => [
  { kind: 'delete-op', seq },
  { kind: 'delete-conflict', opSeq: seq },
];

async function storedRow(ctx: EngineContext, op: Op): Promise<StoredRow | null> {
  return (await ctx.index.rows(op.table)).get(op.itemId) ?? null;
}

/**
 * U-08, U-09: the server completed the op as sent; with no edit since, remove it and store the
 * server row, else keep it rebased. Returns whether the op is gone.
 */
export async function settleDone(
  ctx: EngineContext,
  current: Op,
  sentEditCounter: number,
  serverRow: Item | null,
  rule: VersionRule,
): Promise<{ readonly changes: Change[]; readonly completed: boolean }> {
  return settlementChanges(ctx, current, settlePush(current, sentEditCounter, serverRow), rule);
}

/**
 * U-11 with P10 + P12: an earlier attempt whose answer was lost wrote `serverRow`; the op stays `pending` rebased
 * on it (U-09, `unconfirmed` cleared) and its version, this device's own, joins the known ones. Returns the op.
 */
export async function settleRebase(ctx: EngineContext, current: Op, serverRow: Item): Promise<{ readonly changes: Change[]; readonly op: Op }> {
  const settlement = rebasePush(current, serverRow);
  return { changes: (await settlementChanges(ctx, current, settlement, 'append')).changes, op: settlement.op };
}

async function settlementChanges(
  ctx: EngineContext,
  current: Op,
  settlement: PushSettlement,
  rule: VersionRule,
): Promise<{ readonly changes: Change[]; readonly completed: boolean }> {
  const known = (await storedRow(ctx, current))?.knownVersions ?? [];
  const knownVersions = knownAfter(rule, known, settlement.version);
  if (settlement.kind === 'complete') {
    if (settlement.row === null) noteServerRemoval(ctx, current.table, current.itemId);
    return { changes: [...removeOp(current.seq), rowChange(current.table, current.itemId, settlement.row, knownVersions)], completed: true };
  }
  return {
    changes: [{ kind: 'put-op', op: settlement.op }, rowChange(current.table, current.itemId, settlement.row, knownVersions)],
    completed: false,
  };
}

/** The changes that apply a resolution plan to an op (K-03…K-09, K-14); `hold` is the caller's. */
export async function planChanges(ctx: EngineContext, op: Op, plan: Exclude<ResolutionPlan, { readonly kind: 'hold' }>): Promise<Change[]> {
  const stored = await storedRow(ctx, op);
  switch (plan.kind) {
    case 'adopt-server':
      // K-03: the server row, known versions reset to its version.
      if (plan.row === null || isTombstone(plan.row)) noteServerRemoval(ctx, op.table, op.itemId);
      return [...removeOp(op.seq), rowChange(op.table, op.itemId, plan.row, resetKnownVersions(versionOf(plan.row)))];
    case 'discard':
      // K-08: the newest known server state, no request.
      return [...removeOp(op.seq), rowChange(op.table, op.itemId, plan.row, knownAfter('adopt', stored?.knownVersions ?? [], versionOf(plan.row)))];
    case 'resend': {
      // The plan's op goes against the server row now, without earlier unconfirmed sends: they no longer tell an echo (U-11).
      const changes: Change[] = [{ kind: 'put-op', op: plan.op }, { kind: 'delete-conflict', opSeq: op.seq }];
      // K-06: a merged value becomes the local row too.
      if (plan.localRow !== null) changes.push(rowChange(op.table, op.itemId, plan.localRow, stored?.knownVersions ?? []));
      return changes;
    }
  }
}
