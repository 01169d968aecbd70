import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { bundleAzureClient } from '../server/support/bundle-azure-client.js';

// The official Azure Mobile Apps JavaScript client (npm azure-mobile-apps-client, v2 dialect), unchanged, in
// headless Chromium against the reference server (TESTING.md §1).
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the client is untyped JavaScript
    WindowsAzure: any;
  }
}

describe('the official Azure Mobile Apps client', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let dir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'azure-client-'));
    writeFileSync(path.join(dir, 'azure-client.js'), await bundleAzureClient());
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><script src="/azure-client.js"></script>');
    server = await startServer({ memory: true, port: 0, publicDir: dir });
    browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => typeof window.WindowsAzure?.MobileServiceClient === 'function', null, { timeout: 5000 }).catch((e: unknown) => {
      throw new Error(`the Azure client did not load: ${pageErrors.join('; ')}`, { cause: e });
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('S-06: insert returns the row with its system properties', async () => {
    const row = await page.evaluate(async () => {
      const table = new window.WindowsAzure.MobileServiceClient(location.origin).getTable('todoitem');
      return table.insert({ id: 'ins-1', text: 'buy milk', complete: false });
    });
    expect(row).toMatchObject({ id: 'ins-1', text: 'buy milk', complete: false, deleted: false });
    expect(typeof row.version).toBe('string');
    expect(pageErrors).toEqual([]);
  });

  test('S-14: lookup reads one row by id', async () => {
    const found = await page.evaluate(async () => {
      const table = new window.WindowsAzure.MobileServiceClient(location.origin).getTable('todoitem');
      const inserted = await table.insert({ id: 'look-1', text: 'find me' });
      return { inserted, found: await table.lookup('look-1') };
    });
    expect(found.found).toEqual(found.inserted);
  });

  test('S-26: a query with where, orderBy, take, skip and includeTotalCount', async () => {
    const result = await page.evaluate(async () => {
      const table = new window.WindowsAzure.MobileServiceClient(location.origin).getTable('todoitem');
      for (const [i, text] of ['d', 'b', 'e', 'a', 'c'].entries()) await table.insert({ id: `q-${i}`, text, list: 'q', rank: i });
      await table.insert({ id: 'q-other', text: 'a', list: 'other' });
      const page1 = await table.where({ list: 'q' }).orderBy('text').skip(1).take(2).includeTotalCount().read();
      const fn = await table.where(function (this: { rank: number }, min: number) { return this.rank >= min; }, 3).orderByDescending('rank').read();
      return { texts: page1.map((r: { text: string }) => r.text), total: page1.totalCount, ranks: fn.map((r: { rank: number }) => r.rank) };
    });
    expect(result).toEqual({ texts: ['b', 'c'], total: 5, ranks: [4, 3] });
  });

  test('S-17: update with the current version succeeds and returns a new version', async () => {
    const result = await page.evaluate(async () => {
      const table = new window.WindowsAzure.MobileServiceClient(location.origin).getTable('todoitem');
      const row = await table.insert({ id: 'upd-1', text: 'old' });
      const updated = await table.update({ id: 'upd-1', text: 'new', version: row.version });
      return { before: row.version, after: updated.version, text: updated.text, read: (await table.lookup('upd-1')).text };
    });
    expect(result.after).not.toBe(result.before);
    expect([result.text, result.read]).toEqual(['new', 'new']);
  });

  test('S-18: an update with a stale version is rejected with 412 and the server row', async () => {
    const result = await page.evaluate(async () => {
      const table = new window.WindowsAzure.MobileServiceClient(location.origin).getTable('todoitem');
      const row = await table.insert({ id: 'stale-1', text: 'v1' });
      const current = await table.update({ id: 'stale-1', text: 'v2', version: row.version });
      try {
        await table.update({ id: 'stale-1', text: 'v3', version: row.version });
        return { rejected: false };
      } catch (error) {
        const e = error as { request: { status: number }; serverInstance: { text: string; version: string } };
        return { rejected: true, status: e.request.status, server: e.serverInstance, currentVersion: current.version };
      }
    });
    expect(result).toMatchObject({ rejected: true, status: 412, server: { text: 'v2' } });
    expect(result.server?.version).toBe(result.currentVersion);
  });

  test('S-23: delete removes the row from reads', async () => {
    const result = await page.evaluate(async () => {
      const table = new window.WindowsAzure.MobileServiceClient(location.origin).getTable('todoitem');
      const row = await table.insert({ id: 'del-1', text: 'bye' });
      await table.del({ id: 'del-1', version: row.version });
      const listed = await table.where({ id: 'del-1' }).read();
      try {
        await table.lookup('del-1');
        return { listed: listed.length, status: 200 };
      } catch (error) {
        return { listed: listed.length, status: (error as { request: { status: number } }).request.status };
      }
    });
    expect(result).toEqual({ listed: 0, status: 404 });
    expect(pageErrors).toEqual([]);
  });
});
