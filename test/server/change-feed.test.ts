/**
 * The live change feed (PROTOCOL.md §3.9, T-10): `GET /tables/$changes` is an event stream naming the
 * table after each commit, with no row data, behind the tables' authentication, owner-scoped; across
 * server processes over one PostgreSQL by LISTEN/NOTIFY.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChildServer } from '../../bench/lib/child-server.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { startServerProcesses } from './support/child-servers.js';
import { openEventStream, type EventStream, type FeedEvent } from './support/event-stream.js';
import { startTestServer } from './support/test-server.js';

const SECRET = 'change-feed-secret-at-least-32-bytes!';
const TABLES = [{ name: 'todoitem' }, { name: 'notes', ownerColumn: 'userId' }];
const FEED = '/tables/$changes';

const token = (sub: string): Promise<string> =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));

async function insert(url: string, table: string, row: Record<string, unknown>, auth: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/tables/${table}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'zumo-api-version': '3.0.0', ...auth },
    body: JSON.stringify(row),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Record<string, unknown>;
}

const changeOf = (table: string) => (e: FeedEvent): boolean => e.event === 'change' && (JSON.parse(e.data) as { table?: string }).table === table;

describe('change feed across two server processes over one PostgreSQL', () => {
  let servers: ChildServer[];
  let dispose: () => Promise<void>;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  const streams: EventStream[] = [];
  const open = async (url: string, headers: Record<string, string> = {}): Promise<EventStream> => {
    const stream = await openEventStream(url, headers);
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    ({ servers, dispose } = await startServerProcesses('feed', 2, { auth: { secret: SECRET }, tables: TABLES }));
    alice = { authorization: `Bearer ${await token('alice')}` };
    bob = { 'x-zumo-auth': await token('bob') };
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await dispose?.();
  });

  test('T-10: the feed requires authentication as the tables do: 401 without a token or with a bad one', async () => {
    const [a] = servers;
    const none = await open(`${a!.url}${FEED}`);
    expect(none.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(JSON.parse(none.raw())).toMatchObject({ code: 'unauthorized' });
    const bad = await open(`${a!.url}${FEED}`, { authorization: 'Bearer not-a-jwt' });
    expect(bad.status).toBe(401);
  });

  test('T-10: a write committed through process A wakes a subscriber of process B, with an event naming the table and no row data', async () => {
    const [a, b] = servers;
    const feed = await open(`${b!.url}${FEED}`, alice);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/event-stream/);
    const written = Date.now();
    const row = await insert(a!.url, 'todoitem', { id: 'feed-a1', text: 'secret text', done: false }, alice);
    const event = await feed.next(changeOf('todoitem'), { timeoutMs: 3000 });
    expect(event.at - written).toBeLessThan(2000);
    expect(JSON.parse(event.data)).toEqual({ table: 'todoitem' });
    // Nothing of the row travels: neither its id, its text nor its version.
    for (const value of [row['id'], row['text'], row['version']]) expect(feed.raw()).not.toContain(String(value));
  });

  test("T-10: another user's owner-scoped write produces no event for this user; their own does", async () => {
    const [a, b] = servers;
    const aliceFeed = await open(`${b!.url}${FEED}`, alice);
    const bobFeed = await open(`${b!.url}${FEED}`, bob);
    await insert(a!.url, 'notes', { id: 'feed-n-bob', text: 'bob only' }, bob);
    await bobFeed.next(changeOf('notes'), { timeoutMs: 3000 });
    // Past the coalescing window, so the next write cannot hide inside the first one's event.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const aliceWrote = Date.now();
    await insert(a!.url, 'notes', { id: 'feed-n-alice', text: 'alice only' }, alice);
    const heard = await aliceFeed.next(changeOf('notes'), { timeoutMs: 3000 });
    expect(heard.at).toBeGreaterThanOrEqual(aliceWrote);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(aliceFeed.events.filter(changeOf('notes'))).toHaveLength(1);
    expect(bobFeed.events.filter(changeOf('notes'))).toHaveLength(1);
  });
});

// PGlite's in-process feed (the row store announcing its own commits) is what test/browser/e2e-feed.test.ts
// runs on; this block stays on PostgreSQL, whose server starts in about a second.
describe('change feed in one process', () => {
  let server: RunningServer;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ server, dispose } = await startTestServer('postgres', 'feed-one', { changeFeed: { keepAliveMs: 100, coalesceMs: 50 } }));
  });
  afterAll(async () => dispose?.());

  test('T-10: a write wakes a subscriber; a burst is coalesced; keep-alive comments flow; CORS as the tables', async () => {
    const feed = await openEventStream(`${server.url}${FEED}`, { origin: 'http://app.example' });
    try {
      expect(feed.status).toBe(200);
      expect(feed.headers['access-control-allow-origin']).toBe('*');
      expect(feed.headers['cache-control']).toContain('no-cache');
      const burst = Date.now();
      for (let i = 0; i < 10; i++) await insert(server.url, 'todoitem', { id: `burst-${i}`, text: 'b' }, {});
      const took = Date.now() - burst;
      await feed.next(changeOf('todoitem'), { timeoutMs: 3000 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      // At most one event per table per 50 ms window, plus the burst's trailing one.
      expect(feed.events.filter(changeOf('todoitem')).length).toBeGreaterThanOrEqual(1);
      expect(feed.events.filter(changeOf('todoitem')).length).toBeLessThanOrEqual(Math.ceil(took / 50) + 1);
      expect(feed.events.filter(changeOf('todoitem')).length).toBeLessThan(10);
      expect(feed.comments).toContain('keep-alive');
    } finally {
      feed.close();
    }
  });

  // Last in this block: it closes the block's server (close is idempotent; dispose then only drops the schema).
  test('T-10: closing the server ends open feeds instead of waiting for them', async () => {
    const feed = await openEventStream(`${server.url}${FEED}`);
    expect(feed.status).toBe(200);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2000);
    feed.close();
  });
});
