import http from 'node:http';

/** A `text/event-stream` read from Node: every event and comment with its arrival time. */
export interface FeedEvent {
  readonly event: string;
  readonly data: string;
  readonly at: number;
}

export interface EventStream {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly events: FeedEvent[];
  readonly comments: string[];
  /** Everything received, as text. */
  raw(): string;
  /** Resolves with the first event (from index `from`) `match` accepts; rejects after `timeoutMs`. */
  next(match: (event: FeedEvent) => boolean, options?: { from?: number; timeoutMs?: number }): Promise<FeedEvent>;
  close(): void;
}

/**
 * Opens `url` and parses its SSE stream as it arrives; a non-2xx answer is returned with its body as `raw()`.
 * node:http rather than fetch: an aborted undici fetch leaves a fresh idle connection that holds the server's close.
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const events: FeedEvent[] = [];
  const comments: string[] = [];
  let text = '';
  let buffer = '';
  const waiters = new Set<() => void>();
  const { request, response } = await new Promise<{ request: http.ClientRequest; response: http.IncomingMessage }>((resolve, reject) => {
    const request = http.get(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } }, (response) => resolve({ request, response }));
    request.once('error', reject);
  });
  request.on('error', () => undefined);
  response.on('error', () => undefined);
  response.setEncoding('utf8');
  response.on('data', (part: string) => {
    text += part;
    buffer += part;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trim());
      }
      if (data.length > 0) events.push({ event, data: data.join('\n'), at: Date.now() });
    }
    for (const wake of waiters) wake();
  });
  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    events,
    comments,
    raw: () => text,
    next(match, options = {}) {
      const from = options.from ?? 0;
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.slice(from).find(match);
          if (found === undefined) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no matching event within ${options.timeoutMs ?? 5000} ms; got ${JSON.stringify(events)}`));
        }, options.timeoutMs ?? 5000);
        waiters.add(wake);
        check();
      });
    },
    close: () => request.destroy(),
  };
}
