import { SyncError } from '../errors.js';
import { validateId } from '../ids.js';
import type { FieldValue } from '../item.js';
import { fail, ok, type Result } from '../result.js';
import { isStorableText } from '../storable-text.js';
import { dialectFacts } from './dialect-facts.js';
import type { TableRequest, WriteBody } from './types.js';

/** The requests that carry a body to store. */
export type WriteRequest = Extract<TableRequest, { readonly kind: 'insert' | 'update' }>;

/** How v2 reserved properties are treated: refused by the server, dropped by a non-strict façade (S-10, F-12). */
export interface ValidateWriteBodyOptions {
  readonly reserved: 'reject' | 'drop';
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const RESERVED = new Set(['createdat', 'updatedat', 'deleted']);

const invalidItem = (reason: string, field: string): Result<never> =>
  fail(new SyncError('invalid_item', { reason, field }));

/**
 * Checks an insert or update body (PROTOCOL.md §2.2; S-08, S-10, S-11, S-19, S-20, F-12) and gives
 * the id and app fields to store:
 * - app field names match `^[A-Za-z_][A-Za-z0-9_]{0,127}$` and values are scalars (strings without
 *   NUL or unpaired surrogates, finite numbers), else `invalid_item`;
 * - an insert without `id` (or `id: null`) gives `id: null`, for the caller to generate; an update's
 *   absent id takes the URL's, a different one is `id_mismatch`; a bad id is `invalid_id`;
 * - v2: `createdAt`, `updatedAt`, `deleted` in any case are `reserved_property` (`reject`) or dropped
 *   (`drop`); a PATCH body `version` with no `If-Match` is `expectedVersion`; `If-Match` wins over it;
 * - v3: every system property other than `id` is ignored.
 */
export function validateWriteBody(request: WriteRequest, options: ValidateWriteBodyOptions): Result<WriteBody> {
  const facts = dialectFacts(request.dialect);
  const fields: [string, FieldValue][] = [];
  let expectedVersion: string | null = null;
  let id: string | null = request.kind === 'update' ? request.id : null;
  for (const [name, value] of Object.entries(request.body)) {
    if (name === 'id') {
      if (value === null || value === undefined) continue;
      const checked = validateId(value);
      if (!checked.ok) return checked;
      if (request.kind === 'update' && checked.value !== request.id) {
        return fail(new SyncError('id_mismatch', { bodyId: checked.value, urlId: request.id }));
      }
      id = checked.value;
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'version') {
      const takesVersion =
        facts.bodyVersionIsPrecondition && request.kind === 'update' && request.mode === 'merge' && request.ifMatch === null;
      if (takesVersion && value !== null) {
        if (typeof value !== 'string') return invalidItem('The version must be a string', name);
        expectedVersion = value;
      }
      continue;
    }
    if (RESERVED.has(lower)) {
      if (facts.reservedProperties === 'reject' && options.reserved === 'reject') {
        return fail(new SyncError('reserved_property', { property: name }));
      }
      continue;
    }
    if (!FIELD_NAME.test(name)) return invalidItem(`The field name ${JSON.stringify(name)} is not allowed`, name);
    if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return invalidItem(`The field ${JSON.stringify(name)} must be a string, number, boolean or null`, name);
    }
    if (typeof value === 'string' && !isStorableText(value)) return invalidItem(`The field ${JSON.stringify(name)} holds a NUL or an unpaired surrogate`, name);
    if (typeof value === 'number' && !Number.isFinite(value)) return invalidItem(`The field ${JSON.stringify(name)} is not a finite number`, name);
    fields.push([name, value]);
  }
  return ok({ id, fields: Object.fromEntries(fields), expectedVersion });
}
