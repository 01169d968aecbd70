/**
 * Diagnostics, not figures: CPU profiles of worker A while it answers warm reads of the medium
 * table, pulls a table of the medium size, and pushes a second, smaller batch of queued inserts;
 * self time by source location. They run after the figures so their overhead touches none.
 */
import type { BrowserBench } from '../lib/browser-bench.js';
import { expectAnswers, timeFetches } from '../lib/page-fetch.js';
import { SERIES_HEADER, seriesRow, type Report } from '../lib/report.js';
import { appRow, readPath, TABLES } from '../lib/rows.js';
import { fmt, summarize } from '../lib/stats.js';
import { profileWorker, type HotSpot } from '../lib/worker-profile.js';

const PUSH_OPS = 200;
const READS = 100;

const rows = (spots: readonly HotSpot[]): string[][] => spots.map((s) => [s.where, fmt(s.ms), `${(s.share * 100).toFixed(1)}%`]);

/** What one IndexedDB transaction costs inside worker A, in a scratch database: strict and relaxed writes, a read. */
async function transactionCosts(b: BrowserBench): Promise<{ strict: number[]; relaxed: number[]; read: number[]; page: number[] }> {
  const worker = b.browsers.workers.serviceWorkers().find((w) => w.url().startsWith(`${b.serverA.url}/`));
  if (worker === undefined) throw new Error('worker A is not running');
  return worker.evaluate(async () => {
    const name = 'tablesync-bench-scratch';
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(name, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('s');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('open failed'));
    });
    // No named functions in here: tsx would wrap them in a `__name` helper the worker lacks.
    const out = { strict: [] as number[], relaxed: [] as number[], read: [] as number[] };
    const kinds = [['strict', 'readwrite', 'strict'], ['relaxed', 'readwrite', 'relaxed'], ['read', 'readonly', 'relaxed']] as const;
    for (let i = 0; i < 30; i++) {
      for (const [key, mode, durability] of kinds) {
        const ms = await new Promise<number>((resolve, reject) => {
          const t0 = performance.now();
          const tx = db.transaction('s', mode, { durability });
          if (mode === 'readwrite') tx.objectStore('s').put({ i, text: 'x'.repeat(200) }, i % 10);
          else tx.objectStore('s').get(i % 10);
          tx.oncomplete = () => resolve(performance.now() - t0);
          tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
        });
        out[key].push(ms);
      }
    }
    // A pull page's worth: 100 row-shaped records in one strict transaction.
    const page: number[] = [];
    for (let n = 0; n < 10; n++) {
      const ms = await new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        const tx = db.transaction('s', 'readwrite', { durability: 'strict' });
        const store = tx.objectStore('s');
        for (let k = 0; k < 100; k++) {
          const i = n * 100 + k;
          const item = { id: `r${i}`, text: `Buy milk and eggs, item ${i}`, done: false, category: 'c01', rank: i, createdAt: '2026-12-01T20:00:00.000Z', updatedAt: '2026-12-01T20:00:00.000Z', version: 'AAAAAAAAAAE=', deleted: false };
          store.put({ table: 't', id: `r${i}`, item, knownVersions: ['AAAAAAAAAAE='] }, 1000 + i);
        }
        tx.oncomplete = () => resolve(performance.now() - t0);
        tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
      });
      page.push(ms);
    }
    db.close();
    indexedDB.deleteDatabase(name);
    return { ...out, page };
  });
}

/** The worker's own `fetch` of insert POSTs to the server, one at a time, no engine: the network part of a push. */
async function workerPostCost(b: BrowserBench, count: number): Promise<number[]> {
  const worker = b.browsers.workers.serviceWorkers().find((w) => w.url().startsWith(`${b.serverA.url}/`));
  if (worker === undefined) throw new Error('worker A is not running');
  return worker.evaluate(
    async ({ table, count }) => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const body = JSON.stringify({ id: `sw-raw-${i}`, text: `Buy milk and eggs, item ${i}`, done: false, category: 'c01', rank: i });
        const t0 = performance.now();
        const response = await fetch(`/tables/${table}`, { method: 'POST', headers: { 'zumo-api-version': '3.0.0', 'content-type': 'application/json' }, body });
        await response.text();
        if (response.status !== 201) throw new Error(`raw POST got ${response.status}`);
        out.push(performance.now() - t0);
      }
      return out;
    },
    { table: TABLES.direct, count },
  );
}

export async function profileWorkerA(b: BrowserBench, distDir: string, report: Report): Promise<void> {
  const worker = `${b.serverA.url}/`;
  await b.wakeAllWorkers();
  const reads = await profileWorker(b.browsers.cdpSession, worker, distDir, async () => {
    const urls = b.nextIds(READS).map((i) => readPath(TABLES.medium, i));
    expectAnswers('profiled read', await timeFetches(b.appA, urls), 200, true);
  });
  report.section(`Where the time goes: worker A during ${READS} warm reads of the medium table (${fmt(reads.totalMs)} ms profiled)`, [
    ['self time at', 'ms', 'share'],
    ...rows(reads.spots),
  ]);

  const pull = await profileWorker(b.browsers.cdpSession, worker, distDir, async () => {
    await b.appA.evaluate((table) => window.tablesync!.pull({ table }).then(() => undefined), TABLES.profiled);
  });
  report.section(`Where the time goes: worker A pulling ${b.scale.rows.medium} rows into an empty table (${fmt(pull.totalMs)} ms profiled)`, [
    ['self time at', 'ms', 'share'],
    ...rows(pull.spots),
  ]);

  await b.browsers.workers.setOffline(true);
  try {
    const bodies = Array.from({ length: PUSH_OPS }, (_, k) => JSON.stringify(appRow(100_000 + k)));
    const init = { method: 'POST', headers: { 'content-type': 'application/json' } };
    expectAnswers('write', await timeFetches(b.appA, bodies.map(() => `/tables/${TABLES.writes}`), init, bodies), 201, true);
  } finally {
    await b.browsers.workers.setOffline(false);
  }
  const push = await profileWorker(b.browsers.cdpSession, worker, distDir, async () => {
    await b.appA.evaluate(async () => {
      for (let i = 0; i < 50; i++) {
        await window.tablesync!.push();
        if ((await window.tablesync!.status()).pending === 0) return;
      }
    });
  });
  report.section(`Where the time goes: worker A pushing ${PUSH_OPS} queued inserts (${fmt(push.totalMs)} ms profiled)`, [
    ['self time at', 'ms', 'share'],
    ...rows(push.spots),
  ]);

  const costs = await transactionCosts(b);
  const posts = await workerPostCost(b, 100);
  report.section('What the pieces of a push and a pull cost inside worker A (IndexedDB in a scratch database)', [
    SERIES_HEADER,
    seriesRow('IndexedDB readwrite transaction, durability strict', summarize(costs.strict)),
    seriesRow('IndexedDB readwrite transaction, durability relaxed', summarize(costs.relaxed)),
    seriesRow('IndexedDB readonly get', summarize(costs.read)),
    seriesRow('IndexedDB strict transaction of 100 row records (a pull page)', summarize(costs.page)),
    seriesRow("the worker's own fetch: insert POST to the server, sequential, no engine", summarize(posts)),
  ]);
}
