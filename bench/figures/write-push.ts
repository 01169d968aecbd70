/**
 * DESIGN.md §6 "Intercepted write acknowledged" and "Push of 1,000 queued ops". The context goes
 * offline (no sync event, no push, TESTING.md §4), so a write's time is its acknowledgement alone:
 * POST → 201 once row and op are committed in one strict IndexedDB transaction, measured in
 * interleaved rounds with the floor. Those writes are then the queued ops: back online, one push
 * sends them all; the baseline sends the same requests (as recorded from the worker) from Node,
 * one at a time as the push does, to a twin table of the same server.
 */
import type { Request } from 'playwright-core';
import type { BrowserBench } from '../lib/browser-bench.js';
import { expectAnswers, timeFetches } from '../lib/page-fetch.js';
import { atLeast, atMost, boundText, SERIES_HEADER, seriesRow, verdictOf, type Report } from '../lib/report.js';
import { appRow, TABLES } from '../lib/rows.js';
import { fmt, summarize } from '../lib/stats.js';

const ROUNDS = 10;

export async function measureWritesAndPush(b: BrowserBench, report: Report): Promise<void> {
  const total = b.scale.writes;
  const perRound = Math.ceil(total / ROUNDS);
  await b.wakeAllWorkers();
  await b.browsers.workers.setOffline(true);
  const floorSamples: number[] = [];
  const writeSamples: number[] = [];
  let written = 0;
  try {
    for (let round = 0; round < ROUNDS && written < total; round++) {
      floorSamples.push(...expectAnswers('floor', await timeFetches(b.browsers.floor, b.nextIds(Math.max(1, Math.ceil(perRound / 5))).map((i) => `/tables/floor?${i}`)), 200, false));
      const count = Math.min(perRound, total - written);
      const bodies = Array.from({ length: count }, (_, k) => JSON.stringify(appRow(written + k + 1)));
      const urls = bodies.map(() => `/tables/${TABLES.writes}`);
      const init = { method: 'POST', headers: { 'content-type': 'application/json' } };
      writeSamples.push(...expectAnswers('intercepted write', await timeFetches(b.appA, urls, init, bodies), 201, true));
      written += count;
    }
    const pending = await b.appA.evaluate(async () => (await window.tablesync!.status()).pending);
    if (pending !== total) throw new Error(`expected ${total} queued ops, the worker holds ${pending}`);
  } catch (error) {
    await b.browsers.workers.setOffline(false);
    throw error;
  }
  const floor = summarize(floorSamples);
  const writes = summarize(writeSamples);
  const first = summarize(writeSamples.slice(0, perRound));
  const last = summarize(writeSamples.slice(-perRound));
  report.section(
    `Intercepted write acknowledged (DESIGN 6): POST → 201, row + op in one strict transaction, offline, ${ROUNDS} interleaved rounds`,
    [
      SERIES_HEADER,
      seriesRow('floor: worker answers a constant Response', floor, floor),
      seriesRow(`intercepted write, all ${writes.n}`, writes, floor),
      seriesRow(`  first ${first.n} (queue 0–${first.n})`, first, floor),
      seriesRow(`  last ${last.n} (queue ${total - last.n}–${total})`, last, floor),
    ],
  );
  const f6 = atMost(2);
  report.figure({
    id: '6',
    what: 'intercepted write acknowledged (strict)',
    measured: `p50 ${fmt(writes.p50)} ms`,
    baseline: `floor p50 ${fmt(floor.p50)} ms`,
    ratio: `${fmt(writes.p50 / floor.p50)}×`,
    target: boundText(f6),
    verdict: verdictOf(writes.p50 / floor.p50, f6),
  });

  // The push: every write above is a queued insert.
  const sent: { headers: Record<string, string>; body: string }[] = [];
  const record = (request: Request): void => {
    if (request.serviceWorker() !== null && request.method() === 'POST' && request.url().endsWith(`/tables/${TABLES.writes}`)) {
      sent.push({ headers: request.headers(), body: request.postData() ?? '' });
    }
  };
  b.browsers.workers.on('request', record);
  await b.appA.evaluate((total) => {
    const w = window as unknown as { benchPushed: Promise<void> };
    w.benchPushed = new Promise<void>((resolve) => {
      let completed = 0;
      window.tablesync!.on('pushed', (event) => {
        completed += event.result.completed;
        if (completed >= total) resolve();
      });
    });
  }, total);
  const t0 = performance.now();
  await b.browsers.workers.setOffline(false);
  // Background Sync fires about 15 ms after going online; an explicit push waits for it on the lock.
  await b.appA.evaluate(async () => {
    void window.tablesync!.push();
    await (window as unknown as { benchPushed: Promise<void> }).benchPushed;
  });
  const pushMs = performance.now() - t0;
  b.browsers.workers.off('request', record);
  const { rows } = await b.schema.pool.query<{ n: string }>(`select count(*) as n from ${TABLES.writes}`);
  if (Number(rows[0]?.n) !== total) throw new Error(`the server holds ${rows[0]?.n} pushed rows of ${total}`);

  // The same requests straight from Node (keep-alive fetch), one at a time, to the twin table:
  // each op once (a request Playwright saw twice, or an op the worker re-sent, is sent once).
  const unique = [...new Map(sent.map((r) => [r.body, r])).values()];
  if (unique.length !== sent.length) report.note(`push: Playwright saw ${sent.length} insert requests from the worker for ${unique.length} distinct bodies (${total} ops)`);
  const direct = `${b.serverA.url}/tables/${TABLES.direct}`;
  const t1 = performance.now();
  for (const request of unique) {
    const headers = { 'zumo-api-version': request.headers['zumo-api-version'] ?? '3.0.0', 'content-type': 'application/json' };
    const response = await fetch(direct, { method: 'POST', headers, body: request.body });
    await response.text();
    if (response.status !== 201) throw new Error(`direct insert got ${response.status}`);
  }
  const directMs = performance.now() - t1;
  const pushRate = (total / pushMs) * 1000;
  const directRate = (unique.length / directMs) * 1000;
  report.section(`Push of ${total} queued ops (DESIGN 8): back online → every op sent, answered and settled`, [
    ['measurement', 'ops', 'ms', 'ops/s', 'vs Node'],
    ['push (Background Sync / explicit push, from going online to the last op settled)', String(total), fmt(pushMs), fmt(pushRate), `${fmt(pushRate / directRate)}×`],
    ['same requests from Node, sequential, keep-alive', String(unique.length), fmt(directMs), fmt(directRate), '1×'],
  ]);
  const relative = atLeast(0.7);
  const absolute = atLeast(500, 'ops/s');
  report.figure({
    id: '8a',
    what: `push of ${total} queued ops, throughput ratio`,
    measured: `${fmt(pushRate)} ops/s`,
    baseline: `Node ${fmt(directRate)} ops/s`,
    ratio: `${fmt(pushRate / directRate)}×`,
    target: boundText(relative),
    verdict: verdictOf(pushRate / directRate, relative),
  });
  report.figure({
    id: '8b',
    what: `push of ${total} queued ops, absolute`,
    measured: `${fmt(pushMs / 1000)} s`,
    baseline: '—',
    ratio: `${fmt(pushRate)} ops/s`,
    target: boundText(absolute),
    verdict: verdictOf(pushRate, absolute),
  });
}
