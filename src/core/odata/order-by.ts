import { compareInstants } from '../dates.js';
import { SyncError } from '../errors.js';
import type { Item } from '../item.js';
import { fail, ok, type Result } from '../result.js';
import type { LiteralValue, OrderKey } from './ast.js';
import { isDateValue } from './call-function.js';
import { compareCodePoints } from './compare-code-points.js';
import { parseDateTimeFast } from './parse-canonical-date-time.js';

const ORDER_KEY = /^([A-Za-z_][A-Za-z0-9_]{0,127})(?:\s+(asc|desc))?$/i;
const SYSTEM_DATES: ReadonlySet<string> = new Set(['createdAt', 'updatedAt']);

/** Parses `$orderby`: a comma list of `field [asc|desc]` (direction in any case), else `invalid_query`. */
export function parseOrderBy(text: string): Result<readonly OrderKey[]> {
  const keys: OrderKey[] = [];
  for (const part of text.split(',')) {
    const m = ORDER_KEY.exec(part.trim());
    if (m === null) return fail(new SyncError('invalid_query', { reason: `Invalid $orderby key ${JSON.stringify(part.trim())}` }));
    keys.push({ field: m[1] as string, direction: m[2]?.toLowerCase() === 'desc' ? 'desc' : 'asc' });
  }
  return ok(keys);
}

const rank = (v: LiteralValue): number =>
  v === null ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' ? 2 : isDateValue(v) ? 3 : 4;

/**
 * The total order of `$orderby` ascending (PROTOCOL.md §2.3, S-31): null, false, true, numbers,
 * dates by instant, strings by code point.
 */
export function compareValues(a: LiteralValue, b: LiteralValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (isDateValue(a) && isDateValue(b)) return compareInstants(a, b);
  if (a === b || a === null) return 0;
  return (a as number | boolean) < (b as number | boolean) ? -1 : 1;
}

/** The `$orderby` keys with the implicit trailing `id asc` (unless `id` is already a key). */
export function withIdKey(orderBy: readonly OrderKey[]): readonly OrderKey[] {
  return orderBy.some((k) => k.field === 'id') ? orderBy : [...orderBy, { field: 'id', direction: 'asc' }];
}

/** The value a row sorts by for one key: null when missing; `createdAt`/`updatedAt` strings as instants. */
export function sortValueOf(item: Item, field: string): LiteralValue {
  const v = Object.hasOwn(item, field) ? (item[field] ?? null) : null;
  return typeof v === 'string' && SYSTEM_DATES.has(field) ? (parseDateTimeFast(v) ?? v) : v;
}

/**
 * A comparator for `$orderby` then `id asc` (withIdKey); descending is the exact reverse, so
 * nulls come last; `createdAt` and `updatedAt` compare by instant (S-31).
 */
export function compareItems(orderBy: readonly OrderKey[]): (a: Item, b: Item) => number {
  const keys = withIdKey(orderBy);
  return (a, b) => {
    for (const { field, direction } of keys) {
      const c = compareValues(sortValueOf(a, field), sortValueOf(b, field));
      if (c !== 0) return direction === 'asc' ? c : -c;
    }
    return 0;
  };
}
