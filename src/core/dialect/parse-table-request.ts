import { SyncError } from '../errors.js';
import { validateId } from '../ids.js';
import { fail, ok, type Result } from '../result.js';
import { chooseDialect } from './choose-dialect.js';
import { pagingOf } from './dialect-facts.js';
import { parseListQuery, includesDeleted } from './parse-list-query.js';
import { parsePrecondition } from './precondition.js';
import { parseQueryString } from './query-string.js';
import { splitUrl } from './split-url.js';
import type { Dialect, HttpRequest, TableRequest, TableSettings } from './types.js';
import { utf8Length } from '../utf8.js';

/** What `parseTableRequest` needs to know about the deployment. */
export interface ParseTableRequestOptions {
  /** The settings of a configured table, or null when it is not one. */
  readonly table: (name: string) => TableSettings | null;
  /** The dialect when the request names none (v3 on the server, the table's `appDialect` in the façade). */
  readonly fallbackDialect: Dialect;
  /** Largest body in UTF-8 bytes (default 1 MiB on the server). */
  readonly bodyLimit: number;
}

const COLLECTION_METHODS = 'GET, POST';
const ITEM_METHODS = 'GET, POST, PATCH, PUT, DELETE';
const TABLES = '/tables/';

const notAllowed = (method: string, allow: string): Result<never> =>
  fail(new SyncError('method_not_allowed', { method, allow }));

/** True for `application/json` and any `…+json` media type, parameters allowed (PROTOCOL.md §2.1). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const type = (value.split(';')[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.+-]*\+json$/.test(type);
}

/** Percent-decodes one path segment (`+` stays); null on a malformed escape. */
export function decodePathSegment(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** True when a body is over the limit in UTF-8 bytes. */
const isOversize = (text: string, bodyLimit: number): boolean => text.length > bodyLimit || utf8Length(text) > bodyLimit;

/** Reads a write body (S-11, S-12): JSON content type, valid JSON, an object (the size was checked first). */
function parseBody(http: HttpRequest): Result<Readonly<Record<string, unknown>>> {
  const text = http.body ?? '';
  if (text !== '' && !isJsonContentType(http.headers['content-type'])) {
    return fail(new SyncError('unsupported_media_type', { contentType: http.headers['content-type'] ?? null }));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(new SyncError('invalid_json'));
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail(new SyncError('invalid_item', { reason: 'The request body must be a JSON object' }));
  }
  return ok(json as Readonly<Record<string, unknown>>);
}

/**
 * Turns an HTTP request into a `TableRequest` (PROTOCOL.md §2.1–2.3): routes `/tables/{t}` and
 * `/tables/{t}/{id}` (anything before `/tables/` is a mount prefix), chooses the dialect, reads
 * the query options, `If-Match` / `If-None-Match` and the JSON body. Each failure is the
 * `SyncError` whose code and status the answer carries (S-02, S-03, S-05, S-11, S-12, S-14, S-18,
 * S-25, S-26, S-30, F-02): a path naming no table is `not_found`, an unconfigured name `table_not_found`. Body fields are validated afterwards by `validateWriteBody`.
 */
export function parseTableRequest(http: HttpRequest, options: ParseTableRequestOptions): Result<TableRequest> {
  // A server reads the whole body, whatever its method, type or route, before it looks further (S-12, F-14).
  if (http.body !== null && isOversize(http.body, options.bodyLimit)) return fail(new SyncError('payload_too_large', { limit: options.bodyLimit }));
  const { path, query } = splitUrl(http.url);
  const at = path.indexOf(TABLES);
  // A path naming no table (`/nonexistent`, `/tables`, `/tables/`, `/tables//x`) is a plain 404, not a table's.
  if (at < 0) return fail(new SyncError('not_found', { path }));
  const rest = path.slice(at + TABLES.length);
  const slash = rest.indexOf('/');
  const rawTable = slash < 0 ? rest : rest.slice(0, slash);
  const rawId = slash < 0 ? '' : rest.slice(slash + 1);
  if (rawTable === '') return fail(new SyncError('not_found', { path }));
  const table = decodePathSegment(rawTable);
  if (table === null) return fail(new SyncError('table_not_found', { table: rawTable, path }));
  const settings = options.table(table);
  if (settings === null) return fail(new SyncError('table_not_found', { table }));

  // Methods are case-sensitive (RFC 9110 §9.1): fetch leaves `patch` lowercase, and a server refuses it.
  const method = http.method;
  const isItem = rawId !== '';
  if (!isItem && method !== 'GET' && method !== 'POST') return notAllowed(method, COLLECTION_METHODS);
  if (isItem && !['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].includes(method)) return notAllowed(method, ITEM_METHODS);

  const params = parseQueryString(query);
  if (!params.ok) return params;
  const dialectResult = chooseDialect(params.value, http.headers, options.fallbackDialect);
  if (!dialectResult.ok) return dialectResult;
  const base = { table, dialect: dialectResult.value, url: http.url };

  if (!isItem) {
    if (method === 'GET') {
      const listQuery = parseListQuery(params.value, { maxTop: pagingOf(base.dialect, settings).maxTop });
      return listQuery.ok ? ok({ ...base, kind: 'list', query: listQuery.value }) : listQuery;
    }
    const body = parseBody(http);
    return body.ok ? ok({ ...base, kind: 'insert', body: body.value }) : body;
  }

  const decodedId = decodePathSegment(rawId);
  if (decodedId === null) return fail(new SyncError('invalid_id', { reason: 'Malformed percent-encoding in the id' }));
  const idResult = validateId(decodedId);
  if (!idResult.ok) return idResult;
  const id = idResult.value;
  const ifMatch = parsePrecondition(http.headers['if-match']);
  switch (method) {
    case 'GET':
      return ok({
        ...base,
        kind: 'get',
        id,
        includeDeleted: includesDeleted(params.value),
        ifNoneMatch: parsePrecondition(http.headers['if-none-match']),
      });
    case 'DELETE':
      return ok({ ...base, kind: 'delete', id, ifMatch });
    case 'POST':
      return ok({ ...base, kind: 'undelete', id, ifMatch });
    default: {
      const body = parseBody(http);
      if (!body.ok) return body;
      const mode = method === 'PATCH' ? 'merge' : 'replace';
      const undelete = mode === 'replace' && includesDeleted(params.value);
      return ok({ ...base, kind: 'update', id, mode, ifMatch, undelete, body: body.value });
    }
  }
}
