import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, test } from 'vitest';
import type { FigureResult } from '../../bench/lib/report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'tablesync-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The server figures against the Azure SDK, measured in the same run (DESIGN.md §6, 11a–c). */
const SERVER_FIGURES = ['pglite', 'postgres'].flatMap((db) => ['a', 'b', 'c'].map((letter) => `11${letter}-${db}`));

// `npm run bench` once, every stage at BENCH_SCALE=tiny (the 1M-row stage at 2,000 rows), so no benchmark rots: a stage that throws
// leaves its figures unmeasured (value null), which fails here. The whole path (build, the three
// servers as children, Chromium, every figure) is the point, hence one long test.
test('npm run bench at tiny scale writes results.json with every figure measured and judged', { timeout: 300_000 }, async () => {
  const results = path.join(dir, 'results.json');
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'bench/run.ts'], {
    cwd: root,
    env: { ...process.env, BENCH_SCALE: 'tiny', BENCH_MILLION: '1', BENCH_MILLION_ROWS: '2000', BENCH_RESULTS: results },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code, output).toBe(0);
  expect(output).toContain('## Summary');

  const figures = JSON.parse(readFileSync(results, 'utf8')) as FigureResult[];
  expect(figures.map((f) => f.id)).toEqual(expect.arrayContaining([...SERVER_FIGURES, '1', '2', '4', '7a', '8a', '9', '10a', '10b']));
  for (const f of figures) {
    expect(Object.keys(f).sort(), f.id).toEqual(['baseline', 'id', 'name', 'ratio', 'target', 'unit', 'value', 'verdict']);
    expect(Number.isFinite(f.value), `${f.id} ${f.name}: ${String(f.value)}\n${output}`).toBe(true);
    expect(['PASS', 'MISS', 'n/a'], f.id).toContain(f.verdict);
  }
  for (const id of SERVER_FIGURES) {
    const f = figures.find((g) => g.id === id) as FigureResult;
    expect(f.unit).toBe('req/s');
    expect(f.baseline, `${id}: the Azure SDK measured in the same run`).toBeGreaterThan(0);
    expect(f.ratio).toBeCloseTo((f.value ?? Number.NaN) / (f.baseline ?? Number.NaN), 6);
    expect(['PASS', 'MISS'], id).toContain(f.verdict);
  }
});
