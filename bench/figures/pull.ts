/**
 * DESIGN.md §6 "Initial pull, 100k rows": `tablesync.pull()` of the large table into an empty
 * worker, against fetching the very pages the worker fetched (recorded as it sent them) from a page
 * with no worker, bodies parsed and dropped. Also pulls the small and medium tables (later figures
 * read them), timed for information.
 */
import type { Page, Request } from 'playwright-core';
import type { BrowserBench } from '../lib/browser-bench.js';
import { atLeast, boundText, verdictOf, type Report } from '../lib/report.js';
import { TABLES } from '../lib/rows.js';
import { rowsLabel } from '../lib/scale.js';
import { fmt } from '../lib/stats.js';

interface Pulled {
  readonly ms: number;
  readonly pages: number;
  readonly rows: number;
}

const pullIn = (page: Page, table: string): Promise<Pulled> =>
  page.evaluate(async (table) => {
    const t0 = performance.now();
    const result = await window.tablesync!.pull({ table });
    return { ms: performance.now() - t0, pages: result.pages, rows: result.rows };
  }, table);

/** Fetches `urls` in order from a page with no worker, each body read and parsed, nothing kept. */
const fetchPagesIn = (page: Page, urls: readonly string[], headers: Record<string, string>): Promise<{ ms: number; rows: number }> =>
  page.evaluate(
    async ({ urls, headers }) => {
      let rows = 0;
      const t0 = performance.now();
      for (const url of urls) {
        const response = await fetch(url, { headers, cache: 'no-store' });
        const body = JSON.parse(await response.text()) as { items?: unknown[] } | unknown[];
        rows += Array.isArray(body) ? body.length : (body.items?.length ?? 0);
      }
      return { ms: performance.now() - t0, rows };
    },
    { urls, headers },
  );

const localCount = (page: Page, table: string): Promise<number> =>
  page.evaluate(async (table) => {
    const response = await fetch(`/tables/${table}?$count=true&$top=1`);
    return ((await response.json()) as { count: number }).count;
  }, table);

/**
 * The pull's storage floor: `rows` records shaped as the worker stores rows, written inside worker B in relaxed
 * transactions of `perTransaction`, in a scratch database without indexes; no network, no engine.
 */
async function indexedDbFloor(b: BrowserBench, rows: number, perTransaction: number): Promise<number> {
  const worker = b.browsers.workers.serviceWorkers().find((w) => w.url().startsWith(`${b.serverB.url}/`));
  if (worker === undefined) throw new Error('worker B is not running');
  return worker.evaluate(
    async ({ rows, perTransaction }) => {
      // No named functions in here: tsx would wrap them in a `__name` helper the worker lacks.
      const name = 'tablesync-bench-pull-floor';
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name, 1);
        open.onupgradeneeded = () => open.result.createObjectStore('rows', { keyPath: ['table', 'id'] });
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error ?? new Error('open failed'));
      });
      const t0 = performance.now();
      for (let start = 0; start < rows; start += perTransaction) {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('rows', 'readwrite', { durability: 'relaxed' });
          const store = tx.objectStore('rows');
          for (let i = start; i < Math.min(rows, start + perTransaction); i++) {
            const id = `r${String(i).padStart(7, '0')}`;
            const item = { id, text: `Buy milk and eggs, item ${i}`, done: i % 3 === 0, category: `c${String(i % 20).padStart(2, '0')}`, rank: i, createdAt: '2026-12-01T20:00:00.000Z', updatedAt: '2026-12-01T20:00:00.000Z', version: 'AAAAAAAAAAE=', deleted: false };
            store.put({ table: 't', id, item, knownVersions: ['AAAAAAAAAAE='] });
          }
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error ?? new Error('transaction failed'));
        });
      }
      const ms = performance.now() - t0;
      db.close();
      indexedDB.deleteDatabase(name);
      return ms;
    },
    { rows, perTransaction },
  );
}

export async function measurePulls(b: BrowserBench, report: Report): Promise<void> {
  const small = await pullIn(b.appA, TABLES.small);
  const medium = await pullIn(b.appA, TABLES.medium);

  // Worker B began pulling the large table when its page opened (T-09): purging waits that pull out and empties the
  // table and its cursor, so the pull timed below is a whole initial pull.
  await b.appB.evaluate((table) => window.tablesync!.purge({ table, resetWatermarks: 'table' }).then(() => undefined), TABLES.large);

  // The worker's own upstream requests, as Playwright sees a service worker's fetches.
  const sent: { url: string; headers: Record<string, string> }[] = [];
  const record = (request: Request): void => {
    if (request.serviceWorker() !== null && request.method() === 'GET' && request.url().includes(`/tables/${TABLES.large}?`)) {
      sent.push({ url: request.url(), headers: request.headers() });
    }
  };
  b.browsers.workers.on('request', record);
  const large = await pullIn(b.appB, TABLES.large);
  b.browsers.workers.off('request', record);

  const stored = await localCount(b.appB, TABLES.large);
  if (stored !== b.scale.rows.large) throw new Error(`the pull stored ${stored} rows of ${b.scale.rows.large}`);
  if (sent.length !== large.pages) report.note(`pull: recorded ${sent.length} upstream requests for ${large.pages} pages`);
  const apiVersion = sent[0]?.headers['zumo-api-version'] ?? '3.0.0';
  const baseline = await fetchPagesIn(b.plainB, sent.map((s) => s.url), { 'zumo-api-version': apiVersion });

  const tableRows = b.scale.rows.large;
  const perPage = Math.max(1, Math.round(baseline.rows / Math.max(1, sent.length)));
  const floorMs = await indexedDbFloor(b, tableRows, perPage);
  const floorRate = (tableRows / floorMs) * 1000;
  const pullRate = (tableRows / large.ms) * 1000;
  const fetchRate = (tableRows / baseline.ms) * 1000;
  const ratio = pullRate / fetchRate;
  report.section(
    'Initial pull (DESIGN 7): tablesync.pull() into an empty worker vs the same pages fetched without storing',
    [
      ['measurement', 'table rows', 'requests', 'rows received', 'ms', 'ms/request', 'table rows/s', 'vs fetch-only'],
      [`pull ${rowsLabel(b.scale.rows.small)} (info)`, String(b.scale.rows.small), String(small.pages), String(small.rows), fmt(small.ms), fmt(small.ms / small.pages), fmt((b.scale.rows.small / small.ms) * 1000), ''],
      [`pull ${rowsLabel(b.scale.rows.medium)} (info)`, String(b.scale.rows.medium), String(medium.pages), String(medium.rows), fmt(medium.ms), fmt(medium.ms / medium.pages), fmt((b.scale.rows.medium / medium.ms) * 1000), ''],
      [`pull ${rowsLabel(tableRows)}`, String(tableRows), String(large.pages), String(large.rows), fmt(large.ms), fmt(large.ms / large.pages), fmt(pullRate), `${fmt(ratio)}×`],
      [`fetch the same ${sent.length} pages, parse, drop (no worker)`, String(tableRows), String(sent.length), String(baseline.rows), fmt(baseline.ms), fmt(baseline.ms / Math.max(1, sent.length)), fmt(fetchRate), '1×'],
      [`(floor) IndexedDB alone in worker B: ${tableRows} row records, ${perPage} per relaxed transaction, no network`, String(tableRows), '0', '—', fmt(floorMs), '—', fmt(floorRate), `${fmt(floorRate / fetchRate)}×`],
    ],
    [`${sent.length} requests: the first asks the v3 default page (100 rows); the reference server offers up to 1000 per pull request (x-tablesync-pull-top) and the engine asks that from the second on; each page re-reads the previous page's last row (watermark ge); page n+1 is fetched while page n commits`],
  );
  const relative = atLeast(0.7);
  const absolute = atLeast(20_000, 'rows/s');
  report.figure({
    id: '7a',
    what: `initial pull ${rowsLabel(tableRows)} rows, throughput ratio`,
    measured: `${fmt(pullRate)} rows/s`,
    baseline: `fetch-only ${fmt(fetchRate)} rows/s`,
    ratio: `${fmt(ratio)}×`,
    target: boundText(relative),
    verdict: verdictOf(ratio, relative),
  });
  report.figure({
    id: '7b',
    what: `initial pull ${rowsLabel(tableRows)} rows, absolute`,
    measured: `${fmt(large.ms / 1000)} s`,
    baseline: '—',
    ratio: `${fmt(pullRate)} rows/s`,
    target: boundText(absolute),
    verdict: verdictOf(pullRate, absolute),
  });
}
