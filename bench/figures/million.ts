/**
 * DESIGN.md §6 "1M local rows: pull, warm read, cold read, worker heap", on a worker of its own
 * (origin C, one table of BENCH_MILLION_ROWS rows, default 1,000,000, seeded in PostgreSQL with
 * generate_series). All but the last 20k rows are written straight into the worker's IndexedDB
 * (pulling 1M rows at today's pull rate would take longer than the whole bench may); then
 * `tablesync.pull()` brings the last 20k into the restarted worker holding the rest: the pull's rate
 * at 1M local rows. Then the §6 read warm, interleaved with the floor (ratio of p50s); the same read
 * as the first after a worker stop; the worker's heap after GC.
 * The full run always measures it; `BENCH_QUICK=1` only with `BENCH_MILLION=1`.
 */
import type { RunningServer } from '../../src/server/start-server.js';
import type { BrowserBench } from '../lib/browser-bench.js';
import { expectAnswers, timeFetches } from '../lib/page-fetch.js';
import { atLeast, atMost, boundText, SERIES_HEADER, seriesRow, verdictOf, type Report } from '../lib/report.js';
import { readPath, seedRows } from '../lib/rows.js';
import { rowsLabel } from '../lib/scale.js';
import { openBenchApp, startPgServer } from '../lib/stack.js';
import { fmt, summarize } from '../lib/stats.js';
import { workerHeap } from '../lib/worker-cdp.js';
import { waitFor } from '../../test/support/browser.js';
import { coldFetches, stopWorkerAt, trackWorkers } from './cold-read.js';

const TABLE = 'rows_million';
const MB = 1024 * 1024;

/** The figure ids this stage reports. */
export const MILLION_IDS = ['12a', '12b', '12c', '12d'] as const;

/** Rows of the 1M run, or null when this run skips it. */
export function millionRows(quick: boolean, env: NodeJS.ProcessEnv = process.env): number | null {
  if (quick && env['BENCH_MILLION'] !== '1') return null;
  const rows = Number(env['BENCH_MILLION_ROWS'] ?? 1_000_000);
  return Number.isInteger(rows) && rows > 0 ? rows : 1_000_000;
}

/** Rows the worker pulls itself (the pull figure); the rest are written straight into its IndexedDB. */
const PULLED_TAIL = 20_000;

/**
 * Writes rows 1..count of the seeded table into worker C's IndexedDB as a pull would have stored
 * them (the sw adapter's row records: `u` is the updatedAt order key of sw/idb/order-key.ts), and a
 * complete pull cursor at row `count`. Rows are generated from the seed's formulas (bench/lib/rows.ts).
 */
async function writeRowsInWorker(b: BrowserBench, origin: string, count: number, firstUpdatedMs: number): Promise<number> {
  const worker = b.browsers.workers.serviceWorkers().find((w) => w.url().startsWith(`${origin}/`));
  if (worker === undefined) throw new Error('worker C is not running');
  return worker.evaluate(
    async ({ table, count, firstUpdatedMs }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('tablesync');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error ?? new Error('open failed'));
      });
      const t0 = performance.now();
      // No named inner functions: tsx would wrap them in a helper the worker does not have.
      try {
        for (let from = 1; from <= count; from += 5000) {
          const tx = db.transaction('rows', 'readwrite', { durability: 'relaxed' });
          const rows = tx.objectStore('rows');
          for (let i = from; i < Math.min(count + 1, from + 5000); i++) {
            const id = `r${String(i).padStart(7, '0')}`;
            const ms = firstUpdatedMs + i - 1;
            const at = new Date(ms).toISOString();
            const version = `seed${i}`;
            const item = { id, createdAt: at, updatedAt: at, version, deleted: false, text: `Buy milk and eggs, item ${i}`, done: i % 3 === 0, category: `c${String(i % 20).padStart(2, '0')}`, rank: i };
            rows.put({ table, id, item, knownVersions: [version], u: [3, ms, 0] });
          }
          await new Promise((resolve, reject) => {
            tx.oncomplete = resolve;
            tx.onabort = () => reject(tx.error ?? new Error('aborted'));
          });
        }
        const last = firstUpdatedMs + count - 1;
        const tx = db.transaction('syncState', 'readwrite');
        tx.objectStore('syncState').put({ table, queryId: '*', watermark: { ms: last, raw: new Date(last).toISOString() }, drain: null, lastPullAt: Date.now(), complete: true });
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onabort = () => reject(tx.error ?? new Error('aborted'));
        });
        return performance.now() - t0;
      } finally {
        db.close();
      }
    },
    { table: TABLE, count, firstUpdatedMs },
  );
}

export async function measureMillion(b: BrowserBench, distDir: string, rows: number, report: Report, progress: (text: string) => void): Promise<void> {
  const label = rowsLabel(rows);
  const tail = Math.min(PULLED_TAIL, rows);
  let server: RunningServer | null = null;
  const tracked = trackWorkers(b);
  try {
    server = await startPgServer(b.schema.name, distDir, [{ name: TABLE }]);
    const origin = server.url;
    // The worker's page-load pull meets an empty table: complete, nothing stored.
    const app = await openBenchApp(b.browsers.workers, origin, [TABLE]);
    const idle = async (): Promise<boolean> =>
      app.evaluate(async () => {
        const s = await window.tablesync!.status();
        return s.lastPullAt !== null && !s.pulling;
      });
    await waitFor(idle, { message: "worker C's first pull" });
    const seedStart = performance.now();
    await seedRows(b.schema.pool, TABLE, rows);
    const first = (await (await fetch(`${origin}/tables/${TABLE}?$orderby=updatedAt&$top=1`, { headers: { 'zumo-api-version': '3.0.0' } })).json()) as { items: { updatedAt: string }[] };
    const firstUpdatedMs = Date.parse(first.items[0]?.updatedAt ?? '');
    if (!Number.isFinite(firstUpdatedMs)) throw new Error('the seeded table has no first row');
    progress(`${label}: server seeded in ${fmt((performance.now() - seedStart) / 1000)} s; writing ${rows - tail} rows into the worker`);
    const writeMs = await writeRowsInWorker(b, origin, rows - tail, firstUpdatedMs);

    // Stopped, the worker forgets its (empty) index; the pull then brings the last rows on top of the rest.
    await stopWorkerAt(b, tracked.versions, origin);
    progress(`${label}: ${rows - tail} rows written in ${fmt(writeMs / 1000)} s; pulling the last ${tail}`);
    const pulled = await app.evaluate(async (table) => {
      const t0 = performance.now();
      const result = await window.tablesync!.pull({ table });
      return { ms: performance.now() - t0, pages: result.pages };
    }, TABLE);
    const pullRate = (tail / pulled.ms) * 1000;
    await waitFor(idle, { message: 'worker C idle after its pull' });
    const stored = await app.evaluate(async (table) => ((await (await fetch(`/tables/${table}?$count=true&$top=1`)).json()) as { count: number }).count, TABLE);
    if (stored !== rows) throw new Error(`worker C holds ${stored} rows of ${rows}`);
    progress(`${label}: pulled ${tail} rows in ${fmt(pulled.ms / 1000)} s; warm reads`);

    // Warm: the first reads sort the table in the read's order; then floor and table reads alternate by round.
    const readOf = (i: number): string => readPath(TABLE, i);
    expectAnswers('warm-up', await timeFetches(app, b.nextIds(4).map(readOf)), 200, true);
    const floor: number[] = [], warm: number[] = [];
    for (let round = 0; round < b.scale.readRounds; round++) {
      floor.push(...expectAnswers('floor', await timeFetches(b.browsers.floor, b.nextIds(b.scale.readsPerRound).map((i) => `/tables/floor?${i}`)), 200, false));
      warm.push(...expectAnswers('warm read', await timeFetches(app, b.nextIds(b.scale.readsPerRound).map(readOf)), 200, true));
    }
    const heapWarm = await workerHeap(b.browsers.cdpSession, `${origin}/`);
    progress(`${label}: cold reads`);
    const cold = await coldFetches(b, tracked.versions, app, readOf, true, b.scale.coldReads);
    // After a cold read the worker warms the table again: the heap once that load is done.
    expectAnswers('count after cold', await timeFetches(app, [`/tables/${TABLE}?$count=true&$top=1`]), 200, true);
    const heapAfter = await workerHeap(b.browsers.cdpSession, `${origin}/`);
    await app.close();

    const floorS = summarize(floor), warmS = summarize(warm), coldS = summarize(cold);
    const heapMb = Math.max(heapWarm.usedBytes, heapAfter.usedBytes) / MB;
    report.section(
      `${label} local rows (DESIGN 12): worker C holds one ${label}-row table`,
      [
        SERIES_HEADER,
        seriesRow('floor: worker answers a constant Response', floorS, floorS),
        seriesRow(`intercepted read, ${label} rows, warm`, warmS, floorS),
        seriesRow(`intercepted read, ${label} rows, first after a stop`, coldS, floorS),
      ],
      [
        `rows 1–${rows - tail} written straight into the worker's IndexedDB as a pull stores them (${fmt(writeMs / 1000)} s); ` +
          `then tablesync.pull() of the last ${tail} into the restarted worker holding them: ${pulled.pages} pages, ${fmt(pulled.ms / 1000)} s, ${fmt(pullRate)} rows/s`,
        `worker heap after GC: warm ${fmt(heapWarm.usedBytes / MB)} MB; after the cold reads and a count (the table loaded again) ${fmt(heapAfter.usedBytes / MB)} MB`,
      ],
    );
    const rate = atLeast(20_000, 'rows/s'), warmBound = atMost(2), coldBound = atMost(10), heapBound = atMost(256, 'MB');
    report.figure({ id: '12a', what: `${label} rows: pull of the last ${rowsLabel(tail)} onto the rest`, measured: `${fmt(pulled.ms / 1000)} s`, baseline: '—', ratio: `${fmt(pullRate)} rows/s`, target: boundText(rate), verdict: verdictOf(pullRate, rate) });
    report.figure({ id: '12b', what: `${label} rows: warm read`, measured: `p50 ${fmt(warmS.p50)} ms`, baseline: `floor p50 ${fmt(floorS.p50)} ms`, ratio: `${fmt(warmS.p50 / floorS.p50)}×`, target: boundText(warmBound), verdict: verdictOf(warmS.p50 / floorS.p50, warmBound) });
    report.figure({ id: '12c', what: `${label} rows: first read after worker stop`, measured: `p50 ${fmt(coldS.p50)} ms`, baseline: `floor p50 ${fmt(floorS.p50)} ms`, ratio: `${fmt(coldS.p50 / floorS.p50)}×`, target: boundText(coldBound), verdict: verdictOf(coldS.p50 / floorS.p50, coldBound) });
    report.figure({ id: '12d', what: `${label} rows: worker heap (worst state)`, measured: `${fmt(heapMb)} MB used`, baseline: '—', ratio: `${fmt(heapMb)} MB`, target: boundText(heapBound), verdict: verdictOf(heapMb, heapBound) });
  } finally {
    tracked.dispose();
    await server?.close();
    await b.schema.pool.query(`drop table if exists ${TABLE}`, []).catch(() => {});
  }
}
