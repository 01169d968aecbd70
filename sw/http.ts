/** The façade's border: a platform `Request` becomes an `HttpRequest`, a `TableResponse` a `Response`. */
import type { HttpRequest, TableResponse } from '../src/core/dialect/types.js';

/** Headers as a plain record with lowercased names (Headers iterate their names lowercased). */
export const headersToRecord = (headers: Headers): Record<string, string> => Object.fromEntries(headers);

/** Reads a request into plain data: absolute URL, lowercased headers, body text (null when empty). */
export async function toHttpRequest(request: Request): Promise<HttpRequest> {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const text = hasBody ? await request.text() : '';
  return { method: request.method, url: request.url, headers: headersToRecord(request.headers), body: text === '' ? null : text };
}

const NO_BODY = new Set([101, 204, 205, 304]);

/**
 * The reason phrases servers send (RFC 9110 §15): clients read them (the Azure JS client's error message for a 412
 * without an `error` field is its `statusText`, "Precondition Failed"), so an answer through the worker keeps them.
 */
const REASONS: Readonly<Record<number, string>> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict',
  410: 'Gone', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout', 507: 'Insufficient Storage',
};

/** Turns the engine's answer into a `Response`: JSON body (none for 204/304), its headers, `x-tablesync: local` unless upstream. */
export function toResponse(response: TableResponse): Response {
  const headers = new Headers(response.headers);
  if (!headers.has('x-tablesync')) headers.set('x-tablesync', 'local');
  const init = { status: response.status, statusText: REASONS[response.status] ?? '', headers };
  if (NO_BODY.has(response.status) || response.body === null || response.body === undefined) {
    headers.delete('content-type');
    return new Response(null, init);
  }
  if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(response.body), init);
}
