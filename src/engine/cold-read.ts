import { formatList, pageLimit } from '../core/dialect/format-list.js';
import type { TableResponse } from '../core/dialect/types.js';
import type { Item } from '../core/item.js';
import type { LiteralValue } from '../core/odata/ast.js';
import { matches } from '../core/odata/evaluate.js';
import { compareItems, compareValues, sortValueOf } from '../core/odata/order-by.js';
import { answerGet, type ReadRequest } from './local-read.js';
import type { LocalStore, WalkOrder } from './ports.js';
import type { TableConfig } from './table-config.js';

/** A string whose UTF-16 code-unit order agrees with code-point order against any other string. */
const codeUnitSafe = (s: string): boolean => !/[\uD800-\uFFFF]/.test(s);

/**
 * Answers a read straight from the store while the table's in-memory index still warms (DESIGN.md
 * §6, first read after a worker stop), or null when this read needs the index: a count, or an
 * order whose first key the store cannot walk. A list walks the store in its first key's order,
 * evaluates the filter per row and stops past the page once that key changes (rows tied on it are
 * then sorted by the whole order). The store holds every local write, so reads see them (F-03).
 */
export async function answerCold(table: TableConfig, request: ReadRequest, store: LocalStore): Promise<TableResponse | null> {
  if (request.kind === 'get') return answerGet(request, (await store.getRowsById(table.name, [request.id]))[0]);
  const { filter, orderBy, skip, count } = request.query;
  const first = orderBy[0] ?? { field: 'id', direction: 'asc' };
  if (count || (first.field !== 'id' && first.field !== 'updatedAt')) return null;
  const wanted = skip + pageLimit(request, table.settings) + 1;
  const found: Item[] = [];
  let boundary: LiteralValue = null;
  let walkable = true;
  await store.walkRows(table.name, first as WalkOrder, (row) => {
    const value = sortValueOf(row.item, first.field);
    // IndexedDB orders strings by code unit; past U+D7FF that can disagree with `$orderby`'s code points.
    if (typeof value === 'string' && !codeUnitSafe(value)) walkable = false;
    if (!walkable || (found.length >= wanted && compareValues(value, boundary) !== 0)) return false;
    if (matches(filter, row.item)) {
      found.push(row.item);
      if (found.length === wanted) boundary = value;
    }
    return true;
  });
  if (!walkable) return null;
  found.sort(compareItems(orderBy));
  return formatList(request, table.settings, { items: found.slice(skip, wanted - 1), hasMore: found.length >= wanted, count: null });
}
