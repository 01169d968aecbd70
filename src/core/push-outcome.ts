import { appFields, isFieldValue, isTombstone, systemFields, versionOf, type FieldValue, type Item } from './item.js';
import type { ConflictReason } from './conflict.js';
import { listRows } from './list-rows.js';
import type { Op, OpKind } from './op.js';

/** What came back for one pushed op: a response (JSON body parsed, else null) or no answer at all. */
export type PushAnswer =
  | { readonly kind: 'response'; readonly status: number; readonly body: unknown; readonly retryAfter: string | null }
  | { readonly kind: 'network-error' };

/**
 * What the server said about one pushed op; the engine decides what happens next (§3.4 step 5).
 * `done`, `done-gone` and `adopt` all settle through `settlePush` (the op is complete on the server); `adopt`
 * then sets the known versions with `adoptServerVersion`, `done` with `appendPushedVersion`. `adopt-rebase`: an
 * earlier attempt whose answer was lost wrote `serverRow`, not the current snapshot, so the op is rebased on it
 * with `rebasePush` (U-09) and re-sent in the same push with `If-Match` its version (U-11, P10 + P12).
 * `needs-lookup`: fetch the row (`GET /tables/t?$filter=(id eq '<id>')&__includeDeleted=true`, U-12), then call
 * `classifyLookupResponse` with this `status`. A stop (`needs-auth`, `retry`) leaves the op `pending`.
 */
export type PushOutcome =
  | { readonly kind: 'done'; readonly serverRow: Item | null }
  | { readonly kind: 'done-gone'; readonly serverRow: Item | null }
  | { readonly kind: 'adopt'; readonly serverRow: Item }
  | { readonly kind: 'adopt-rebase'; readonly serverRow: Item }
  | { readonly kind: 'conflict'; readonly reason: ConflictReason; readonly status: number; readonly serverRow: Item | null }
  | { readonly kind: 'needs-lookup'; readonly status: number }
  | { readonly kind: 'needs-auth'; readonly status: number }
  | { readonly kind: 'retry'; readonly status: number | null; readonly retryAfterMs: number | null }
  | { readonly kind: 'rejected'; readonly status: number; readonly body: unknown };

/**
 * Classifies the answer to a pushed op (U-10 done-gone, U-11 adopt, U-12 needs-lookup, U-13 needs-auth, U-14
 * retry with `Retry-After` read against `now`, U-16 rejected, K-01 conflict reasons).
 */
export function classifyPushResponse(op: Op, answer: PushAnswer, now: number): PushOutcome {
  if (answer.kind === 'network-error') return { kind: 'retry', status: null, retryAfterMs: null };
  const { status, body } = answer;
  if (status >= 200 && status < 300) return { kind: 'done', serverRow: asServerRow(op.itemId, body) };
  if (status === 401 || status === 403) return { kind: 'needs-auth', status };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', status, retryAfterMs: parseRetryAfter(answer.retryAfter, now) };
  }
  // U-10: deleting what is already gone completes.
  if (op.kind === 'delete' && (status === 404 || status === 410)) return { kind: 'done-gone', serverRow: asServerRow(op.itemId, body) };
  if (!isConflictStatus(op, status)) return { kind: 'rejected', status, body };
  const serverRow = asServerRow(op.itemId, body);
  return serverRow === null ? { kind: 'needs-lookup', status } : classifyWithServerRow(op, status, serverRow);
}

/**
 * Classifies a conflict status once the server row is known (from the body or the U-12 lookup; null when the
 * lookup found none): U-10 (delete vs tombstone or none), U-11 (adopt a live row holding the snapshot; one holding
 * only an earlier `unconfirmed` snapshot is `adopt-rebase`, P10 + P12, whatever the op's kind), an insert over a
 * tombstone rebased as an undelete (`adopt-rebase`), K-01.
 */
export function classifyWithServerRow(op: Op, status: number, serverRow: Item | null): PushOutcome {
  const live = serverRow !== null && !isTombstone(serverRow);
  // A delete collapsed onto an update whose answer was lost keeps that update's snapshots (§3.3): its echo rebases.
  const echoOfUnconfirmed = live && (status === 409 || status === 412) && (op.unconfirmed ?? []).some((sent) => holdsSnapshot(op, sent, serverRow));
  if (op.kind === 'delete') {
    if (!live || (status !== 409 && status !== 412)) return { kind: 'done-gone', serverRow };
    return echoOfUnconfirmed ? { kind: 'adopt-rebase', serverRow } : { kind: 'conflict', reason: 'precondition', status, serverRow };
  }
  // A delete whose answer was lost, then a re-insert (§3.3 delete + insert): the tombstone is that delete's echo,
  // so the row comes back as an undelete (K-05's requests), never a deleted-on-server conflict nobody caused.
  if (serverRow !== null && !live && op.deleteUnconfirmed === true) return { kind: 'adopt-rebase', serverRow };
  if ((status === 404 || status === 410) && op.kind === 'update') return { kind: 'conflict', reason: 'deleted-on-server', status, serverRow };
  // An insert carries no base: over a tombstone (this device's own confirmed delete, or another's) it re-creates
  // the row, rebased on the tombstone as an undelete (K-05's requests), rather than holding a conflict nobody caused.
  if (op.kind === 'insert' && status === 409 && serverRow !== null && !live) return { kind: 'adopt-rebase', serverRow };
  if (live && (status === 409 || status === 412)) {
    if (holdsSnapshot(op, op.snapshot, serverRow)) return { kind: 'adopt', serverRow };
    if (echoOfUnconfirmed) return { kind: 'adopt-rebase', serverRow };
  }
  const reason: ConflictReason = status === 409 && op.kind === 'insert' ? 'already-exists' : 'precondition';
  return { kind: 'conflict', reason, status, serverRow };
}

/**
 * Classifies the answer to U-12's lookup for an op first answered `status`: the listed row (v2 array or
 * `{results}`, v3 `{items}`) or none decides; a failed lookup stops or rejects like a push answer would.
 */
export function classifyLookupResponse(op: Op, status: number, lookup: PushAnswer, now: number): PushOutcome {
  if (lookup.kind === 'response' && lookup.status >= 200 && lookup.status < 300) {
    const row = listedServerRow(op.itemId, lookup.body);
    return row === undefined ? { kind: 'rejected', status, body: lookup.body } : classifyWithServerRow(op, status, row);
  }
  if (lookup.kind === 'network-error') return { kind: 'retry', status: null, retryAfterMs: null };
  if (lookup.status === 401 || lookup.status === 403) return { kind: 'needs-auth', status: lookup.status };
  if (lookup.status === 408 || lookup.status === 429 || lookup.status >= 500) {
    return { kind: 'retry', status: lookup.status, retryAfterMs: parseRetryAfter(lookup.retryAfter, now) };
  }
  return { kind: 'rejected', status, body: lookup.body };
}

/** `body` as a server row of `itemId` (a JSON object with that `id` and a string `version`, §3.4 step 5), else null. */
export function asServerRow(itemId: string, body: unknown): Item | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const row = body as Record<string, unknown>;
  if (row['id'] !== itemId || typeof row['version'] !== 'string') return null;
  return Object.values(row).every(isFieldValue) ? (row as Item) : null;
}

/** The server row of `itemId` in a list body (U-12's lookup); null when the list has none, undefined when the body is no list. */
export function listedServerRow(itemId: string, body: unknown): Item | null | undefined {
  const rows = listRows(body);
  return rows === null ? undefined : (rows.map((row) => asServerRow(itemId, row)).find((row) => row !== null) ?? null);
}

/** Milliseconds to wait from `Retry-After`: delta seconds, or an HTTP-date read against `now`; null when absent or unreadable (U-14). */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = parseHttpDate(text);
  return at === null ? null : Math.max(0, at - now);
}

/** How many sent snapshots whose answers never came an op remembers (U-11, P10 + P12). */
export const MAX_UNCONFIRMED = 4;

/**
 * U-03 with U-11: `op` with the snapshot it is about to send appended to `unconfirmed` (an equal one moves to the
 * end; the newest `MAX_UNCONFIRMED` kept), so a 409/412 echoing an earlier attempt after a later edit is recognised;
 * a delete sends no snapshot and changes nothing.
 */
export function rememberSent(op: Op): Op {
  const { snapshot } = op;
  if (op.kind === 'delete') return { ...op, deleteUnconfirmed: true };
  if (snapshot === null) return op;
  const kept = (op.unconfirmed ?? []).filter((sent) => !sameAppFields(sent, snapshot));
  return { ...op, unconfirmed: [...kept, snapshot].slice(-MAX_UNCONFIRMED) };
}

/** What to do once the server completed an op: remove it (`complete`) or keep a rebased one pending (`rebase`). */
export type PushSettlement =
  /** Remove the op and store `row` as the local row (null: remove it). */
  | { readonly kind: 'complete'; readonly row: Item | null; readonly version: string | null }
  /** Store `op` (same seq, `pending`) and `row` as the local row (null: none); the server's `version` joins the known ones. */
  | { readonly kind: 'rebase'; readonly op: Op; readonly row: Item | null; readonly version: string | null };

/**
 * §3.4 step 6: with `editCounter` unchanged since the send, the op completes and the server row becomes the local
 * row (U-08); otherwise the op stays `pending` rebased on the server row: `baseVersion`/`baseRow` from it, an
 * `insert` becomes `update`, the local app fields kept with the server's system properties (U-09). A rebase onto a
 * tombstone undeletes first (K-05); onto no server row at all it re-inserts.
 */
export function settlePush(op: Op, sentEditCounter: number, serverRow: Item | null): PushSettlement {
  if (op.editCounter !== sentEditCounter) return rebasePush(op, serverRow);
  const row = op.kind === 'delete' || (serverRow !== null && isTombstone(serverRow)) ? null : (serverRow ?? op.snapshot);
  return { kind: 'complete', row, version: versionOf(serverRow) };
}

/**
 * U-09: `op` kept `pending` rebased on the server row its edits must now go against (`settlePush` for an edit in
 * flight; `adopt-rebase` for a lost answer's echo, U-11). It drops `unconfirmed`: the base is confirmed (P10 + P12).
 */
export function rebasePush(op: Op, serverRow: Item | null): Extract<PushSettlement, { readonly kind: 'rebase' }> {
  const row =
    op.kind === 'delete' ? null : serverRow === null ? { ...(op.snapshot ?? {}), id: op.itemId } : withSystemProperties(op.snapshot, serverRow, op.itemId);
  return { kind: 'rebase', op: pendingAgainst(op, op.kind, row ?? op.snapshot, serverRow), row, version: versionOf(serverRow) };
}

/**
 * `op` as `kind` with `snapshot`, pending again against `serverRow`, its send state dropped: a delete, or an
 * update with `If-Match` its version (over a tombstone flagged `undelete`, K-05); an insert when there is none.
 */
export function pendingAgainst(op: Op, kind: OpKind, snapshot: Item | null, serverRow: Item | null): Op {
  const version = versionOf(serverRow);
  const base: Op = { ...withoutSendState(op), state: 'pending', serverRow, blockedReason: null, nextAttemptAt: null };
  if (kind === 'delete') return { ...base, kind, snapshot, baseVersion: version, baseRow: serverRow };
  if (serverRow === null || version === null) return { ...base, kind: 'insert', snapshot, baseVersion: null, baseRow: null };
  const updated: Op = { ...base, kind: 'update', snapshot, baseVersion: version, baseRow: serverRow };
  return isTombstone(serverRow) ? { ...updated, undelete: true } : updated;
}

/** The op without what its sends so far carried: the K-05 undelete flag and the unconfirmed snapshots (U-11). */
export function withoutSendState(op: Op): Op {
  const { undelete: _undelete, unconfirmed: _unconfirmed, deleteUnconfirmed: _deleteUnconfirmed, ...rest } = op;
  return rest;
}

/** The local app fields of `snapshot` with the server row's system properties, live (U-09). */
export function withSystemProperties(snapshot: Item | null, serverRow: Item, itemId: string): Item {
  const system: Record<string, FieldValue> = { ...systemFields(serverRow), id: itemId };
  if (system['deleted'] !== undefined) system['deleted'] = false;
  return { ...(snapshot === null ? {} : appFields(snapshot)), ...system };
}

/** U-11: a live server row holding every app field of `snapshot`, sent by `op` (a field it dropped counts as `null`). */
function holdsSnapshot(op: Op, snapshot: Item | null, serverRow: Item): boolean {
  if (snapshot === null) return false;
  const sent = appFields(snapshot);
  for (const name of Object.keys(op.baseRow === null ? {} : appFields(op.baseRow))) if (!(name in sent)) sent[name] = null;
  return Object.entries(sent).every(([name, value]) => (serverRow[name] ?? null) === value);
}

function sameAppFields(a: Item, b: Item): boolean {
  const left = Object.entries(appFields(a));
  const right = appFields(b);
  return left.length === Object.keys(right).length && left.every(([name, value]) => name in right && right[name] === value);
}

function isConflictStatus(op: Op, status: number): boolean {
  return status === 409 || status === 412 || (op.kind === 'update' && (status === 404 || status === 410));
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 and asctime forms (RFC 9110 §5.6.7) → epoch ms. */
function parseHttpDate(text: string): number | null {
  const m = /^[a-z]+, (\d{2})[ -]([a-z]{3})[ -](\d{4}|\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i.exec(text);
  const a = m === null ? /^[a-z]{3} ([a-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i.exec(text) : null;
  const [day, month, year, hour, minute, second] =
    m !== null ? m.slice(1) : a !== null ? [a[2], a[1], a[6], a[3], a[4], a[5]] : [];
  if (day === undefined || month === undefined || year === undefined) return null;
  const monthIndex = MONTHS.indexOf(month.toLowerCase());
  if (monthIndex < 0) return null;
  const fullYear = year.length === 2 ? 2000 + Number(year) - (Number(year) >= 70 ? 100 : 0) : Number(year);
  const d = Number(day.trim()), h = Number(hour), mi = Number(minute), s = Number(second);
  if (d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  return Date.UTC(fullYear, monthIndex, d, h, mi, s);
}

/**
 * v2's two-step undelete (K-05): once `POST /tables/t/{id}` brought the row back live, the op becomes a plain
 * `update` against the revived row, sent next as `PATCH` with its `If-Match`. (v3 sends one
 * `PUT /{id}?__includedeleted=true` and settles through `settlePush`.)
 */
export function rebaseAfterUndelete(op: Op, revived: Item): Op {
  const snapshot = withSystemProperties(op.snapshot, revived, op.itemId);
  return { ...withoutSendState(op), kind: 'update', snapshot, baseVersion: versionOf(revived), baseRow: revived, serverRow: revived };
}
