/** The only `fetch` to the upstream server: an `OutboundRequest` in, a `RemoteResponse` out, never a throw. */
import type { OutboundRequest, RemoteResponse, TablesRemote } from '../src/engine/ports.js';
import { headersToRecord } from './http.js';

export interface RemoteOptions {
  /** The upstream origin; '' means `origin`. */
  readonly upstream: string;
  /** The worker's own origin. */
  readonly origin: string;
  /** A request unanswered after this long is a network error (default 30 s). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

const isJson = (contentType: string | undefined): boolean => contentType !== undefined && /[/+]json\b/i.test(contentType);

/** Creates the upstream remote; cookies go only to a same-origin upstream. */
export function createRemote(options: RemoteOptions): TablesRemote {
  const base = options.upstream === '' ? options.origin : options.upstream;
  const sameOrigin = new URL(base).origin === new URL(options.origin).origin;
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    async send(request: OutboundRequest): Promise<RemoteResponse> {
      try {
        const response = await send(new URL(request.path, base).href, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          credentials: sameOrigin ? 'same-origin' : 'omit',
          cache: 'no-store',
          signal: AbortSignal.timeout(timeoutMs),
        });
        const headers = headersToRecord(response.headers);
        const text = await response.text();
        let body: unknown = null;
        if (text !== '' && isJson(headers['content-type'])) {
          try {
            body = JSON.parse(text) as unknown;
          } catch {
            body = null;
          }
        }
        return { kind: 'response', status: response.status, headers, body };
      } catch (error) {
        // Offline, refused, reset, CORS and the timeout all look alike here (TESTING.md §3).
        return { kind: 'network-error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      }
    },
  };
}
