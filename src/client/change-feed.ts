/**
 * The page's side of the reference server's live change feed (PROTOCOL.md §3.9): while the page is
 * visible, a streamed `fetch` of `/tables/$changes` carrying the worker's credentials (EventSource
 * cannot send headers); each event asks the worker to pull the table it names. A server without the
 * feed (404, 400, 405, not an event stream, or no connection at all before a first success) turns it
 * off for this page; a dropped stream is retried with back-off.
 */

export interface ChangeFeedOptions {
  readonly url: string;
  /** Headers for each connection: the credentials the worker holds now. */
  readonly headers: () => Promise<Record<string, string>>;
  /** A table changed on the server; null: changes may have been missed (after a reconnect), so every table. */
  readonly changed: (table: string | null) => void;
  readonly document: {
    readonly visibilityState: DocumentVisibilityState;
    addEventListener(type: 'visibilitychange', listener: () => void): void;
    removeEventListener(type: 'visibilitychange', listener: () => void): void;
  };
  readonly fetch?: typeof fetch;
  /** First retry delay after a drop, doubled up to a minute (default 1000 ms). */
  readonly retryMs?: number;
}

const MAX_RETRY_MS = 60_000;
/** Worth retrying: the server has the feed but cannot serve it now (or wants credentials the page may get later). */
const transient = (status: number): boolean => status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;

/** Starts following the feed; returns the function that stops it. */
export function startChangeFeed(options: ChangeFeedOptions): () => void {
  const { document: page } = options;
  const fetchFeed = options.fetch ?? ((input, init) => fetch(input, init));
  const firstRetryMs = options.retryMs ?? 1000;
  let retryMs = firstRetryMs;
  let off = false;
  let everOpened = false;
  let current: AbortController | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const readEvents = async (body: ReadableStream<Uint8Array>): Promise<void> => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!/^event: ?change$/m.test(block)) continue;
        try {
          const data = block.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart());
          const { table } = JSON.parse(data.join('\n')) as { table?: unknown };
          if (typeof table === 'string') {
            retryMs = firstRetryMs;
            options.changed(table);
          }
        } catch {
          // Not an event of ours: ignored.
        }
      }
    }
  };

  const connect = async (): Promise<void> => {
    clearTimeout(timer);
    if (off || current !== null || page.visibilityState !== 'visible') return;
    const controller = (current = new AbortController());
    try {
      const response = await fetchFeed(options.url, {
        headers: { accept: 'text/event-stream', ...(await options.headers()) },
        cache: 'no-store',
        signal: controller.signal,
      });
      if (response.ok && response.body !== null && (response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        // Changes made while no stream was open reach no event: pull everything once.
        if (everOpened) options.changed(null);
        everOpened = true;
        await readEvents(response.body);
      } else if (!transient(response.status)) {
        off = true;
      }
    } catch {
      if (!everOpened && !controller.signal.aborted) off = true;
    } finally {
      if (current === controller) current = null;
    }
    if (off || controller.signal.aborted) return;
    timer = setTimeout(() => void connect(), retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };

  const onVisibility = (): void => {
    if (page.visibilityState === 'visible') {
      void connect();
      return;
    }
    clearTimeout(timer);
    current?.abort();
    current = null;
  };
  page.addEventListener('visibilitychange', onVisibility);
  void connect();
  return () => {
    off = true;
    page.removeEventListener('visibilitychange', onVisibility);
    clearTimeout(timer);
    current?.abort();
  };
}
