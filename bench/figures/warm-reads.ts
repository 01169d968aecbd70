/**
 * DESIGN.md §6 reads, warm: the floor (a worker answering a constant Response), intercepted reads
 * on the small, medium and large tables, and the same read answered by the reference server with
 * no worker, measured in interleaved rounds (each round runs every series, in a rotating order) so
 * a neighbour's load on the shared cores falls on all series alike. Every intercepted URL is new,
 * so the worker's read cache (a repeated URL) never answers; one series repeats a URL to show it.
 */
import type { Page } from 'playwright-core';
import type { BrowserBench } from '../lib/browser-bench.js';
import { expectAnswers, timeFetches } from '../lib/page-fetch.js';
import { atLeast, atMost, boundText, SERIES_HEADER, seriesRow, verdictOf, type Report } from '../lib/report.js';
import { readPath, TABLES } from '../lib/rows.js';
import { rowsLabel } from '../lib/scale.js';
import { fmt, summarize, type Summary } from '../lib/stats.js';

interface Series {
  readonly key: string;
  readonly label: string;
  readonly page: Page;
  readonly path: (i: number) => string;
  /** Answered by the tablesync worker (`x-tablesync: local`)? */
  readonly local: boolean;
}

/** The warm read series' summaries, by key. */
export type WarmReads = ReadonlyMap<string, Summary>;

function seriesOf(b: BrowserBench): Series[] {
  const { rows } = b.scale;
  const list: Series[] = [
    { key: 'floor', label: 'floor: worker answers a constant Response', page: b.browsers.floor, path: (i) => `/tables/floor?${i}`, local: false },
    { key: 'floor50', label: 'floor, constant 50-row body (info)', page: b.browsers.floor, path: () => '/tables/page50', local: false },
    { key: 'trivial', label: 'trivial loopback server, no worker (info)', page: b.plainTrivial, path: (i) => `/tables/x?${i}`, local: false },
    { key: 'small', label: `intercepted read, ${rowsLabel(rows.small)} rows`, page: b.appA, path: (i) => readPath(TABLES.small, i), local: true },
    { key: 'medium', label: `intercepted read, ${rowsLabel(rows.medium)} rows`, page: b.appA, path: (i) => readPath(TABLES.medium, i), local: true },
    { key: 'large', label: `intercepted read, ${rowsLabel(rows.large)} rows`, page: b.appB, path: (i) => readPath(TABLES.large, i), local: true },
    { key: 'cached', label: `intercepted read, ${rowsLabel(rows.medium)} rows, same URL (read-cache hit, info)`, page: b.appA, path: () => readPath(TABLES.medium, 0), local: true },
    { key: 'server', label: `server read, ${rowsLabel(rows.medium)} rows, PostgreSQL, no worker`, page: b.plainA, path: (i) => readPath(TABLES.medium, i), local: false },
  ];
  if (b.plainPglite !== null) {
    list.push({ key: 'serverPglite', label: `server read, ${rowsLabel(rows.medium)} rows, PGlite, no worker`, page: b.plainPglite, path: (i) => readPath(TABLES.medium, i), local: false });
  }
  return list;
}

async function run(b: BrowserBench, series: Series, count: number): Promise<number[]> {
  const urls = b.nextIds(count).map(series.path);
  return expectAnswers(series.label, await timeFetches(series.page, urls), 200, series.local);
}

/** Warms every series (index loaded, order sorted), then measures them in interleaved rounds. */
export async function measureWarmReads(b: BrowserBench, report: Report): Promise<WarmReads> {
  const all = seriesOf(b);
  for (const s of all) await run(b, s, 8);
  const samples = new Map<string, number[]>(all.map((s) => [s.key, []]));
  for (let round = 0; round < b.scale.readRounds; round++) {
    for (let k = 0; k < all.length; k++) {
      const s = all[(k + round) % all.length] as Series;
      samples.get(s.key)?.push(...(await run(b, s, b.scale.readsPerRound)));
    }
  }
  const summaries = new Map([...samples].map(([key, values]) => [key, summarize(values)]));
  const floor = summaries.get('floor') as Summary;
  report.section(
    `Warm reads (DESIGN 1, 2, 3, 5): page fetch of $filter + $orderby + $top=50, ${b.scale.readRounds} interleaved rounds`,
    [SERIES_HEADER, ...all.map((s) => seriesRow(s.label, summaries.get(s.key) as Summary, floor))],
    [
      `read: ${decodeURIComponent(readPath('<table>', 7))}`,
      'filter keeps about 1 row in 30; the always-true `text ne` clause makes each URL new, so the read cache cannot answer',
      'time = fetch() until the body is read, measured in the page; p50 / baseline is against the floor',
    ],
  );
  return summaries;
}

/** DESIGN 1, 2, 3 and 5 from the warm series. */
export function reportWarmFigures(b: BrowserBench, reads: WarmReads, report: Report): void {
  const get = (key: string): Summary => reads.get(key) as Summary;
  const { rows } = b.scale;
  const floor = get('floor');
  const medium = get('medium');
  report.figure({ id: '1', what: 'floor: worker answers a constant Response', measured: `p50 ${fmt(floor.p50)} ms`, baseline: '—', ratio: `p95 ${fmt(floor.p95)} ms`, target: '(baseline)', verdict: 'n/a' });
  const f2 = atMost(1.5);
  report.figure({
    id: '2',
    what: `intercepted read, ${rowsLabel(rows.medium)} rows, warm`,
    measured: `p50 ${fmt(medium.p50)} ms`,
    baseline: `floor p50 ${fmt(floor.p50)} ms`,
    ratio: `${fmt(medium.p50 / floor.p50)}×`,
    target: boundText(f2),
    verdict: verdictOf(medium.p50 / floor.p50, f2),
  });
  const large = get('large');
  const small = get('small');
  const f3 = atMost(2);
  report.figure({
    id: '3',
    what: `intercepted read, ${rowsLabel(rows.large)} vs ${rowsLabel(rows.small)} rows`,
    measured: `p50 ${fmt(large.p50)} ms`,
    baseline: `${rowsLabel(rows.small)}: p50 ${fmt(small.p50)} ms`,
    ratio: `${fmt(large.p50 / small.p50)}×`,
    target: boundText(f3),
    verdict: verdictOf(large.p50 / small.p50, f3),
  });
  const f5 = atLeast(2);
  for (const [key, id, db] of [['server', '5a', 'PostgreSQL'], ['serverPglite', '5b', 'PGlite']] as const) {
    const server = reads.get(key);
    if (server === undefined) continue;
    report.figure({
      id,
      what: `server read (${db}, loopback, no worker) vs intercepted, ${rowsLabel(rows.medium)}`,
      measured: `p50 ${fmt(server.p50)} ms`,
      baseline: `intercepted p50 ${fmt(medium.p50)} ms`,
      ratio: `${fmt(server.p50 / medium.p50)}× slower`,
      target: boundText(f5),
      verdict: verdictOf(server.p50 / medium.p50, f5),
    });
  }
}

/** DESIGN 5, second half: the server read with 50 ms RTT emulated on the no-worker page (CDP Network). */
export async function measureRttRead(b: BrowserBench, reads: WarmReads, report: Report): Promise<void> {
  const cdp = await b.browsers.plain.newCDPSession(b.plainA);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 50, downloadThroughput: -1, uploadThroughput: -1 });
  const urls = b.nextIds(b.scale.rttReads).map((i) => readPath(TABLES.medium, i));
  let values: number[];
  try {
    values = expectAnswers('server read at 50 ms RTT', await timeFetches(b.plainA, urls), 200, false);
  } finally {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await cdp.detach();
  }
  const server = summarize(values);
  const medium = reads.get('medium') as Summary;
  report.section('Server read with 50 ms RTT emulated (DESIGN 5, second target)', [SERIES_HEADER, seriesRow('server read, PostgreSQL, latency 50 ms', server, medium)], [
    'p50 / baseline here is against the warm intercepted read of the same table',
  ]);
  const bound = atLeast(10);
  report.figure({
    id: '5c',
    what: 'server read with 50 ms RTT vs intercepted',
    measured: `p50 ${fmt(server.p50)} ms`,
    baseline: `intercepted p50 ${fmt(medium.p50)} ms`,
    ratio: `${fmt(server.p50 / medium.p50)}× slower`,
    target: boundText(bound),
    verdict: verdictOf(server.p50 / medium.p50, bound),
  });
}
