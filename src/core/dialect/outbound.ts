import { isSystemProperty, type Item } from '../item.js';
import type { Op } from '../op.js';
import { dialectFacts } from './dialect-facts.js';
import { formatETag } from './precondition.js';
import type { Dialect, OutboundRequest } from './types.js';

/** A row to bring back from a tombstone (K-05): its id, the snapshot to store, the tombstone's version. */
export interface UndeleteTarget {
  readonly table: string;
  readonly id: string;
  readonly snapshot: Item;
  readonly ifMatch: string;
}

const collectionPath = (table: string): string => `/tables/${encodeURIComponent(table)}`;
const itemPath = (table: string, id: string): string => `${collectionPath(table)}/${encodeURIComponent(id)}`;

/** The `id` and app fields of a row: every other system property is dropped (U-04, U-05). */
function wireBody(snapshot: Item): Record<string, unknown> {
  return Object.fromEntries(Object.entries(snapshot).filter(([key]) => key === 'id' || !isSystemProperty(key)));
}

function headersFor(dialect: Dialect, hasBody: boolean, version: string | null): Record<string, string> {
  const headers: Record<string, string> = { 'zumo-api-version': dialectFacts(dialect).apiVersion };
  if (hasBody) headers['content-type'] = 'application/json';
  if (version !== null) headers['if-match'] = formatETag(version);
  return headers;
}

function mustSnapshot(op: Op): Item {
  if (op.snapshot === null) throw new Error(`A ${op.kind} op for ${op.itemId} has no snapshot`);
  return op.snapshot;
}

/**
 * The upstream request replaying one op (PROTOCOL.md §3.4 step 4; U-04…U-07): insert `POST`;
 * update v2 `PATCH` with the snapshot plus `null` for each `baseRow` app field it lacks, v3 `PUT`
 * with the whole snapshot; delete `DELETE`. Header names are lowercase; `If-Match` goes exactly
 * when `baseVersion` is not null, never on an insert.
 */
export function planOpRequest(op: Op, dialect: Dialect): OutboundRequest {
  const facts = dialectFacts(dialect);
  switch (op.kind) {
    case 'insert': {
      const body = wireBody({ ...mustSnapshot(op), id: op.itemId });
      return {
        method: 'POST',
        path: collectionPath(op.table),
        headers: headersFor(dialect, true, null),
        body: JSON.stringify(body),
      };
    }
    case 'update': {
      const body = wireBody({ ...mustSnapshot(op), id: op.itemId });
      if (facts.updateMethod === 'PATCH' && op.baseRow !== null) {
        for (const key of Object.keys(op.baseRow)) if (!isSystemProperty(key) && !(key in body)) body[key] = null;
      }
      return {
        method: facts.updateMethod,
        path: itemPath(op.table, op.itemId),
        headers: headersFor(dialect, true, op.baseVersion),
        body: JSON.stringify(body),
      };
    }
    case 'delete':
      return {
        method: 'DELETE',
        path: itemPath(op.table, op.itemId),
        headers: headersFor(dialect, false, op.baseVersion),
        body: null,
      };
  }
}

/**
 * Bringing a tombstone back for a `client` resolution (K-05), with the tombstone's `If-Match`:
 * v3 `PUT /tables/t/{id}?__includedeleted=true` with the snapshot; v2 `POST /tables/t/{id}`
 * without a body, after which the engine sends the update with the new version.
 */
export function planUndelete(target: UndeleteTarget, dialect: Dialect): OutboundRequest {
  const path = itemPath(target.table, target.id);
  if (dialect === 'v2') {
    return { method: 'POST', path, headers: headersFor('v2', false, target.ifMatch), body: null };
  }
  return {
    method: 'PUT',
    path: `${path}?__includedeleted=true`,
    headers: headersFor('v3', true, target.ifMatch),
    body: JSON.stringify(wireBody({ ...target.snapshot, id: target.id })),
  };
}

/**
 * The lookup sent when a conflict body is not a server row (U-12):
 * `GET /tables/t?$filter=(id eq '<id>')&__includeDeleted=true`, quotes doubled, percent-encoded.
 */
export function planLookup(table: string, id: string, dialect: Dialect): OutboundRequest {
  const filter = encodeURIComponent(`(id eq '${id.replace(/'/g, "''")}')`);
  return {
    method: 'GET',
    path: `${collectionPath(table)}?$filter=${filter}&__includeDeleted=true`,
    headers: headersFor(dialect, false, null),
    body: null,
  };
}

/** The preconditions an app put on a write itself (PROTOCOL.md §3.9). */
export interface AppPreconditions {
  /** `If-Match` exactly as the app sent it; null when it sent none. */
  readonly ifMatch: string | null;
  /** v2: a PATCH body `version` sent without `If-Match`; null when none. */
  readonly bodyVersion: string | null;
}

/**
 * An op's request carrying the app's own preconditions instead of the op's `baseVersion` (write-through, §3.9):
 * its `If-Match` as sent, or none when it sent none, and a v2 body `version`, so the server judges the app's
 * request as it would without the worker (412 with the current row, or 409 for a stale body version).
 */
export function withAppPreconditions(request: OutboundRequest, preconditions: AppPreconditions): OutboundRequest {
  const { 'if-match': _ifMatch, ...headers } = request.headers;
  const body =
    preconditions.bodyVersion !== null && request.body !== null
      ? JSON.stringify({ ...(JSON.parse(request.body) as Record<string, unknown>), version: preconditions.bodyVersion })
      : request.body;
  return { ...request, headers: preconditions.ifMatch === null ? headers : { ...headers, 'if-match': preconditions.ifMatch }, body };
}
