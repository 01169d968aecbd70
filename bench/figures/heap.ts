/** DESIGN.md §6 "Worker heap at 100k local rows": worker B (the large table only), after GC, over CDP. */
import type { BrowserBench } from '../lib/browser-bench.js';
import { atMost, boundText, verdictOf, type Report } from '../lib/report.js';
import { rowsLabel } from '../lib/scale.js';
import { fmt } from '../lib/stats.js';
import { workerHeap } from '../lib/worker-cdp.js';

const MB = 1024 * 1024;

/** Measures worker B's heap now; `when` says in what state (printed). */
export async function measureHeap(b: BrowserBench, when: string): Promise<{ when: string; usedMb: number; totalMb: number; embedderMb: number }> {
  const heap = await workerHeap(b.browsers.cdpSession, `${b.serverB.url}/`);
  return { when, usedMb: heap.usedBytes / MB, totalMb: heap.totalBytes / MB, embedderMb: heap.embedderBytes / MB };
}

export function reportHeap(b: BrowserBench, samples: readonly Awaited<ReturnType<typeof measureHeap>>[], report: Report): void {
  const label = rowsLabel(b.scale.rows.large);
  report.section(
    `Worker heap (DESIGN 9): worker B holds the ${label}-row table only; HeapProfiler.collectGarbage, then Runtime.getHeapUsage`,
    [['state', 'JS heap used MB', 'JS heap total MB', 'embedder (Blink) MB'], ...samples.map((s) => [s.when, fmt(s.usedMb), fmt(s.totalMb), fmt(s.embedderMb)])],
  );
  const worst = Math.max(...samples.map((s) => s.usedMb));
  const bound = atMost(64, 'MB');
  report.figure({
    id: '9',
    what: `worker heap at ${label} local rows (worst state)`,
    measured: `${fmt(worst)} MB used`,
    baseline: '—',
    ratio: `${fmt(worst)} MB`,
    target: boundText(bound),
    verdict: verdictOf(worst, bound),
  });
}
