import { epochMsOf } from '../dates.js';
import type { Item } from '../item.js';
import { formatETag } from './precondition.js';

/** Headers of every answer (PROTOCOL.md §2.1): `Cache-Control: no-cache`, plus the JSON type when there is a body. */
export function baseHeaders(hasBody: boolean): Record<string, string> {
  return hasBody
    ? { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }
    : { 'cache-control': 'no-cache' };
}

/** `ETag` (quoted version) and `Last-Modified` (RFC 1123 of `updatedAt`) of a row, when it has them. */
export function rowHeaders(item: Item): Record<string, string> {
  const out: Record<string, string> = {};
  const version = item['version'];
  if (typeof version === 'string') out['etag'] = formatETag(version);
  const updatedAt = item['updatedAt'];
  const ms = typeof updatedAt === 'string' ? epochMsOf(updatedAt) : null;
  if (ms !== null) out['last-modified'] = new Date(ms).toUTCString();
  return out;
}
