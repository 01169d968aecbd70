import { SyncError } from '../errors.js';
import { fail, ok, type Result } from '../result.js';

/** One `name=value` pair of a query string, decoded, with its raw text kept for continuation links. */
export interface QueryParam {
  readonly name: string;
  readonly value: string;
  readonly raw: string;
}

/** Percent-decodes one query component, `+` as space; null on a malformed escape. */
export function decodeQueryComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Decodes a raw query string (no `?`) by hand; a malformed escape is `invalid_query` (PROTOCOL.md §2.3). */
export function parseQueryString(query: string): Result<readonly QueryParam[]> {
  const params: QueryParam[] = [];
  for (const raw of query.split('&')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    const name = decodeQueryComponent(eq < 0 ? raw : raw.slice(0, eq));
    const value = decodeQueryComponent(eq < 0 ? '' : raw.slice(eq + 1));
    if (name === null || value === null) {
      return fail(new SyncError('invalid_query', { reason: `Malformed percent-encoding in ${JSON.stringify(raw)}` }));
    }
    params.push({ name, value, raw });
  }
  return ok(params);
}
