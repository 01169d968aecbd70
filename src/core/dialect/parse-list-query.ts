import { SyncError } from '../errors.js';
import type { Expr, OrderKey } from '../odata/ast.js';
import { parseOrderBy } from '../odata/order-by.js';
import { parseFilter } from '../odata/parse-filter.js';
import { parseSelect } from '../odata/select.js';
import { fail, ok, type Result } from '../result.js';
import type { QueryParam } from './query-string.js';
import type { ListQuery } from './types.js';

const invalid = (reason: string): Result<never> => fail(new SyncError('invalid_query', { reason }));

/** True when the query asks for tombstones: `__includeDeleted` (name in any case) = `true` (any case) (S-25). */
export function includesDeleted(params: readonly QueryParam[]): boolean {
  const param = params.filter((p) => p.name.toLowerCase() === '__includedeleted').at(-1);
  return param !== undefined && param.value.trim().toLowerCase() === 'true';
}

function parseCount(name: string, text: string): Result<number> {
  if (!/^\d+$/.test(text)) return invalid(`${name} must be an integer ≥ 0, got ${JSON.stringify(text)}`);
  const value = Number(text);
  return Number.isSafeInteger(value) ? ok(value) : invalid(`${name} is too large`);
}

/**
 * The list-query options of PROTOCOL.md §2.3 (S-25, S-26, S-30, S-32): `$filter`, `$orderby`, `$top`
 * and `$skip` (integers ≥ 0; `$top` over `maxTop` is `top_too_large`), `$select`, `$inlinecount` /
 * `$count` in either dialect, `__includeDeleted`; another `$…` is `invalid_query`, anything else is
 * ignored. A blank `$filter` is `invalid_filter` at position 0, as ASP.NET Core OData answers (S-36);
 * a blank `$orderby` or `$select` means none.
 */
export function parseListQuery(params: readonly QueryParam[], options: { readonly maxTop: number }): Result<ListQuery> {
  let filter: Expr | null = null;
  let orderBy: readonly OrderKey[] = [];
  let skip = 0;
  let top: number | null = null;
  let select: readonly string[] | null = null;
  let count = false;
  for (const { name, value } of params) {
    const key = name.toLowerCase();
    if (!key.startsWith('$')) continue;
    const blank = value.trim() === '';
    switch (key) {
      case '$filter': {
        const r = parseFilter(value);
        if (!r.ok) return r;
        filter = r.value;
        break;
      }
      case '$orderby': {
        if (blank) break;
        const r = parseOrderBy(value);
        if (!r.ok) return r;
        orderBy = r.value;
        break;
      }
      case '$select': {
        if (blank) break;
        const r = parseSelect(value);
        if (!r.ok) return r;
        select = r.value;
        break;
      }
      case '$top': {
        const r = parseCount('$top', value);
        if (!r.ok) return r;
        if (r.value > options.maxTop) return fail(new SyncError('top_too_large', { maxTop: options.maxTop }));
        top = r.value;
        break;
      }
      case '$skip': {
        const r = parseCount('$skip', value);
        if (!r.ok) return r;
        skip = r.value;
        break;
      }
      case '$inlinecount':
      case '$count': {
        // v2's `$inlinecount=allpages|none`, v3's `$count=true|false`.
        const [yes, no] = key === '$count' ? ['true', 'false'] : ['allpages', 'none'];
        const v = value.toLowerCase();
        if (v !== yes && v !== no) return invalid(`${key} must be ${yes} or ${no}, got ${JSON.stringify(value)}`);
        count ||= v === yes;
        break;
      }
      default:
        return invalid(`Unsupported query option ${name}`);
    }
  }
  return ok({ filter, orderBy, skip, top, select, count, includeDeleted: includesDeleted(params) });
}
