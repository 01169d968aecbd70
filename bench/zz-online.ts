import fs from 'node:fs';
import { measureOnlineWrites } from './figures/online-write.js';
import { openBrowserBench } from './lib/browser-bench.js';
import { createReport } from './lib/report.js';
import { scaleFromEnv } from './lib/scale.js';
import { buildBundles } from './lib/stack.js';

const distDir = await buildBundles();
const report = createReport();
const bench = await openBrowserBench({ scale: scaleFromEnv(), distDir, pgliteUrl: null });
const logs: string[] = [];
bench.browsers.workers.on('console', (m) => { if (m.text().startsWith('[T]')) logs.push(m.text()); });
try {
  await measureOnlineWrites(bench, report);
} finally {
  await bench.close();
  fs.rmSync(distDir, { recursive: true, force: true });
}
console.log(logs.slice(-60).join('\n'));
