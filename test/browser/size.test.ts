// DESIGN.md §6 / STYLE.md §2.12: the built bundles stay within their brotli budgets (dist/ is built by globalSetup).
import fs from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { expect, test } from 'vitest';

const budgets = [
  { files: ['tablesync.js'], what: 'drop-in', limit: 8 * 1024 },
  // DESIGN.md §6's 30 kB (kB = 1024 B, as `npm run bench` reports figure 10b).
  { files: ['tablesync-sw.js'], what: 'worker', limit: 30 * 1024 },
  // The classic worker imports the shell add-on only when it is the whole worker with its shell on (the drop-in's
  // default); that pair is held too, so code moved into the add-on is still counted.
  { files: ['tablesync-shell.js'], what: 'app-shell add-on (classic worker, lazy)', limit: 2 * 1024 },
  { files: ['tablesync-sw.js', 'tablesync-shell.js'], what: 'worker with its app-shell add-on', limit: 33 * 1024 },
  // A module worker cannot importScripts, so `tablesync/sw` carries the shell cache itself.
  { files: ['tablesync-sw.mjs'], what: 'worker for module and bundled workers (ESM, shell included)', limit: 32 * 1024 + 512 },
  { files: ['tablesync.mjs'], what: 'npm entry (ESM, dependencies bundled)', limit: 8 * 1024 },
  // Loaded by the drop-in only for pages that use <tablesync-status> or <tablesync-conflicts>.
  { files: ['tablesync-elements.js'], what: 'status and conflict elements (ESM, lazy)', limit: 8 * 1024 },
] as const;

const brotli = (file: string): number =>
  brotliCompressSync(fs.readFileSync(file), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

test.each(budgets)('budget: $what ($files) brotli ≤ $limit bytes', ({ files, what, limit }) => {
  const full = files.map((file) => path.resolve('dist', file));
  const minified = full.reduce((sum, file) => sum + fs.statSync(file).size, 0);
  // Each file is downloaded and compressed on its own: a pair costs the sum of its files.
  const size = full.reduce((sum, file) => sum + brotli(file), 0);
  console.log(`${files.join(' + ')} (${what}): ${minified} B minified, ${size} B brotli, budget ${limit} B`);
  expect(size).toBeLessThanOrEqual(limit);
});
