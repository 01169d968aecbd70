/** The façade's border: a platform `Request` becomes an `HttpRequest`, a `TableResponse` a `Response`. */
import type { HttpRequest, TableResponse } from '../src/core/dialect/types.js';

/** Headers as a plain record with lowercased names. */
export function headersToRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

/** Reads a request into plain data: absolute URL, lowercased headers, body text (null when empty). */
export async function toHttpRequest(request: Request): Promise<HttpRequest> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const text = hasBody ? await request.text() : '';
  return { method: request.method, url: request.url, headers: headersToRecord(request.headers), body: text === '' ? null : text };
}

const NO_BODY = new Set([101, 204, 205, 304]);

/** Turns the engine's answer into a `Response`: JSON body (none for 204/304), its headers, `x-tablesync: local`. */
export function toResponse(response: TableResponse): Response {
  const headers = new Headers(response.headers);
  if (!headers.has('x-tablesync')) headers.set('x-tablesync', 'local');
  if (NO_BODY.has(response.status) || response.body === null || response.body === undefined) {
    headers.delete('content-type');
    return new Response(null, { status: response.status, headers });
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(response.body), { status: response.status, headers });
}
