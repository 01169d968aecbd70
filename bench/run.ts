/**
 * `npm run bench`: every DESIGN.md §6 figure measurable here, in one run, each as a ratio to a
 * baseline of the same run, then a summary with targets and PASS/MISS. Not part of `npm test`
 * (TESTING.md §12). `BENCH_QUICK=1` is a smoke run with small tables and few iterations.
 *
 * Order: build → start the throughput servers (children) → browser half (pull, warm reads, 50 ms
 * RTT, heap, cold reads, writes, push, online writes, profiles, 1M rows) → bundle sizes → server
 * throughput → summary. The 1M-row stage runs in the full run; a quick run skips it unless `BENCH_MILLION=1`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureColdReads } from './figures/cold-read.js';
import { measureHeap, reportHeap } from './figures/heap.js';
import { measureMillion, MILLION_IDS, millionRows } from './figures/million.js';
import { profileWorkerA } from './figures/profiles.js';
import { measurePulls } from './figures/pull.js';
import { measureServerThroughput, type ServerUnderTest } from './figures/server-throughput.js';
import { measureSizes } from './figures/sizes.js';
import { measureRttRead, measureWarmReads, reportWarmFigures, type WarmReads } from './figures/warm-reads.js';
import { measureWritesAndPush } from './figures/write-push.js';
import { measureOnlineWrites } from './figures/online-write.js';
import { BASELINE_DIR, ensureBaseline } from './lib/baseline.js';
import { openBrowserBench } from './lib/browser-bench.js';
import { startChildServer, type ChildServer } from './lib/child-server.js';
import { createReport, type Report } from './lib/report.js';
import { scaleFromEnv } from './lib/scale.js';
import { BENCH_DIR, buildBundles } from './lib/stack.js';

const started = performance.now();
const progress = (text: string): void => {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${text}\n`);
};

/** Runs one stage; a failure is reported against its figures and the run goes on. */
async function stage(report: Report, name: string, ids: readonly string[], work: () => Promise<void>): Promise<boolean> {
  progress(name);
  try {
    await work();
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
    report.note(`${name} failed: ${message}`);
    for (const id of ids) report.figure({ id, what: name, measured: 'failed', baseline: '—', ratio: 'n/a', target: '—', verdict: 'n/a' });
    return false;
  }
}

const scale = scaleFromEnv();
/** `BENCH_ONLY=server`: the server throughput figures alone (about a minute), to iterate on the server. */
const serverOnly = process.env['BENCH_ONLY'] === 'server';
/** `BENCH_ONLY=writes`: the write and push figures alone (6, 6b, 8a, 8b), to iterate on the write path. */
const writesOnly = process.env['BENCH_ONLY'] === 'writes';
const report = createReport();
const rowsEnv = { BENCH_ROWS: String(scale.rows.medium) };
console.log(`# tablesync benchmarks (DESIGN.md §6)${scale.quick ? ' — QUICK smoke run: small tables, few iterations; not the DESIGN figures' : ''}`);
console.log(`${new Date().toISOString()}; Node ${process.version}; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const distDir = serverOnly ? null : (progress('building the bundles'), await buildBundles());

progress('starting the throughput servers');
const baseline = await ensureBaseline(progress);
const tsx = ['--import', 'tsx', path.join(BENCH_DIR, 'servers/ours.ts')];
const children: ServerUnderTest[] = [];
const startChild = async (key: ServerUnderTest['key'], label: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<ChildServer | null> => {
  // PGlite starts twice in its child (seed, then serve): 5–10 s alone, over a minute on a loaded machine.
  try {
    const server = await startChildServer({ label, command: process.execPath, args, env: { ...rowsEnv, ...env }, timeoutMs: 180_000 });
    children.push({ key, label, server });
    return server;
  } catch (error) {
    report.note(`${label} did not start: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
};
const [pglite] = await Promise.all([
  startChild('pglite', 'ours, PGlite', [...tsx, 'pglite']),
  startChild('postgres', 'ours, PostgreSQL 15', [...tsx, 'postgres']),
]);
let amaMissing = baseline.ok ? null : baseline.why;
if (baseline.ok) {
  const ama = await startChild('ama', 'Azure Mobile Apps 4.0.2, SQLite', [path.join(BASELINE_DIR, 'ama-server.cjs')], baseline.env);
  if (ama === null) amaMissing = 'the azure-mobile-apps server did not start (see the note above)';
}

const runBrowserFigures = async (distDir: string): Promise<void> => {
  progress('browser: seeding, launching Chromium, opening the apps');
  const bench = await openBrowserBench({ scale, distDir, pgliteUrl: pglite?.url ?? null });
  console.log(`Chromium ${bench.browsers.browser.version()}; rows: ${scale.rows.small} / ${scale.rows.medium} / ${scale.rows.large}`);
  let reads: WarmReads | null = null;
  const heaps: Awaited<ReturnType<typeof measureHeap>>[] = [];
  try {
    const pulled = !writesOnly && (await stage(report, 'initial pull', ['7a', '7b'], () => measurePulls(bench, report)));
    if (pulled) {
      await stage(report, 'warm reads', ['1', '2', '3', '5a', '5b'], async () => {
        reads = await measureWarmReads(bench, report);
        reportWarmFigures(bench, reads, report);
      });
      const warm = reads as WarmReads | null;
      if (warm !== null) {
        await stage(report, 'server read at 50 ms RTT', ['5c'], () => measureRttRead(bench, warm, report));
        await stage(report, 'worker heap, warm', [], async () => void heaps.push(await measureHeap(bench, 'warm, after the read rounds')));
        const floor = warm.get('floor');
        if (floor !== undefined) await stage(report, 'first read after stop', ['4'], () => measureColdReads(bench, floor, report));
        await stage(report, 'worker heap, after cold reads', [], async () => void heaps.push(await measureHeap(bench, 'restarted, after one cold read')));
      }
      if (heaps.length > 0) reportHeap(bench, heaps, report);
      else report.figure({ id: '9', what: 'worker heap', measured: 'failed', baseline: '—', ratio: 'n/a', target: '≤ 64 MB', verdict: 'n/a' });
    }
    await stage(report, 'writes and push', ['6', '8a', '8b'], () => measureWritesAndPush(bench, report));
    await stage(report, 'online writes', ['6b'], () => measureOnlineWrites(bench, report));
    if (writesOnly) return;
    await stage(report, 'worker profiles (diagnostics)', [], () => profileWorkerA(bench, distDir, report));
    const million = millionRows(scale.quick);
    if (million !== null) await stage(report, `${million} local rows`, MILLION_IDS, () => measureMillion(bench, distDir, million, report, progress));
    const errors = [...bench.browsers.devtools.errors];
    if (errors.length > 0) report.note(`worker/page errors during the run: ${errors.join(' | ')}`);
  } finally {
    progress('closing the browser');
    await bench.close();
  }
};
if (distDir !== null) {
  await runBrowserFigures(distDir);
  await stage(report, 'bundle sizes', ['10a', '10b'], async () => measureSizes(distDir, report));
}
try {
  if (!writesOnly) await stage(report, 'server throughput', [], () => measureServerThroughput(children, scale, report, amaMissing));
} finally {
  await Promise.all(children.map((c) => c.server.stop()));
  if (distDir !== null) fs.rmSync(distDir, { recursive: true, force: true });
}

// Figures a failed stage never reached still get their row.
const SERVER_FIGURES = ['11a-pglite', '11b-pglite', '11c-pglite', '11a-postgres', '11b-postgres', '11c-postgres'];
const BROWSER_FIGURES = ['1', '2', '3', '4', '5a', '5b', '5c', '6', '6b', '7a', '7b', '8a', '8b', '9', '10a', '10b', ...(millionRows(scale.quick) === null ? [] : MILLION_IDS)];
const EXPECTED = serverOnly ? SERVER_FIGURES : writesOnly ? ['6', '6b', '8a', '8b'] : [...BROWSER_FIGURES, ...SERVER_FIGURES];
for (const id of EXPECTED) {
  if (!report.figures.some((f) => f.id === id)) report.figure({ id, what: 'not measured (see notes)', measured: '—', baseline: '—', ratio: 'n/a', target: '—', verdict: 'n/a' });
}
report.note(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores shared with other engineers' runs)`);
console.log(`\n## Summary (${((performance.now() - started) / 1000).toFixed(0)} s)\n${report.summary()}`);
// BENCH_RESULTS names another file (the smoke test in `npm test` writes to a temporary one).
const resultsFile = process.env['BENCH_RESULTS'] ?? path.join(BENCH_DIR, 'results.json');
fs.writeFileSync(resultsFile, `${JSON.stringify(report.results(), null, 2)}\n`);
console.log(`results: ${resultsFile}`);
