import type { Item } from '../item.js';
import { dialectFacts } from './dialect-facts.js';
import { baseHeaders, rowHeaders } from './response-headers.js';
import { splitUrl } from './split-url.js';
import type { Dialect, TableResponse } from './types.js';

/** One row as the body (S-14, S-16, S-22): 200 by default, with `ETag` and `Last-Modified` when it has a version. */
export function formatItem(item: Item, status: 200 | 201 = 200): TableResponse {
  return { status, headers: { ...baseHeaders(true), ...rowHeaders(item) }, body: item };
}

/** The collection URL of a request URL: origin and path up to `/tables/{t}`, without query or trailing slash. */
function collectionUrl(requestUrl: string): string {
  const { origin, path } = splitUrl(requestUrl);
  const at = path.indexOf('/tables/');
  const end = at < 0 ? -1 : path.indexOf('/', at + '/tables/'.length);
  return `${origin}${end < 0 ? path : path.slice(0, end)}`.replace(/\/+$/, '');
}

/**
 * 201 for an insert or a `POST /{id}` undelete (S-06, S-22, F-08): the row, `ETag`, and `Location`
 * = the collection URL + `/` + encoded id (the request URL + `/` + id for an insert).
 */
export function formatCreated(item: Item, requestUrl: string): TableResponse {
  const collection = collectionUrl(requestUrl);
  const id = typeof item['id'] === 'string' ? item['id'] : '';
  const response = formatItem(item, 201);
  return { ...response, headers: { ...response.headers, location: `${collection}/${encodeURIComponent(id)}` } };
}

/** The answer to a delete (S-23, S-24, F-13): v2 200 with the tombstone and `ETag`, v3 an empty 204. */
export function formatDeleted(dialect: Dialect, tombstone: Item): TableResponse {
  if (dialectFacts(dialect).deleteStatus === 204) return { status: 204, headers: baseHeaders(false), body: null };
  return formatItem({ ...tombstone, deleted: true });
}

/** 304 for an `If-None-Match` hit (S-14, F-06): `ETag` and `Last-Modified`, no body. */
export function formatNotModified(item: Item): TableResponse {
  return { status: 304, headers: { ...baseHeaders(false), ...rowHeaders(item) }, body: null };
}

/** A 409 or 412 (S-09, S-18, S-19, F-10): the current row with its `ETag`, never an error object. */
export function formatConflict(status: 409 | 412, current: Item): TableResponse {
  return { status, headers: { ...baseHeaders(true), ...rowHeaders(current) }, body: current };
}
