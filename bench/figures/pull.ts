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

export async function measurePulls(b: BrowserBench, report: Report): Promise<void> {
  const small = await pullIn(b.appA, TABLES.small);
  const medium = await pullIn(b.appA, TABLES.medium);

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
    ],
    [`pages of ${Math.round(large.rows / Math.max(1, large.pages))} rows (the v3 default pull page, 100); each page re-reads the previous page's last row (watermark ge)`],
  );
  const relative = atLeast(0.5);
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
