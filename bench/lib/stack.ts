/**
 * What the browser figures run on: the shipped bundles built into a private directory (other
 * engineers rebuild `dist/` meanwhile), the reference server on PostgreSQL in a schema of its own
 * (rows seeded by SQL in a second), a floor origin, and Chromium twice: a profile on disk where
 * pages are controlled by workers, and a plain context where no worker exists.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { buildAll } from '../../scripts/build.js';
import { startServer, type RunningServer, type TableConfigInput } from '../../src/server/start-server.js';
import { launchBrowser, newContext, openApp, serveStatic, swDevtools, type StaticServer, type SwDevtools } from '../../test/support/browser.js';

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(BENCH_DIR, 'fixtures');
export const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Builds the bundles into a fresh temporary directory and returns it. */
export async function buildBundles(): Promise<string> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tablesync-bench-dist-'));
  await buildAll({ outDir });
  return outDir;
}

/** A PostgreSQL schema of this run; `drop()` removes it and its rows. */
export interface BenchSchema {
  readonly name: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createSchema(label: string): Promise<BenchSchema> {
  const name = `bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is unreachable at ${DATABASE_URL}: start it (pg_ctlcluster 15 main start) or set TEST_DATABASE_URL`, { cause: error });
  }
  await admin.query(`create schema ${name}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${name}`, max: 2 });
  return {
    name,
    pool,
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists ${name} cascade`);
      await client.end();
    },
  };
}

/** The reference server on PostgreSQL `schema`, serving the bench fixtures and bundles. */
export function startPgServer(schema: string, distDir: string, tables: readonly TableConfigInput[]): Promise<RunningServer> {
  return startServer({ port: 0, databaseUrl: DATABASE_URL, databaseSchema: schema, publicDir: FIXTURES, distDir, tables });
}

/** The floor's origin: the fixture worker that answers a constant Response, and its page. */
export function startFloorOrigin(): Promise<StaticServer> {
  return serveStatic([FIXTURES]);
}

/** A trivial loopback server without a worker: `/tables/*` answered with a constant body. */
export function startTrivialServer(): Promise<StaticServer> {
  return serveStatic([FIXTURES], (req, res) => {
    if (!(req.url ?? '').startsWith('/tables/')) return false;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end('{"items":[]}');
    return true;
  });
}

/**
 * Chromium twice: a persistent profile on disk for worker-controlled pages (a fresh `newContext()`
 * keeps IndexedDB in memory, where a strict commit costs what a relaxed one does), and a plain
 * browser whose context never registers a worker.
 */
export interface Browsers {
  /** The plain browser (its version is the run's Chromium). */
  readonly browser: Browser;
  /** Pages here are controlled by the tablesync workers (and the floor's); profile on disk. */
  readonly workers: BrowserContext;
  /** No worker is ever registered here: fetches reach the servers. */
  readonly plain: BrowserContext;
  readonly devtools: SwDevtools;
  /** The page `devtools` is attached to (the floor page). */
  readonly floor: Page;
  /** A new CDP session on the floor page, from which worker targets can be attached. */
  cdpSession(): Promise<CDPSession>;
  close(): Promise<void>;
}

/** Launches Chromium and opens the floor page, controlled by its worker. */
export async function openBrowsers(floorOrigin: string): Promise<Browsers> {
  const browser = await launchBrowser();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tablesync-bench-profile-'));
  const workers = await newContext({ persistentDir: profile });
  const plain = await browser.newContext();
  const floor = workers.pages()[0] ?? (await workers.newPage());
  const devtools = await swDevtools(workers, floor);
  await floor.goto(`${floorOrigin}/floor.html`);
  await floor.evaluate(async () => {
    await navigator.serviceWorker.register('/floor-sw.js', { scope: '/' });
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  });
  return {
    browser,
    workers,
    plain,
    devtools,
    floor,
    cdpSession: () => workers.newCDPSession(floor),
    async close() {
      await workers.close();
      await plain.close();
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the bench app at `origin`, controlled by a tablesync worker for `tables`. */
export async function openBenchApp(context: BrowserContext, origin: string, tables: readonly string[]): Promise<Page> {
  const page = await context.newPage();
  return openApp(page, `${origin}/app.html?tables=${tables.join(',')}`);
}

/** Opens the no-worker page at `origin`. */
export async function openPlainPage(context: BrowserContext, origin: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${origin}/plain.html`);
  return page;
}
