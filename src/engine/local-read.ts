import { formatList, pageLimit, type ListRequest } from '../core/dialect/format-list.js';
import { errorResponse } from '../core/dialect/format-error.js';
import { formatItem, formatNotModified } from '../core/dialect/format-item.js';
import { ifNoneMatchHits } from '../core/dialect/precondition.js';
import type { TableRequest, TableResponse } from '../core/dialect/types.js';
import { versionOf, type Item } from '../core/item.js';
import { matches } from '../core/odata/evaluate.js';
import { runQuery } from '../core/odata/query.js';
import type { StoredRow } from './ports.js';
import type { TableConfig } from './table-config.js';
import type { TableRows } from './table-index.js';

/** The façade's read requests. */
export type ReadRequest = Extract<TableRequest, { readonly kind: 'list' | 'get' }>;

/**
 * Answers a read from the in-memory rows exactly as the server would (F-03, F-06, F-07): list
 * shapes, order, paging, count and continuation from core; by id 404 when absent (never 410: local
 * rows are never tombstones), 304 on an `If-None-Match` hit; `__includeDeleted` changes nothing.
 * A list without a count walks the rows kept in `$orderby` order and stops after the page.
 */
export function answerRead(table: TableConfig, request: ReadRequest, rows: TableRows): TableResponse {
  return request.kind === 'get' ? answerGet(request, rows.get(request.id)) : answerList(table, request, rows);
}

/** A read by id of `row` (undefined when absent). */
export function answerGet(request: Extract<ReadRequest, { readonly kind: 'get' }>, row: StoredRow | undefined): TableResponse {
  if (row === undefined) return errorResponse('item_not_found', { id: request.id });
  if (ifNoneMatchHits(request.ifNoneMatch, versionOf(row.item))) return formatNotModified(row.item);
  return formatItem(row.item);
}

function answerList(table: TableConfig, request: ListRequest, rows: TableRows): TableResponse {
  const { filter, orderBy, skip, count } = request.query;
  const limit = pageLimit(request, table.settings);
  if (count) {
    // A count needs every match: core's query over all rows. formatList projects `$select` itself.
    return formatList(request, table.settings, runQuery(rows.items(), { filter, orderBy, skip, limit, select: null }));
  }
  // Walk the rows already in order and stop one match past the page: no sort, no full scan.
  const wanted = skip + limit + 1;
  const found: Item[] = [];
  for (const item of rows.ordered(orderBy)) {
    if (!matches(filter, item)) continue;
    found.push(item);
    if (found.length === wanted) break;
  }
  return formatList(request, table.settings, { items: found.slice(skip, skip + limit), hasMore: found.length === wanted, count: null });
}
