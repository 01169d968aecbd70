/**
 * DESIGN.md §6 "Online write (write-through)": an insert online through the worker (row and op committed
 * strict, the op pushed at once under the sync lock, the server's answer settled and returned with
 * `X-Tablesync: upstream`), against the same request straight to the same server from a page with no
 * worker, in interleaved rounds, after a few of each to warm both paths.
 */
import type { BrowserBench } from '../lib/browser-bench.js';
import { expectAnswers, timeFetches } from '../lib/page-fetch.js';
import { atMost, boundText, SERIES_HEADER, seriesRow, verdictOf, type Report } from '../lib/report.js';
import { appRow, TABLES } from '../lib/rows.js';
import { fmt, summarize } from '../lib/stats.js';

const ROUNDS = 10;
const WARMUP = 5;

export async function measureOnlineWrites(b: BrowserBench, report: Report): Promise<void> {
  const perRound = b.scale.quick ? 5 : 20;
  const init = { method: 'POST', headers: { 'content-type': 'application/json', 'zumo-api-version': '3.0.0' } };
  // Ids never seen by either table, even when the stage runs twice.
  const run = Date.now().toString(36);
  let next = 1;
  const bodies = (count: number, prefix: string): string[] => Array.from({ length: count }, () => JSON.stringify(appRow(next++, `${prefix}${run}-`)));
  const through = async (count: number): Promise<number[]> => {
    const sent = bodies(count, 'online');
    return expectAnswers('online write through the worker', await timeFetches(b.appA, sent.map(() => `/tables/${TABLES.writes}`), init, sent), 201, false);
  };
  const direct = async (count: number): Promise<number[]> => {
    const sent = bodies(count, 'direct');
    return expectAnswers('the same write straight to the server', await timeFetches(b.plainA, sent.map(() => `/tables/${TABLES.direct}`), init, sent), 201, false);
  };
  await b.wakeAllWorkers();
  await direct(WARMUP);
  await through(WARMUP);
  const directSamples: number[] = [];
  const throughSamples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    directSamples.push(...(await direct(perRound)));
    throughSamples.push(...(await through(perRound)));
  }
  const pending = await b.appA.evaluate(async () => (await window.tablesync!.status()).pending);
  if (pending !== 0) throw new Error(`online writes left ${pending} ops queued: they were not written through`);
  const base = summarize(directSamples);
  const online = summarize(throughSamples);
  report.section(`Online write (DESIGN 6, PROTOCOL §3.9): POST → the server's 201 through the worker vs straight to the server, ${ROUNDS} interleaved rounds`, [
    SERIES_HEADER,
    seriesRow('straight to the server, no worker (same server, same request)', base, base),
    seriesRow('through the worker (journal strict, push at once, settle, the server\'s answer)', online, base),
  ]);
  const bound = atMost(1.3);
  report.figure({
    id: '6b',
    what: 'online write (write-through) vs straight to the server',
    measured: `p50 ${fmt(online.p50)} ms`,
    baseline: `direct p50 ${fmt(base.p50)} ms`,
    ratio: `${fmt(online.p50 / base.p50)}×`,
    target: boundText(bound),
    verdict: verdictOf(online.p50 / base.p50, bound),
  });
}
