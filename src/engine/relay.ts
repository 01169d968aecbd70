import { splitUrl } from '../core/dialect/split-url.js';
import type { HttpRequest, OutboundRequest } from '../core/dialect/types.js';

type Headers = Readonly<Record<string, string>>;

/** Only the named headers (lowercased names), those present. */
export function pickHeaders(headers: Headers, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

const WRITE_METHODS = ['POST', 'PATCH', 'PUT', 'DELETE'] as const;

/** The app's request method when it is one a write may go upstream with. */
export const writeMethodOf = (http: HttpRequest): OutboundRequest['method'] | undefined =>
  WRITE_METHODS.find((m) => m === http.method.toUpperCase());

/** The app's request as it goes upstream: its path and query, the named headers (credentials are stamped by `sendUpstream`, U-18). */
export function relayed(http: HttpRequest, method: OutboundRequest['method'], names: readonly string[], body: string | null): OutboundRequest {
  const { path, query } = splitUrl(http.url);
  return { method, path: query === '' ? path : `${path}?${query}`, headers: pickHeaders(http.headers, names), body };
}
