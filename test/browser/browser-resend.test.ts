/**
 * Why the fault suite judges one answer as the browser's (test/support/fault-suite.ts): when the server commits a
 * write and its answer is lost on a reused connection, Chromium resends the request by itself, and the fetch that
 * made it gets the resend's answer. A token that expired in between makes that answer a 401 while the server keeps
 * the first copy. The same happens with and without the worker, and the worker passes the 401 on as it came
 * (PROTOCOL.md §3.9, T-02): the app cannot tell the difference, which is what "unchanged" asks.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { launchBrowser, openApp } from '../support/browser.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

const WWW = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/faults/www');

interface AppAnswer {
  readonly status: number;
  readonly via: string | null;
  readonly body: unknown;
}
interface FaultsApp {
  insert(table: string, row: object): Promise<AppAnswer>;
}

let server: RunningServer;
let proxy: FaultProxy;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ port: 0, publicDir: WWW, tables: [{ name: 'fa', softDelete: true }], memory: true });
  proxy = await startFaultProxy(server.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

/** Loses the answer to the next POST after the server committed it; the token expires as the next one arrives. */
function loseAnswerThenExpireToken(): void {
  const isPost = (request: { method: string }): boolean => request.method === 'POST';
  void proxy.arm({ match: isPost, outcome: 'lose-answer' });
  void proxy.arm({ match: isPost, outcome: 'forward', before: async () => proxy.requireToken('renewed') });
}

async function insertThroughFault(page: Page, id: string): Promise<AppAnswer> {
  // A request just before leaves a connection in the pool, so the POST goes out on a reused one.
  await page.evaluate(() => fetch('/faults-app.js', { cache: 'no-store' }).then((r) => r.text()));
  proxy.resetCounts();
  proxy.requireToken(null);
  loseAnswerThenExpireToken();
  try {
    return await page.evaluate(([t, r]) => (window as unknown as { app: FaultsApp }).app.insert(t, r), ['fa', { id, w: `mark-${id}` }] as const);
  } finally {
    proxy.disarm();
    proxy.requireToken(null);
  }
}

const serverRow = async (id: string): Promise<Record<string, unknown> | undefined> => {
  const answer = await fetch(`${server.url}/tables/fa/${id}`, { headers: { 'ZUMO-API-VERSION': '3.0.0' } });
  return answer.status === 200 ? ((await answer.json()) as Record<string, unknown>) : undefined;
};

describe('the browser resends a write whose answer was lost', () => {
  test('without the worker: the page gets the resend\'s 401 and the server holds the first copy', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${proxy.origin}/index.html`);
    await page.waitForFunction(() => 'app' in window);

    const answer = await insertThroughFault(page, 'plain-1');

    expect([answer.status, answer.via, (answer.body as { code?: string }).code]).toEqual([401, null, 'unauthorized']);
    expect((await serverRow('plain-1'))?.['w']).toBe('mark-plain-1');
    expect(proxy.log.map((line) => line.replace(/^.* -> /, ''))).toEqual(['201 (lose-answer)', "401 (the browser's resend)"]);
    expect(proxy.resends.map((resend) => `${resend.method} ${resend.path} ${resend.status}`)).toEqual(['POST /tables/fa 401']);
    await context.close();
  });

  test('through the worker: the app gets the same 401 (T-02), no op is left, and the server holds the same first copy', async () => {
    const context = await browser.newContext();
    const page = await openApp(context, `${proxy.origin}/index.html`);

    const answer = await insertThroughFault(page, 'worker-1');

    expect([answer.status, answer.via, (answer.body as { code?: string }).code]).toEqual([401, 'upstream', 'unauthorized']);
    expect((await serverRow('worker-1'))?.['w']).toBe('mark-worker-1');
    expect(proxy.log.map((line) => line.replace(/^.* -> /, ''))).toEqual(['201 (lose-answer)', "401 (the browser's resend)"]);
    expect(proxy.resends.map((resend) => `${resend.method} ${resend.path} ${resend.status}`)).toEqual(['POST /tables/fa 401']);
    const pending = await page.evaluate(() => window.tablesync!.pendingOperations());
    expect(pending).toEqual([]);
    await context.close();
  });
});
