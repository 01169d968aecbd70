/**
 * DESIGN.md §6 "Reference server, filtered query and insert, concurrency 16": each server in a
 * process of its own on loopback, driven by a bounded closed loop of 16 keep-alive connections
 * (bench/lib/load.ts). Ours on PGlite (on disk, the `npm start` default) and on PostgreSQL; the
 * baseline is the Azure Mobile Apps Node SDK on its SQLite provider (in memory), when installed.
 * Every server gets the same requests in the v2 dialect (`ZUMO-API-VERSION: 2.0.0`, AMA's only one).
 */
import type { ChildServer } from '../lib/child-server.js';
import { runLoad, type LoadRequest, type LoadResult } from '../lib/load.js';
import { atLeast, boundText, verdictOf, type Report } from '../lib/report.js';
import { appRow, readPath, TABLES } from '../lib/rows.js';
import type { Scale } from '../lib/scale.js';
import { fmt } from '../lib/stats.js';

const CONCURRENCY = 16;
const HEADERS = { 'zumo-api-version': '2.0.0' };

export interface ServerUnderTest {
  readonly key: 'pglite' | 'postgres' | 'ama';
  readonly label: string;
  readonly server: ChildServer;
}

const OPERATIONS = ['query', 'get', 'insert'] as const;
type Operation = (typeof OPERATIONS)[number];
const OPERATION_LABEL: Record<Operation, string> = { query: 'filtered query', get: 'GET by id', insert: 'insert' };
/** Figure ids by operation (DESIGN.md §6 11a–c) and the ratio to the Azure SDK each database must reach. */
const FIGURE_LETTER: Record<Operation, string> = { query: 'a', insert: 'b', get: 'c' };
const TARGET: Record<'pglite' | 'postgres', number> = { pglite: 3, postgres: 5 };

interface Measured {
  readonly query: LoadResult;
  readonly get: LoadResult;
  readonly insert: LoadResult;
  /** One request at a time: the latency a request costs the server alone (diagnostic). */
  readonly serialQuery: LoadResult;
  readonly serialInsert: LoadResult;
}

const ROUNDS = 4;

const queryOf = (i: number): LoadRequest => ({ method: 'GET', path: readPath(TABLES.medium, i), headers: HEADERS });
/** A seeded row (ids r0000001…), spread over the table so no page of the database stays hot by itself. */
const getOf = (rows: number) => (i: number): LoadRequest => ({
  method: 'GET',
  path: `/tables/${TABLES.medium}/r${String(1 + ((i * 7919) % rows)).padStart(7, '0')}`,
  headers: HEADERS,
});
const insertOf = (prefix: string, offset: number) => (i: number): LoadRequest => ({
  method: 'POST',
  path: `/tables/${TABLES.direct}`,
  headers: { ...HEADERS, 'content-type': 'application/json' },
  body: JSON.stringify(appRow(offset + i, prefix)),
});

/** Several bounded slices as one result: requests and time added up, latency percentiles of the slices' p50s and p95s at worst. */
function combine(slices: readonly LoadResult[]): LoadResult {
  const requests = slices.reduce((n, r) => n + r.requests, 0);
  const ms = slices.reduce((n, r) => n + r.ms, 0);
  const worst = (pick: (r: LoadResult) => number): number => Math.max(...slices.map(pick));
  const p50s = slices.map((r) => r.latency.p50).sort((a, b) => a - b);
  return {
    requests,
    ms,
    perSecond: (requests / ms) * 1000,
    latency: { n: requests, p50: p50s[Math.floor(p50s.length / 2)] ?? Number.NaN, p95: worst((r) => r.latency.p95), min: Math.min(...slices.map((r) => r.latency.min)), mean: Number.NaN },
  };
}

/**
 * Every server is measured in the same rounds (query slice, then insert slice, server after
 * server, the order rotating), so load from others on the shared cores falls on all alike.
 */
async function measureAll(servers: readonly ServerUnderTest[], scale: Scale): Promise<Map<string, Measured>> {
  const sliceMs = scale.loadMs / ROUNDS;
  const sliceRequests = Math.ceil(scale.loadRequests / ROUNDS);
  const slices = new Map(servers.map((s) => [s.key, { query: [] as LoadResult[], get: [] as LoadResult[], insert: [] as LoadResult[] }]));
  const getRequest = getOf(scale.rows.medium);
  const warm = { concurrency: CONCURRENCY, maxRequests: Math.min(200, sliceRequests), maxMs: 2000 };
  for (const s of servers) {
    // Warm-up: connections, JIT, the database's caches.
    await runLoad({ ...warm, url: s.server.url, request: queryOf, expectStatus: 200 });
    await runLoad({ ...warm, url: s.server.url, request: getRequest, expectStatus: 200 });
    await runLoad({ ...warm, url: s.server.url, request: insertOf(`${s.key}-warm-`, 0), expectStatus: 201 });
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < servers.length; k++) {
      const s = servers[(k + round) % servers.length] as ServerUnderTest;
      const mine = slices.get(s.key);
      const base = { url: s.server.url, concurrency: CONCURRENCY, maxRequests: sliceRequests, maxMs: sliceMs };
      mine?.query.push(await runLoad({ ...base, request: queryOf, expectStatus: 200 }));
      mine?.get.push(await runLoad({ ...base, request: getRequest, expectStatus: 200 }));
      mine?.insert.push(await runLoad({ ...base, request: insertOf(`${s.key}-r${round}-`, 0), expectStatus: 201 }));
    }
  }
  const results = new Map<string, Measured>();
  for (const s of servers) {
    const serial = { url: s.server.url, concurrency: 1, maxRequests: Math.min(200, sliceRequests), maxMs: 1500 };
    const serialQuery = await runLoad({ ...serial, request: queryOf, expectStatus: 200 });
    const serialInsert = await runLoad({ ...serial, request: insertOf(`${s.key}-serial-`, 0), expectStatus: 201 });
    const mine = slices.get(s.key);
    results.set(s.key, { query: combine(mine?.query ?? []), get: combine(mine?.get ?? []), insert: combine(mine?.insert ?? []), serialQuery, serialInsert });
  }
  return results;
}

export async function measureServerThroughput(servers: readonly ServerUnderTest[], scale: Scale, report: Report, missingBaseline: string | null): Promise<void> {
  const results = await measureAll(servers, scale);
  const ama = results.get('ama');
  const rows: string[][] = [['server', 'operation', 'requests', 's', 'req/s', 'latency p50 ms (median slice)', 'p95 ms (worst slice)', 'vs AMA', 'c=1 p50 ms (info)']];
  for (const s of servers) {
    const m = results.get(s.key) as Measured;
    for (const op of OPERATIONS) {
      const r = m[op];
      const serial = op === 'query' ? fmt(m.serialQuery.latency.p50) : op === 'insert' ? fmt(m.serialInsert.latency.p50) : '';
      const ratio = ama === undefined ? '' : `${fmt(r.perSecond / ama[op].perSecond)}×`;
      rows.push([s.label, OPERATION_LABEL[op], String(r.requests), fmt(r.ms / 1000), fmt(r.perSecond), fmt(r.latency.p50), fmt(r.latency.p95), ratio, serial]);
    }
  }
  report.section(
    `Reference server throughput (DESIGN 11): concurrency ${CONCURRENCY}, keep-alive; ${ROUNDS} interleaved rounds of at most ${Math.ceil(scale.loadRequests / ROUNDS)} requests or ${scale.loadMs / ROUNDS / 1000} s per server and operation`,
    rows,
    [
      `query: ${decodeURIComponent(readPath(TABLES.medium, 7))} on ${scale.rows.medium} rows; GET by id: /tables/${TABLES.medium}/{id} of a seeded row; insert: POST of a new row to an empty table`,
      ...(missingBaseline === null ? [] : [`baseline missing: ${missingBaseline}`]),
    ],
  );
  for (const key of ['pglite', 'postgres'] as const) {
    const ours = results.get(key);
    const label = servers.find((s) => s.key === key)?.label ?? key;
    if (ours === undefined) continue;
    const bound = atLeast(TARGET[key]);
    for (const op of OPERATIONS) {
      const mine = ours[op].perSecond;
      const theirs = ama?.[op].perSecond;
      report.figure({
        id: `11${FIGURE_LETTER[op]}-${key}`,
        what: `server ${OPERATION_LABEL[op]}, c=16, ${label}`,
        measured: `${fmt(mine)} req/s`,
        baseline: theirs === undefined ? 'AMA: missing' : `AMA ${fmt(theirs)} req/s`,
        ratio: theirs === undefined ? 'n/a' : `${fmt(mine / theirs)}×`,
        target: boundText(bound),
        verdict: theirs === undefined ? 'n/a' : verdictOf(mine / theirs, bound),
        numbers: { value: mine, unit: 'req/s', baseline: theirs ?? null, ratio: theirs === undefined ? null : mine / theirs },
      });
    }
  }
}
