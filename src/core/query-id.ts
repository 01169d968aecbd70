/**
 * A pull's query: the only option it may hold is a filter (L-15), and its watermark is keyed by a
 * queryId that is the caller's, `*` unfiltered, or `q:` + a stable hash of the filter (L-12).
 */
import type { QueryId } from './brands.js';
import { asQueryId } from './brands.js';
import { SyncError } from './errors.js';
import { parseQueryString } from './dialect/query-string.js';
import { utf8Escaped } from './utf8.js';
import { parseFilter } from './odata/parse-filter.js';
import type { Result } from './result.js';
import { fail, ok } from './result.js';

/** A validated pull query: the filter text (null = unfiltered) and the queryId its watermark lives under (L-12). */
export interface PullQuery {
  readonly filter: string | null;
  readonly queryId: QueryId;
}

/** What a caller may pass to `pull()`: a filter, a queryId, or a raw query string holding at most `$filter` (L-15). */
export interface PullQueryInput {
  readonly filter?: string | null | undefined;
  readonly queryId?: string | null | undefined;
  /** A raw query string such as `$filter=done eq false` (leading `?` allowed, percent-encoded or not). */
  readonly query?: string | null | undefined;
}

/** Option names (lowercased, without `$`) a pull refuses, as keys of the input or of its raw query (L-15). */
const FORBIDDEN = new Set(['orderby', 'top', 'skip', 'select', 'count', 'inlinecount', 'expand', 'search']);

/** The queryId of a pull (L-12): the given id, `*` when unfiltered, else `q:` + the filter's FNV-1a 64-bit hash in hex. */
export function queryIdOf(filter: string | null, given: string | null = null): QueryId {
  if (given !== null) return asQueryId(given);
  return asQueryId(filter === null ? '*' : `q:${filterHash(filter)}`);
}

/** FNV-1a 64-bit over the UTF-8 bytes of `text`, as 16 lowercase hex digits: the same on every run and platform (L-12). */
export function filterHash(text: string): string {
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  const utf8 = utf8Escaped(text);
  for (let i = 0; i < utf8.length; i++) {
    const byte = utf8[i] === '%' ? parseInt(utf8.slice(i + 1, (i += 2) + 1), 16) : utf8.charCodeAt(i);
    hash = ((hash ^ BigInt(byte)) * prime) & mask;
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * Validates untrusted pull options before any request (L-15): only a filter, given directly or as
 * `$filter` in `query`; `$orderby`, `$top`, `$skip`, `$select` (and counts) fail with
 * `invalid_pull_query`, a malformed filter with the parser's `invalid_filter`; other keys
 * (`table`, `push`) are the engine's and pass through unread (L-12).
 */
export function parsePullQuery(input: unknown): Result<PullQuery> {
  if (typeof input !== 'object' || input === null) return refuse('Pull options must be an object');
  const options = input as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(options)) {
    if (FORBIDDEN.has(optionName(key))) return refuse(`A pull query may only hold a filter, not ${key}`, key);
  }
  const filter = optionalString(options, 'filter');
  const given = optionalString(options, 'queryId');
  const query = optionalString(options, 'query');
  if (!filter.ok) return filter;
  if (!given.ok) return given;
  if (!query.ok) return query;

  // A given filter is a filter: a blank one is `invalid_filter`, as `$filter=` is over HTTP (S-36); only an absent one means none.
  let text = filter.value?.trim() ?? null;
  if (query.value !== null) {
    const fromQuery = filterOfQuery(query.value);
    if (!fromQuery.ok) return fromQuery;
    if (fromQuery.value !== null) {
      const queried = fromQuery.value.trim();
      if (text !== null && text !== queried) return refuse('The pull has two different filters', 'query');
      text = queried;
    }
  }
  if (text !== null) {
    const parsed = parseFilter(text);
    if (!parsed.ok) return parsed;
  }
  const queryId = given.value;
  if (queryId !== null) {
    // A caller's id must not alias another query's watermark: `*` is the unfiltered pull, `q:` the hashes.
    if (queryId === '' || queryId.startsWith('q:') || (queryId === '*' && text !== null)) {
      return refuse(`The queryId ${JSON.stringify(queryId)} is reserved`, 'queryId');
    }
  }
  return ok({ filter: text, queryId: queryIdOf(text, queryId) });
}

/** The `$filter` of a raw query string, refusing every other option (L-15). */
function filterOfQuery(query: string): Result<string | null> {
  const params = parseQueryString(query.replace(/^\?/, ''));
  if (!params.ok) return refuse('The pull query is not valid percent-encoding', 'query');
  let filter: string | null = null;
  for (const { name, value } of params.value) {
    if (optionName(name) !== 'filter' || !name.startsWith('$')) return refuse(`A pull query may only hold $filter, not ${name}`, name);
    if (filter !== null) return refuse('The pull query has two $filter options', name);
    filter = value;
  }
  return ok(filter);
}

function optionName(key: string): string {
  return key.replace(/^\$/, '').toLowerCase();
}

function optionalString(options: Readonly<Record<string, unknown>>, key: string): Result<string | null> {
  const value = options[key];
  if (value === undefined || value === null) return ok(null);
  return typeof value === 'string' ? ok(value) : refuse(`The pull option ${key} must be a string`, key);
}

function refuse(reason: string, option?: string): Result<never> {
  return fail(new SyncError('invalid_pull_query', option === undefined ? { reason } : { reason, option }));
}
