import { SyncError } from '../errors.js';
import { isTombstone, type Item } from '../item.js';
import { fail, ok, type Result } from '../result.js';
import { dialectFacts } from './dialect-facts.js';
import type { TableRequest } from './types.js';

/** The requests aimed at one row. */
export type TargetRequest = Extract<TableRequest, { readonly kind: 'get' | 'update' | 'delete' | 'undelete' }>;

/**
 * Decides whether a by-id request may act on the stored row, so server and façade never decide
 * apart (PROTOCOL.md §2.6; S-14, S-15, S-20, S-21, S-22): no row is 404 `item_not_found`; a
 * tombstone is 404 `item_not_found` (v2) or 410 `item_deleted` (v3), except for a GET with
 * `__includeDeleted=true`, an undelete, or a `PUT …?__includedeleted=true`.
 */
export function resolveTarget(request: TargetRequest, row: Item | null): Result<Item> {
  if (row === null) return fail(new SyncError('item_not_found', { id: request.id }));
  if (!isTombstone(row)) return ok(row);
  const allowed =
    request.kind === 'undelete' ||
    (request.kind === 'get' && request.includeDeleted) ||
    (request.kind === 'update' && request.undelete);
  return allowed ? ok(row) : fail(new SyncError(dialectFacts(request.dialect).tombstoneCode, { id: request.id }));
}
