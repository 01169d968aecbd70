/**
 * The browser half's stage: two reference servers on one PostgreSQL schema (so worker A, with the
 * small and medium tables and the write table, and worker B, with only the large table, live on
 * two origins: B's heap and cold start hold exactly the large table), the floor origin, a trivial
 * loopback server, and the pages: app pages controlled by tablesync, plain pages with no worker.
 */
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../src/server/start-server.js';
import { waitFor, type StaticServer } from '../../test/support/browser.js';
import { seedRows, TABLES } from './rows.js';
import type { Scale } from './scale.js';
import { createSchema, openBenchApp, openBrowsers, openPlainPage, startFloorOrigin, startPgServer, startTrivialServer, type BenchSchema, type Browsers } from './stack.js';

export interface BrowserBench {
  readonly scale: Scale;
  readonly browsers: Browsers;
  readonly schema: BenchSchema;
  /** Worker A's origin: tables small, medium, the write table and the profiled pull's. */
  readonly serverA: RunningServer;
  /** Worker B's origin: the large table only. */
  readonly serverB: RunningServer;
  readonly floorOrigin: StaticServer;
  readonly trivial: StaticServer;
  readonly appA: Page;
  readonly appB: Page;
  /** No-worker pages at A's and B's origins, the trivial server's, and the PGlite server's (when given). */
  readonly plainA: Page;
  readonly plainB: Page;
  readonly plainTrivial: Page;
  readonly plainPglite: Page | null;
  /** Fresh query numbers: no read URL repeats in a run unless meant to. */
  nextIds(count: number): number[];
  /**
   * Wakes every stopped worker (a fetch from each controlled page) and waits until all run.
   * Needed before `context.setOffline`: with a worker stopped, it never resolves (playwright-core 1.65.1).
   */
  wakeAllWorkers(): Promise<void>;
  close(): Promise<void>;
}

const SERVER_TABLES = [TABLES.small, TABLES.medium, TABLES.large, TABLES.writes, TABLES.direct, TABLES.profiled].map((name) => ({ name }));

export async function openBrowserBench(options: { readonly scale: Scale; readonly distDir: string; readonly pgliteUrl: string | null }): Promise<BrowserBench> {
  const { scale, distDir } = options;
  const schema = await createSchema('browser');
  const serverA = await startPgServer(schema.name, distDir, SERVER_TABLES);
  const serverB = await startPgServer(schema.name, distDir, SERVER_TABLES);
  await seedRows(schema.pool, TABLES.small, scale.rows.small);
  await seedRows(schema.pool, TABLES.medium, scale.rows.medium);
  await seedRows(schema.pool, TABLES.large, scale.rows.large);
  await seedRows(schema.pool, TABLES.profiled, scale.rows.medium);
  const floorOrigin = await startFloorOrigin();
  const trivial = await startTrivialServer();
  const browsers = await openBrowsers(floorOrigin.origin);
  const appA = await openBenchApp(browsers.workers, serverA.url, [TABLES.small, TABLES.medium, TABLES.writes, TABLES.profiled]);
  const appB = await openBenchApp(browsers.workers, serverB.url, [TABLES.large]);
  const plainA = await openPlainPage(browsers.plain, serverA.url);
  const plainB = await openPlainPage(browsers.plain, serverB.url);
  const plainTrivial = await openPlainPage(browsers.plain, trivial.origin);
  const plainPglite = options.pgliteUrl === null ? null : await openPlainPage(browsers.plain, options.pgliteUrl);
  let next = 1;
  return {
    scale,
    browsers,
    schema,
    serverA,
    serverB,
    floorOrigin,
    trivial,
    appA,
    appB,
    plainA,
    plainB,
    plainTrivial,
    plainPglite,
    nextIds: (count) => Array.from({ length: count }, () => next++),
    async wakeAllWorkers() {
      for (const page of [browsers.floor, appA, appB]) await page.evaluate(() => fetch('/tables/wake?$top=1').then((r) => r.text()));
      await waitFor(() => browsers.devtools.statuses().every((s) => s === 'running'), { message: 'every worker running' });
    },
    async close() {
      await browsers.close().catch(() => {});
      await Promise.all([serverA.close(), serverB.close(), floorOrigin.close(), trivial.close()]).catch(() => {});
      await schema.drop();
    },
  };
}
