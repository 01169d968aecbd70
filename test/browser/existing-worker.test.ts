/**
 * Issue 12 item 2: an app that already has a service worker adds tablesync with one line, either
 * `importScripts('/tablesync-sw.js?tables=todoitem')` (a classic worker) or `installTablesync({ tables })`
 * from `tablesync/sw` (a module worker built by Vite), before or after its own Workbox routes. In every
 * case, offline, the app's writes are journaled and answered by tablesync and replayed once back online,
 * its reads are answered by tablesync, and the app's own routes, caches and fetch handler keep working.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { collectLogs, launchBrowser, swDevtools, waitFor } from '../support/browser.js';

const repo = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(import.meta.dirname, 'fixtures/existing-worker');

interface Variant {
  readonly name: string;
  readonly source: 'classic-worker.js' | 'module-worker.js';
  readonly tablesyncFirst: boolean;
}

const VARIANTS: readonly Variant[] = [
  { name: 'importScripts, before the app routes', source: 'classic-worker.js', tablesyncFirst: true },
  { name: 'importScripts, after the app routes', source: 'classic-worker.js', tablesyncFirst: false },
  { name: 'ESM installTablesync, before the app routes', source: 'module-worker.js', tablesyncFirst: true },
  { name: 'ESM installTablesync, after the app routes', source: 'module-worker.js', tablesyncFirst: false },
];

const workerFile = (variant: Variant): string =>
  `sw-${variant.source.replace('-worker.js', '')}-${variant.tablesyncFirst ? 'first' : 'last'}.js`;

/** Builds the app's worker as an app would: Vite bundles Workbox and, for the module worker, `tablesync/sw` (the built dist file). */
async function buildWorker(variant: Variant, outDir: string): Promise<void> {
  const classic = variant.source === 'classic-worker.js';
  await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    define: { TABLESYNC_FIRST: String(variant.tablesyncFirst), 'process.env.NODE_ENV': '"production"' },
    resolve: { alias: { 'tablesync/sw': path.join(repo, 'dist/tablesync-sw.mjs') } },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      minify: false,
      lib: {
        entry: path.join(fixture, variant.source),
        formats: [classic ? 'iife' : 'es'],
        fileName: () => workerFile(variant),
        ...(classic ? { name: 'appWorker' } : {}),
      },
    },
  });
}

let server: RunningServer;
let browser: Browser;
let www: string;

beforeAll(async () => {
  www = fs.mkdtempSync(path.join(os.tmpdir(), 'tablesync-existing-worker-'));
  fs.cpSync(path.join(fixture, 'index.html'), path.join(www, 'index.html'));
  fs.cpSync(path.join(fixture, 'static'), path.join(www, 'static'), { recursive: true });
  for (const variant of VARIANTS) await buildWorker(variant, www);
  [server, browser] = await Promise.all([
    startServer({ port: 0, memory: true, publicDir: www, distDir: path.join(repo, 'dist') }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (www) fs.rmSync(www, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly via: string | null;
  readonly body: string;
}

describe('existing worker', () => {
  test.each(VARIANTS)('$name: offline writes journaled and replayed, reads answered by tablesync, the app keeps its routes and caches', async (variant) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sw = await swDevtools(context, page);
    const logs = collectLogs(context);
    const origin = server.url;
    const id = `${workerFile(variant).replace('.js', '')}-${Date.now()}`;
    try {
      await page.goto(`${origin}/index.html`);
      await page.evaluate(
        async ({ url, type }) => {
          await navigator.serviceWorker.register(url, { type });
          if (!navigator.serviceWorker.controller)
            await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
        },
        { url: `/${workerFile(variant)}`, type: variant.source === 'module-worker.js' ? ('module' as const) : ('classic' as const) },
      );
      // The page API connects to the app's worker without registering one of its own (data-register="off").
      await page.evaluate(async () => {
        const script = Object.assign(document.createElement('script'), { src: '/tablesync.js' });
        script.dataset['register'] = 'off';
        document.head.append(script);
        await new Promise((resolve) => script.addEventListener('load', resolve, { once: true }));
        await window.tablesync!.ready;
      });
      const pending = (): Promise<number> => page.evaluate(() => window.tablesync!.pendingOperations().then((ops) => ops.length));
      const call = (url: string, init?: { method: string; body: string }): Promise<Answer> =>
        page.evaluate(
          async ({ url, init }) => {
            const response = await fetch(url, init ? { ...init, headers: { 'content-type': 'application/json' } } : undefined);
            return { status: response.status, via: response.headers.get('x-tablesync'), body: await response.text() };
          },
          { url, init },
        );

      // Online: a read is answered by tablesync; the app's Workbox route caches a static file; its own handler answers.
      const list = await call('/tables/todoitem');
      expect([list.status, list.via]).toEqual([200, 'local']);
      expect(await call('/static/app.css')).toMatchObject({ status: 200, body: 'body { color: rebeccapurple; }\n' });
      expect(await call('/app-hello')).toMatchObject({ status: 200, via: null, body: 'hello from the app' });

      await context.setOffline(true);
      const written = await call('/tables/todoitem', { method: 'POST', body: JSON.stringify({ id, text: 'written offline' }) });
      expect([written.status, written.via], written.body).toEqual([201, 'local']);
      const read = await call(`/tables/todoitem/${id}`);
      expect([read.status, read.via]).toEqual([200, 'local']);
      expect(JSON.parse(read.body)).toMatchObject({ id, text: 'written offline' });
      expect(await pending()).toBe(1);
      // The app's strategy serves its cached file offline; a file it never cached fails, so nothing else did.
      expect(await call('/static/app.css')).toMatchObject({ status: 200, body: 'body { color: rebeccapurple; }\n' });
      await expect(call('/static/never-fetched.css')).rejects.toThrow(/Failed to fetch/);
      expect(await call('/app-hello')).toMatchObject({ status: 200, body: 'hello from the app' });
      // Inside an app's worker, tablesync keeps no shell cache of its own: the caches are the app's.
      expect(await page.evaluate(() => caches.keys())).toEqual(['app-static']);

      // Back online, the journal is replayed: the server holds the row exactly once.
      await context.setOffline(false);
      await sw.dispatchSync(origin);
      const onServer = await waitFor(
        async () => {
          const response = await fetch(`${origin}/tables/todoitem?$filter=${encodeURIComponent(`id eq '${id}'`)}`);
          const rows = ((await response.json()) as { items: { id: string; text: string }[] }).items;
          return rows.length > 0 ? rows : null;
        },
        { timeoutMs: 10_000, message: `row ${id} on the server` },
      );
      expect(onServer.map((row) => [row.id, row.text])).toEqual([[id, 'written offline']]);
      await waitFor(async () => (await pending()) === 0, { message: 'the queue drained' });
      // Still the app's own registration: the page API registered nothing.
      expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((all) => all.map((r) => r.active?.scriptURL)))).toEqual([
        `${origin}/${workerFile(variant)}`,
      ]);
      // The one worker error is Workbox's own rejection for the file it could not serve: its strategy handled it.
      const workboxMiss = (error: string): boolean => error.includes('no-response') && error.includes('/static/never-fetched.css');
      expect([...sw.errors].some(workboxMiss)).toBe(true);
      expect([...sw.errors].filter((error) => !workboxMiss(error))).toEqual([]);
    } catch (error) {
      console.log(logs.join('\n'));
      throw error;
    } finally {
      await context.close();
    }
  });
});
