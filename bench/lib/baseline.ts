/**
 * The server baseline's install: the Azure Mobile Apps Node SDK, express and sqlite3 live in
 * bench/baseline with their own lockfile, apart from the project's dependencies (a native build
 * and a deprecated SDK have no place in `npm ci` for the product). The first bench run installs
 * them: sqlite3 is built from the source in its npm tarball (`npm_config_build_from_source`, about
 * 3 minutes on 2 cores), so nothing is downloaded from outside the npm registry.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './stack.js';

export const BASELINE_DIR = path.join(BENCH_DIR, 'baseline');
const BINDING = path.join(BASELINE_DIR, 'node_modules/sqlite3/build/Release/node_sqlite3.node');
const SDK = path.join(BASELINE_DIR, 'node_modules/azure-mobile-apps/package.json');

/** null when the baseline is ready, else why it is not. */
export function ensureBaseline(log: (text: string) => void): string | null {
  if (!fs.existsSync(BINDING) || !fs.existsSync(SDK)) {
    log('installing the azure-mobile-apps baseline in bench/baseline (once; sqlite3 builds from source, about 3 min)…');
    const run = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: BASELINE_DIR,
      env: { ...process.env, npm_config_build_from_source: 'true' },
      encoding: 'utf8',
      timeout: 10 * 60_000,
    });
    if (run.status !== 0) return `npm ci in bench/baseline failed (${run.status ?? run.signal}): ${`${run.stderr}`.trim().split('\n').slice(-5).join(' | ')}`;
  }
  const probe = spawnSync(process.execPath, ['-e', "require('sqlite3'); require('azure-mobile-apps')"], { cwd: BASELINE_DIR, encoding: 'utf8' });
  if (probe.status !== 0) return `the installed baseline does not load: ${probe.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
  return null;
}
