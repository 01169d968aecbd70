/** DESIGN.md §6 bundle budgets: the drop-in script and the worker bundle, brotli (node:zlib, quality 11). */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { atMost, boundText, verdictOf, type Report } from '../lib/report.js';
import { fmt } from '../lib/stats.js';

const brotli = (file: string): number =>
  zlib.brotliCompressSync(fs.readFileSync(file), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

export function measureSizes(distDir: string, report: Report): void {
  const bundles = [
    { id: '10a', label: 'drop-in script tablesync.js', file: 'tablesync.js', limitKb: 8 },
    { id: '10b', label: 'worker bundle tablesync-sw.js', file: 'tablesync-sw.js', limitKb: 30 },
    { id: '', label: 'npm ESM entry tablesync.mjs (info)', file: 'tablesync.mjs', limitKb: null },
    { id: '', label: 'elements tablesync-elements.js, lazy (info; npm test: ≤ 8 kB)', file: 'tablesync-elements.js', limitKb: null },
  ];
  const rows = bundles.map((b) => {
    const file = path.join(distDir, b.file);
    return { ...b, raw: fs.statSync(file).size, br: brotli(file) };
  });
  report.section('Bundle sizes (DESIGN 10): the shipped bundles built for this run', [
    ['bundle', 'minified bytes', 'brotli bytes', 'brotli kB', 'budget'],
    ...rows.map((r) => [r.label, String(r.raw), String(r.br), fmt(r.br / 1024), r.limitKb === null ? '' : `≤ ${r.limitKb} kB`]),
  ], ['kB = 1024 bytes']);
  for (const r of rows) {
    if (r.limitKb === null) continue;
    const bound = atMost(r.limitKb, 'kB');
    report.figure({ id: r.id, what: `${r.label}, brotli`, measured: `${r.br} B`, baseline: '—', ratio: `${fmt(r.br / 1024)} kB`, target: boundText(bound), verdict: verdictOf(r.br / 1024, bound) });
  }
}
