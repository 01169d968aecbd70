import type { Dialect } from '../../../src/core/dialect/types.js';

/** One HTTP answer, its body parsed when it is JSON. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
}

/** Options of one test request. */
export interface Call {
  readonly dialect?: Dialect | null;
  readonly body?: unknown;
  /** Sent as is, without JSON encoding. */
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const VERSION: Record<Dialect, string> = { v2: '2.0.0', v3: '3.0.0' };

/** A tiny fetch wrapper bound to a server URL; `dialect: null` sends no ZUMO-API-VERSION. */
export function createClient(baseUrl: string, defaultDialect: Dialect | null = null) {
  return async function call(method: string, path: string, options: Call = {}): Promise<Answer> {
    const dialect = options.dialect === undefined ? defaultDialect : options.dialect;
    const headers: Record<string, string> = {};
    if (dialect !== null) headers['zumo-api-version'] = VERSION[dialect];
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    Object.assign(headers, options.headers);
    const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = null;
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, text, body: parsed };
  };
}

/** The client type. */
export type Client = ReturnType<typeof createClient>;

/** The dialects a rule naming both is tested in. */
export const DIALECTS = ['v2', 'v3'] as const satisfies readonly Dialect[];
