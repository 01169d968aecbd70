/**
 * The page's change-feed follower (PROTOCOL.md §3.9, T-08): events pull the named table; a server
 * without the feed turns it off for good, with no request loop; a drop is retried with back-off; a
 * hidden page holds no stream.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { startChangeFeed } from '../../../src/client/change-feed.js';

type Visibility = 'visible' | 'hidden';

function fakeDocument(initial: Visibility = 'visible') {
  const listeners = new Set<() => void>();
  const doc = {
    visibilityState: initial as Visibility,
    addEventListener: (_type: string, listener: () => void) => void listeners.add(listener),
    removeEventListener: (_type: string, listener: () => void) => void listeners.delete(listener),
    set(state: Visibility) {
      doc.visibilityState = state;
      for (const listener of listeners) listener();
    },
  };
  return doc;
}

/** A stream the test writes SSE text into, or ends. */
function sseStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    response: () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    write: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

const tick = (): Promise<void> => vi.advanceTimersByTimeAsync(0).then(() => undefined);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

test('T-08: each change event asks for a pull of its table, with the credentials on the request; CRLF and split chunks are read', async () => {
  const stream = sseStream();
  const fetch = vi.fn(async () => stream.response());
  const changed = vi.fn();
  const stop = startChangeFeed({ url: 'https://api.example/tables/$changes', headers: async () => ({ authorization: 'Bearer x' }), changed, document: fakeDocument(), fetch });
  await tick();
  expect(fetch).toHaveBeenCalledTimes(1);
  const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
  expect(url).toBe('https://api.example/tables/$changes');
  expect(init.headers).toEqual({ accept: 'text/event-stream', authorization: 'Bearer x' });
  stream.write(': connected\n\nevent: change\ndata: {"table":"todoitem"}\n\n');
  stream.write('event: change\r\ndata: {"table":');
  stream.write('"notes"}\r\n\r\nevent: other\ndata: {"table":"ignored"}\n\n');
  await tick();
  expect(changed.mock.calls).toEqual([['todoitem'], ['notes']]);
  stop();
  expect((init.signal as AbortSignal).aborted).toBe(true);
});

test.each([
  ['404', () => Response.json({ error: 'Table "$changes" does not exist', code: 'table_not_found' }, { status: 404 })],
  ['400', () => Response.json({ error: 'bad', code: 'invalid_query' }, { status: 400 })],
  ['405', () => new Response(null, { status: 405 })],
  ['200 JSON, not an event stream', () => Response.json({ items: [] })],
])('T-08: a server answering %s turns the feed off: one request, no retry', async (_name, answer) => {
  const fetch = vi.fn(async () => answer());
  const doc = fakeDocument();
  startChangeFeed({ url: '/tables/$changes', headers: async () => ({}), changed: vi.fn(), document: doc, fetch });
  await tick();
  await vi.advanceTimersByTimeAsync(10 * 60_000);
  doc.set('hidden');
  doc.set('visible');
  await tick();
  expect(fetch).toHaveBeenCalledTimes(1);
});

test('T-08: a refused connection before any stream turns the feed off', async () => {
  const fetch = vi.fn(async (): Promise<Response> => {
    throw new TypeError('Failed to fetch');
  });
  startChangeFeed({ url: '/tables/$changes', headers: async () => ({}), changed: vi.fn(), document: fakeDocument(), fetch });
  await vi.advanceTimersByTimeAsync(10 * 60_000);
  expect(fetch).toHaveBeenCalledTimes(1);
});

test('T-08: a dropped stream or a 503 is retried with doubling back-off; a reconnect pulls every table once', async () => {
  const streams = [sseStream(), sseStream()];
  const answers: (() => Response)[] = [() => streams[0]!.response(), () => new Response(null, { status: 503 }), () => streams[1]!.response()];
  const at: number[] = [];
  const fetch = vi.fn(async () => {
    at.push(Date.now());
    return answers.shift()!();
  });
  const changed = vi.fn();
  const start = Date.now();
  startChangeFeed({ url: '/tables/$changes', headers: async () => ({}), changed, document: fakeDocument(), fetch, retryMs: 1000 });
  await tick();
  streams[0]!.end();
  await vi.advanceTimersByTimeAsync(999);
  expect(fetch).toHaveBeenCalledTimes(1);
  await vi.advanceTimersByTimeAsync(1);
  expect(fetch).toHaveBeenCalledTimes(2); // the 503
  await vi.advanceTimersByTimeAsync(1999);
  expect(fetch).toHaveBeenCalledTimes(2);
  await vi.advanceTimersByTimeAsync(1);
  expect(fetch).toHaveBeenCalledTimes(3);
  expect(at.map((t) => t - start)).toEqual([0, 1000, 3000]);
  expect(changed.mock.calls).toEqual([[null]]);
});

test('T-08: a hidden page holds no stream; visible again, it reconnects', async () => {
  const signals: AbortSignal[] = [];
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    signals.push(init!.signal!);
    return sseStream().response();
  });
  const doc = fakeDocument('hidden');
  startChangeFeed({ url: '/tables/$changes', headers: async () => ({}), changed: vi.fn(), document: doc, fetch });
  await tick();
  expect(fetch).not.toHaveBeenCalled();
  doc.set('visible');
  await tick();
  expect(fetch).toHaveBeenCalledTimes(1);
  doc.set('hidden');
  expect(signals[0]!.aborted).toBe(true);
  await vi.advanceTimersByTimeAsync(120_000);
  expect(fetch).toHaveBeenCalledTimes(1);
  doc.set('visible');
  await tick();
  expect(fetch).toHaveBeenCalledTimes(2);
});
