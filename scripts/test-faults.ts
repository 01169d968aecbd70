/**
 * `npm run test:faults`: the seeded fault suite (issue 11 item 1) on its own, default 1,000 runs.
 * FAULT_RUNS overrides the count, FAULT_SEED the first run's seed (run i uses seed + i), so
 * `FAULT_SEED=<seed> FAULT_RUNS=1` replays one run. FAULT_DB=pglite uses PGlite instead of PostgreSQL.
 * FAULT_KINDS=quota-write,quota-pull draws only those kinds. FAULT_BUILD=0 skips the build; FAULT_DIST names another bundle directory. Exits 1 on any lost, duplicated or stray write.
 */
import { buildAll } from './build.js';
import { assertPostgresReachable, dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../test/server/support/databases.js';
import { FAULT_KINDS, phases, runFaultSuite, summaryLine, type FaultKind } from '../test/support/fault-suite.js';

const runs = Number(process.env['FAULT_RUNS'] ?? 1000);
const seed = Number(process.env['FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const pglite = process.env['FAULT_DB'] === 'pglite';
const kinds = process.env['FAULT_KINDS']?.split(',') as FaultKind[] | undefined;
const unknown = kinds?.filter((kind) => !FAULT_KINDS.includes(kind));
if (unknown !== undefined && unknown.length > 0) throw new Error(`FAULT_KINDS: no such kind ${unknown.join(', ')}; the kinds are ${FAULT_KINDS.join(', ')}`);
const started = Date.now();
// Printed first too: a suite that dies half-way can still be replayed.
console.error(`seed ${seed}, ${runs} runs`);
// FAULT_BUILD=0 keeps dist/ as it is (another suite may be serving it).
if (process.env['FAULT_BUILD'] !== '0') await buildAll();
const schema = uniqueSchema('h_faults');
if (!pglite) await assertPostgresReachable();
let rc = 0;
try {
  const result = await runFaultSuite({
    runs,
    seed,
    ...(process.env['FAULT_DIST'] ? { distDir: process.env['FAULT_DIST'] } : {}),
    ...(kinds === undefined ? {} : { kinds }),
    ...(pglite ? {} : { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema }),
    log: (line) => console.error(line),
  });
  console.log(summaryLine(result));
  console.log(`seed ${seed} (FAULT_SEED=${seed} FAULT_RUNS=${runs} replays this suite); ${((Date.now() - started) / 1000).toFixed(1)} s; ${result.relaunches} browser relaunches`);
  console.log(`faults by kind: ${JSON.stringify(result.byKind)}`);
  console.log(`answers the app got: ${JSON.stringify(result.answers)}`);
  if (process.env['FAULT_TIMING']) console.log(`ms by phase: ${JSON.stringify(phases)}`);
  for (const run of result.failed) console.log(`failed: FAULT_SEED=${run.seed} FAULT_RUNS=1 (${run.faults.join(', ')})`);
  if (result.failed.length > 0) rc = 1;
} finally {
  if (!pglite) await dropSchema(schema);
}
process.exit(rc);
