import { SyncError } from '../errors.js';
import { fail, ok, type Result } from '../result.js';
import type { QueryParam } from './query-string.js';
import type { Dialect } from './types.js';

/** `2.0` / `2.0.n` is v2, `3.0` / `3.0.n` is v3, anything else `invalid_api_version` (S-03). */
export function parseApiVersion(value: string): Result<Dialect> {
  const m = /^([23])\.0(?:\.\d+)?$/.exec(value.trim());
  if (!m) return fail(new SyncError('invalid_api_version', { version: value }));
  return ok(m[1] === '2' ? 'v2' : 'v3');
}

/**
 * The dialect of one request (PROTOCOL.md §1, S-02, F-02): the `ZUMO-API-VERSION` query parameter
 * (name in any case) wins over the header; with neither, `fallback`.
 */
export function chooseDialect(
  params: readonly QueryParam[],
  headers: Readonly<Record<string, string>>,
  fallback: Dialect,
): Result<Dialect> {
  const param = params.find((p) => p.name.toLowerCase() === 'zumo-api-version');
  if (param) return parseApiVersion(param.value);
  const header = headers['zumo-api-version'];
  return header === undefined ? ok(fallback) : parseApiVersion(header);
}
