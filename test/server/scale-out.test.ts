/**
 * Issue 11 item 6 (PROTOCOL.md P3, L-09): two reference-server processes over one PostgreSQL, writers
 * on both, and transactions that commit 3 s after they stamped `updatedAt` (three times the pull
 * overlap). A client pulling from the two in turn, as the engine pulls (`updatedAt ge W − 1000 ms`,
 * `$orderby=updatedAt,id`), ends with exactly the database's rows and versions: sync reads stop below
 * the oldest open write transaction. The control shows the same late commit is lost without that bound.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChildServer } from '../../bench/lib/child-server.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { startServerProcesses } from './support/child-servers.js';
import { TEST_DATABASE_URL } from './support/databases.js';
import { startTestServer } from './support/test-server.js';

const OVERLAP_MS = 1000;
const SLOW_MS = 3000;
const TOP = 100;

type Row = { id: string; version: string; updatedAt: string; deleted?: boolean };

/** A test-only trigger: a write whose data has `slowMs` sleeps after its stamp, before its commit. */
async function addSlowCommits(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`set search_path = "${schema}"`);
    await client.query(`create or replace function test_slow_commit() returns trigger language plpgsql as $fn$
      begin
        if new.data ? 'slowMs' then perform pg_sleep((new.data->>'slowMs')::float8 / 1000); end if;
        return new;
      end $fn$`);
    await client.query('create trigger test_slow_commit before insert or update on todoitem for each row execute function test_slow_commit()');
  } finally {
    await client.end();
  }
}

/** How many rows were stamped more than the pull overlap after the last slow row: the watermark had moved past the late rows. */
async function overtaking(schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*)::text as n from "${schema}".todoitem
       where updated_at > (select max(updated_at) from "${schema}".todoitem where data ? 'slowMs') + interval '${OVERLAP_MS} milliseconds'`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function databaseRows(schema: string): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; version: string }>(`select id, version from "${schema}".todoitem`);
    return new Map(rows.map((r) => [r.id, r.version]));
  } finally {
    await client.end();
  }
}

const call = async (url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'zumo-api-version': '3.0.0', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: response.status === 204 ? null : await response.json() };
};

/** The engine's incremental pull (PROTOCOL.md §3.6) reduced to what matters here: watermark, overlap, cursor, same-millisecond drain. */
function createPuller() {
  const rows = new Map<string, string>();
  let watermark: number | null = null;
  const literal = (ms: number): string => `cast(${new Date(ms).toISOString()},Edm.DateTimeOffset)`;
  return {
    rows,
    async pull(url: string): Promise<void> {
      let cursor = watermark === null ? null : watermark - OVERLAP_MS;
      for (let pages = 0; pages < 10_000; pages++) {
        const filter = cursor === null ? '' : `&$filter=${encodeURIComponent(`updatedAt ge ${literal(cursor)}`)}`;
        const answer = await call(url, 'GET', `/tables/todoitem?$orderby=updatedAt,id&$top=${TOP}&__includeDeleted=true${filter}`);
        expect(answer.status).toBe(200);
        const { items, nextLink } = answer.body as { items: Row[]; nextLink?: string };
        for (const row of items) rows.set(row.id, row.version);
        const last = items.at(-1);
        if (last === undefined) return;
        const t = Date.parse(last.updatedAt);
        watermark = Math.max(watermark ?? t, t);
        if (items.length < TOP && nextLink === undefined) return;
        // A full page of one millisecond would need the id drain; the writers here never make one.
        expect(cursor !== null && t === cursor).toBe(false);
        cursor = t;
      }
    },
  };
}

/**
 * Writers on every server: a steady stream of inserts and updates, and, on each server, an insert
 * and an update of an existing row that stamp and then commit SLOW_MS later. Meanwhile the client
 * pulls from the servers in turn every 100 ms, and twice more at the end.
 */
async function race(urls: readonly string[], prefix: string): Promise<ReturnType<typeof createPuller>> {
  const puller = createPuller();
  for (const url of urls) await call(url, 'POST', '/tables/todoitem', { id: `${prefix}-base-${urls.indexOf(url)}`, text: 'base' });
  let writing = true;
  const slow = urls.flatMap((url, i) => [
    call(url, 'POST', '/tables/todoitem', { id: `${prefix}-slow-insert-${i}`, text: 'late', slowMs: SLOW_MS }),
    call(url, 'PATCH', `/tables/todoitem/${prefix}-base-${i}`, { text: 'late update', slowMs: SLOW_MS }),
  ]);
  const fast = urls.map(async (url, i) => {
    for (let n = 0; writing; n++) {
      const id = `${prefix}-fast-${i}-${n % 40}`;
      if (n < 40) await call(url, 'POST', '/tables/todoitem', { id, text: `v${n}` });
      else await call(url, 'PATCH', `/tables/todoitem/${id}`, { text: `v${n}` });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
  let turn = 0;
  const pulling = (async () => {
    while (writing) {
      await puller.pull(urls[turn++ % urls.length]!);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const answers = await Promise.all(slow);
  expect(answers.map((a) => a.status)).toEqual(urls.flatMap(() => [201, 200]));
  // Fast writes go on past the slow commits, so the watermark has moved well beyond their stamps.
  await new Promise((resolve) => setTimeout(resolve, 500));
  writing = false;
  await Promise.all([...fast, pulling]);
  for (const url of urls) await puller.pull(url);
  return puller;
}

describe('scale-out over one PostgreSQL', () => {
  let servers: ChildServer[];
  let schema: string;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ servers, schema, dispose } = await startServerProcesses('scale', 2, { tables: [{ name: 'todoitem' }], changeFeed: false }));
    await addSlowCommits(schema);
  });
  afterAll(async () => dispose?.());

  // Two processes, 3 s late commits, pulls every 100 ms: about 5 s.
  test('L-09/P3: a client pulling from two server processes in turn misses nothing, although transactions commit 3 s after their stamp', async () => {
    const puller = await race(servers.map((s) => s.url), 'two');
    const expected = await databaseRows(schema);
    expect(await overtaking(schema)).toBeGreaterThan(0);
    expect(new Map([...puller.rows].sort())).toEqual(new Map([...expected].sort()));
  });
});

describe('control: the same late commits without the server bound', () => {
  let server: RunningServer;
  let dispose: () => Promise<void>;
  let schema: string;

  beforeAll(async () => {
    ({ server, dispose } = await startTestServer('postgres', 'scale-control', { tables: [{ name: 'todoitem' }], changeFeed: false, syncHorizon: false }));
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ schema: string }>(
      `select table_schema as schema from information_schema.tables where table_name = 'todoitem' and table_schema like $1 order by table_schema desc limit 1`,
      [`t_scale-control_${process.pid}_%`],
    );
    await client.end();
    schema = rows[0]!.schema;
    await addSlowCommits(schema);
  });
  afterAll(async () => dispose?.());

  test('P3: with syncHorizon off, rows that commit later than the 1000 ms overlap are lost to the same client', async () => {
    const puller = await race([server.url], 'one');
    const expected = await databaseRows(schema);
    expect(await overtaking(schema)).toBeGreaterThan(0);
    const missed = [...expected].filter(([id, version]) => puller.rows.get(id) !== version).map(([id]) => id);
    expect(missed).toEqual(expect.arrayContaining(['one-slow-insert-0']));
  });
});
