/**
 * DESIGN.md §6 "First read after the worker was stopped, 100k rows": every worker stopped over CDP
 * (`ServiceWorker.stopAllWorkers`), then one read of the large table; the same for the floor's
 * worker (its cold start alone). Then, inside the restarted worker, the pieces a cold read waits
 * for are timed on their own: the IndexedDB `getAll` of the table and a sort of its rows.
 */
import type { Page } from 'playwright-core';
import { waitFor } from '../../test/support/browser.js';
import type { BrowserBench } from '../lib/browser-bench.js';
import { expectAnswers, timeFetches } from '../lib/page-fetch.js';
import { atMost, boundText, SERIES_HEADER, seriesRow, verdictOf, type Report } from '../lib/report.js';
import { readPath, TABLES } from '../lib/rows.js';
import { rowsLabel } from '../lib/scale.js';
import { fmt, summarize, type Summary } from '../lib/stats.js';

/** Each worker version's script URL and running status, from the devtools session's events. */
export type Versions = Map<string, { scriptURL: string; status: string }>;

export function trackWorkers(b: BrowserBench): { versions: Versions; dispose(): void } {
  const versions: Versions = new Map();
  const listener = (event: { versions: { versionId: string; scriptURL: string; runningStatus: string }[] }): void => {
    for (const v of event.versions) versions.set(v.versionId, { scriptURL: v.scriptURL, status: v.runningStatus });
  };
  b.browsers.devtools.cdp.on('ServiceWorker.workerVersionUpdated', listener);
  return { versions, dispose: () => b.browsers.devtools.cdp.off('ServiceWorker.workerVersionUpdated', listener) };
}

/**
 * Stops every worker and waits until the one at `origin` is stopped. A page's SyncClient pings
 * its worker every 10 s, which restarts it, so "every worker stopped at once" may never be seen;
 * the stop is sent again if the worker is still up after a second.
 */
export async function stopWorkerAt(b: BrowserBench, versions: Versions, origin: string): Promise<void> {
  const stopped = (): boolean => {
    const mine = [...versions.values()].filter((v) => v.scriptURL.startsWith(`${origin}/`));
    return mine.length > 0 && mine.every((v) => v.status === 'stopped');
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    await b.browsers.devtools.cdp.send('ServiceWorker.stopAllWorkers');
    const ok = await waitFor(stopped, { timeoutMs: 1000, stepMs: 10 }).catch(() => false);
    if (ok) return;
  }
  throw new Error(`the worker at ${origin} would not stop`);
}

export async function coldFetches(b: BrowserBench, versions: Versions, page: Page, path: (i: number) => string, local: boolean, count: number): Promise<number[]> {
  const origin = new URL(page.url()).origin;
  const out: number[] = [];
  for (const i of b.nextIds(count)) {
    await stopWorkerAt(b, versions, origin);
    out.push(...expectAnswers('cold read', await timeFetches(page, [path(i)]), 200, local));
  }
  return out;
}

/** Times, in the worker, what a cold read must do before it can answer: load the table, sort it. */
async function coldParts(b: BrowserBench): Promise<{ getAllMs: number; rows: number; sortMs: number; walkMs: number; walked: number; batchMs: number }> {
  const worker = b.browsers.workers.serviceWorkers().find((w) => w.url().startsWith(`${b.serverB.url}/`));
  if (worker === undefined) throw new Error('worker B is not running');
  return worker.evaluate(async (table) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('tablesync');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error ?? new Error('open failed'));
    });
    try {
      // What the cold path walks for the read (1 row in 30 matches, 51 wanted): the updatedAt index, newest first.
      const w0 = performance.now();
      const walked = await new Promise<number>((resolve, reject) => {
        let n = 0;
        const request = db.transaction('rows', 'readonly').objectStore('rows').index('updatedAt')
          .openCursor(IDBKeyRange.bound([table], [`${table}\u0000`], false, true), 'prev');
        request.onsuccess = () => {
          const cursor = request.result;
          if (cursor !== null && ++n < 1530) cursor.continue();
          else resolve(n);
        };
        request.onerror = () => reject(request.error ?? new Error('cursor failed'));
      });
      const walkMs = performance.now() - w0;
      const b0 = performance.now();
      await new Promise((resolve, reject) => {
        const request = db.transaction('rows', 'readonly').objectStore('rows').index('updatedAt')
          .getAll(IDBKeyRange.bound([table], [`${table}\u0000`], false, true), 1530);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('getAll failed'));
      });
      const batchMs = performance.now() - b0;
      const t0 = performance.now();
      const rows = await new Promise<{ item: Record<string, unknown> }[]>((resolve, reject) => {
        const request = db.transaction('rows', 'readonly').objectStore('rows').getAll(IDBKeyRange.bound([table], [table, []]));
        request.onsuccess = () => resolve(request.result as { item: Record<string, unknown> }[]);
        request.onerror = () => reject(request.error ?? new Error('getAll failed'));
      });
      const getAllMs = performance.now() - t0;
      const items = rows.map((r) => r.item);
      const t1 = performance.now();
      items.sort((a, b) => String(b['updatedAt']).localeCompare(String(a['updatedAt'])) || String(a['id']).localeCompare(String(b['id'])));
      return { getAllMs, rows: rows.length, sortMs: performance.now() - t1, walkMs, walked, batchMs };
    } finally {
      db.close();
    }
  }, TABLES.large);
}

export async function measureColdReads(b: BrowserBench, floor: Summary, report: Report): Promise<void> {
  const count = b.scale.coldReads;
  const tracked = trackWorkers(b);
  let floorCold: Summary, cold: Summary;
  try {
    floorCold = summarize(await coldFetches(b, tracked.versions, b.browsers.floor, (i) => `/tables/floor?${i}`, false, count));
    cold = summarize(await coldFetches(b, tracked.versions, b.appB, (i) => readPath(TABLES.large, i), true, count));
  } finally {
    tracked.dispose();
  }
  const parts = await coldParts(b);
  const label = rowsLabel(b.scale.rows.large);
  report.section(
    `First read after the worker was stopped (DESIGN 4): stopAllWorkers, then one fetch; ${count} times`,
    [
      SERIES_HEADER,
      seriesRow('floor worker, cold (info)', floorCold, floor),
      seriesRow(`intercepted read, ${label} rows, cold`, cold, floor),
    ],
    [
      'p50 / baseline is against the warm floor',
      `inside the worker: IndexedDB getAll of the ${label}-row table ${fmt(parts.getAllMs)} ms (${parts.rows} rows); ` +
        `sorting them by updatedAt desc ${fmt(parts.sortMs)} ms (localeCompare; the engine's comparator may differ); ` +
        `a cursor walk of the updatedAt index, newest first, over ${parts.walked} rows (the read's page) ${fmt(parts.walkMs)} ms; one getAll of as many ${fmt(parts.batchMs)} ms`,
    ],
  );
  const bound = atMost(10);
  report.figure({
    id: '4',
    what: `first read after worker stop, ${label} rows`,
    measured: `p50 ${fmt(cold.p50)} ms`,
    baseline: `floor p50 ${fmt(floor.p50)} ms`,
    ratio: `${fmt(cold.p50 / floor.p50)}×`,
    target: boundText(bound),
    verdict: verdictOf(cold.p50 / floor.p50, bound),
  });
}
