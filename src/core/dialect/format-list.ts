import type { Item } from '../item.js';
import { project } from '../odata/select.js';
import { dialectFacts, pagingOf } from './dialect-facts.js';
import { decodeQueryComponent } from './query-string.js';
import { baseHeaders } from './response-headers.js';
import { splitUrl } from './split-url.js';
import type { ListQuery, TableRequest, TableResponse, TableSettings } from './types.js';

/** A parsed list request. */
export type ListRequest = Extract<TableRequest, { readonly kind: 'list' }>;

/**
 * The rows a caller has for one page, after `$skip`, fetched with a limit of `pageLimit` (or one
 * more, to learn whether another match exists). Give `matches` (every match, tombstone visibility
 * applied, ignoring skip and top) when known; else `hasMore`, and `count` when the query asks.
 */
export type ListPage =
  | { readonly items: readonly Item[]; readonly matches: number }
  | { readonly items: readonly Item[]; readonly hasMore: boolean; readonly count: number | null };

/** Rows on one page (S-29; PROTOCOL.md §2.5): v2 `$top` when given, else pageSize; v3 min(`$top`, pageSize). */
export function pageLimit(request: Pick<ListRequest, 'dialect' | 'query'>, settings: TableSettings): number {
  const { pageSize } = pagingOf(request.dialect, settings);
  const top = request.query.top;
  if (top === null) return pageSize;
  return request.dialect === 'v2' ? top : Math.min(top, pageSize);
}

/** The query string of the next page: `$skip` = skip + n and `$top` = top − n, other parameters as sent. */
export function continuationQuery(rawQuery: string, query: ListQuery, n: number): string {
  const skip = `$skip=${query.skip + n}`;
  const top = query.top === null ? null : `$top=${query.top - n}`;
  let sawSkip = false;
  const parts: string[] = [];
  for (const raw of rawQuery.split('&')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    const name = (decodeQueryComponent(eq < 0 ? raw : raw.slice(0, eq)) ?? '').toLowerCase();
    if (name === '$skip') {
      if (!sawSkip) parts.push(skip);
      sawSkip = true;
    } else if (name === '$top' && top !== null) parts.push(top);
    else parts.push(raw);
  }
  if (!sawSkip) parts.push(skip);
  return parts.join('&');
}


/**
 * A list answer (PROTOCOL.md §2.5; S-01, S-26, S-27, S-28, S-29, S-32): rows cut to `pageLimit` and
 * projected by `$select`; v2 an array, or `{results, count}` when a count is asked, with
 * `Link: <absolute URL>; rel=next` (no angle brackets) while more rows remain; v3 `{items}` plus
 * `count` when asked and `nextLink`, a bare query string, while more rows remain. More rows remain
 * when skip + n is below the matches and a given `$top` exceeds n.
 */
export function formatList(request: ListRequest, settings: TableSettings, page: ListPage): TableResponse {
  const { query } = request;
  const limit = pageLimit(request, settings);
  const rows = page.items.slice(0, limit).map((item) => (query.select === null ? item : project(item, query.select)));
  const n = rows.length;
  const further = 'matches' in page ? query.skip + n < page.matches : page.hasMore || page.items.length > limit;
  const more = further && (query.top === null || query.top > n) && n > 0;
  const count = 'matches' in page ? page.matches : page.count;
  const headers = baseHeaders(true);
  const { origin, path, query: rawQuery } = splitUrl(request.url);
  const next = more ? continuationQuery(rawQuery, query, n) : null;
  if (dialectFacts(request.dialect).listShape === 'array') {
    if (next !== null) headers['link'] = `${origin}${path}?${next}; rel=next`;
    return { status: 200, headers, body: query.count ? { results: rows, count: count ?? 0 } : rows };
  }
  return {
    status: 200,
    headers,
    body: {
      items: rows,
      ...(query.count ? { count: count ?? 0 } : {}),
      ...(next !== null ? { nextLink: next } : {}),
    },
  };
}
