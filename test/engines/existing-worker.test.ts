/**
 * Issue 12 item 2 outside Chromium: `importScripts('/tablesync-sw.js?tables=todoitem')` inside an app's
 * own worker configures tablesync from the imported script's URL (its stack frame, whose format differs
 * per engine), in Firefox ESR and WebKitGTK; the app's own fetch handler keeps answering its route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveStatic, type StaticServer } from '../support/browser.js';
import type { EngineBrowser } from './engine-browser.js';
import { launchFirefox } from './firefox.js';
import { launchWebKit } from './webkit.js';

const repo = path.resolve(import.meta.dirname, '../..');

describe.each([
  ['Firefox ESR', launchFirefox],
  ['WebKitGTK', launchWebKit],
] as const)('existing worker in %s', (_name, launch) => {
  let browser: EngineBrowser;
  let server: StaticServer;

  beforeAll(async () => {
    // The table server's part: every pull of the worker finds an empty table.
    const emptyTable = (req: IncomingMessage, res: ServerResponse): boolean => {
      if (!req.url?.startsWith('/tables/todoitem')) return false;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [] }));
      return true;
    };
    [server, browser] = await Promise.all([serveStatic([path.join(import.meta.dirname, 'existing-worker-www'), path.join(repo, 'dist')], emptyTable), launch()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('importScripts with a query: the imported script reads its own URL, tables are answered by tablesync', async () => {
    await browser.open(`${server.origin}/index.html`);
    const answers = await browser.run(async () => {
      await navigator.serviceWorker.register('/app-sw.js');
      if (!navigator.serviceWorker.controller)
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
      const read = await fetch('/tables/todoitem');
      const hello = await fetch('/app-hello');
      return { read: [read.status, read.headers.get('x-tablesync'), await read.text()], hello: await hello.text() };
    });
    expect(answers).toEqual({ read: [200, 'local', '{"items":[]}'], hello: 'hello from the app' });
    expect(browser.reported).toEqual([]);
  });
});
