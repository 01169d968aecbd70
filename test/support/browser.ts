/**
 * The browser-test harness (TESTING.md §1–§6): headless Debian Chromium driven by playwright-core,
 * CDP helpers for the service worker (forced `sync`, forced stop, its errors), log capture, a
 * polling `waitFor`, and `openApp` that waits until the page is controlled and `tablesync` is ready.
 *
 *     const browser = await launchBrowser();
 *     const context = await newContext({ browser });
 *     const page = await context.newPage();
 *     const sw = await swDevtools(context, page);      // before the first navigation
 *     const logs = collectLogs(context);
 *     await openApp(page, `${origin}/index.html`);
 *     await sw.stopAllWorkers();
 *     await sw.dispatchSync(origin);
 *     expect([...sw.errors]).toEqual([]);              // last line of every test
 *     await context.close(); await browser.close();   // in afterAll
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import type { LazySyncClient } from '../../src/client/lazy-client.js';

declare global {
  interface Window {
    /** Set by the drop-in script (src/client/script.ts). */
    tablesync?: LazySyncClient;
  }
}

/** The Chromium flags verified on this machine (TESTING.md §1). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const executablePath = (): string => process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** Launches headless Chromium with a temporary profile; close it in `afterAll`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: executablePath(), args: CHROMIUM_ARGS });
}

/** A fresh context of `browser` (an empty origin), or a persistent one on `persistentDir` (survives a relaunch). */
export function newContext(options: { readonly browser: Browser } | { readonly persistentDir: string }): Promise<BrowserContext> {
  if ('persistentDir' in options)
    return chromium.launchPersistentContext(options.persistentDir, { executablePath: executablePath(), args: CHROMIUM_ARGS });
  return options.browser.newContext();
}

/** Polls `predicate` every `stepMs` until it returns a truthy value, which it resolves with. */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: { readonly timeoutMs?: number; readonly stepMs?: number; readonly message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  let last: unknown = null;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`waitFor timed out: ${options.message ?? predicate.toString()}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, options.stepMs ?? 25));
  }
}

/** Service-worker controls over CDP for one page's session (TESTING.md §4–§6). */
export interface SwDevtools {
  /** Fires a `sync` event at the origin's worker (waking it if stopped); its effect follows 10–80 ms later. */
  dispatchSync(origin: string, tag?: string, lastChance?: boolean): Promise<void>;
  /** Fires a `periodicsync` event (Periodic Background Sync) at the origin's worker. */
  dispatchPeriodicSync(origin: string, tag: string): Promise<void>;
  /** Stops every service worker and resolves once each running one has been seen stopped (its page may wake it again at once). */
  stopAllWorkers(): Promise<void>;
  /** The running status of every worker version ('running', 'stopped', ...). */
  statuses(): string[];
  /** Uncaught worker errors and rejections, and page errors: every test ends expecting it empty. */
  readonly errors: Set<string>;
  readonly cdp: CDPSession;
}

/** Attaches to `page` and enables the ServiceWorker domain; call before the page's first navigation. */
export async function swDevtools(context: BrowserContext, page: Page): Promise<SwDevtools> {
  const cdp = await context.newCDPSession(page);
  const registrations = new Map<string, string>();
  const status = new Map<string, string>();
  const errors = new Set<string>();
  // A page may wake its worker again at once (a retried call, a fetch): "stopped" is an event to see, not a state to poll.
  const stoppedSinceAsked = new Set<string>();
  cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => {
    for (const r of event.registrations) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
  });
  cdp.on('ServiceWorker.workerVersionUpdated', (event) => {
    for (const v of event.versions) {
      status.set(v.versionId, v.runningStatus);
      if (v.runningStatus === 'stopped') stoppedSinceAsked.add(v.versionId);
    }
  });
  cdp.on('ServiceWorker.workerErrorReported', (event) => {
    errors.add(`[sw] ${event.errorMessage.errorMessage} (${event.errorMessage.sourceURL}:${event.errorMessage.lineNumber})`);
  });
  page.on('pageerror', (error) => errors.add(`[page] ${error.message}`));
  await cdp.send('ServiceWorker.enable');
  return {
    cdp,
    errors,
    statuses: () => [...status.values()],
    async dispatchSync(origin, tag = 'tablesync', lastChance = true) {
      const registrationId = await waitFor(() => registrations.get(`${origin}/`), { message: `a registration for ${origin}/` });
      await cdp.send('ServiceWorker.dispatchSyncEvent', { origin, registrationId, tag, lastChance });
    },
    async dispatchPeriodicSync(origin, tag) {
      const registrationId = await waitFor(() => registrations.get(`${origin}/`), { message: `a registration for ${origin}/` });
      await cdp.send('ServiceWorker.dispatchPeriodicSyncEvent', { origin, registrationId, tag });
    },
    async stopAllWorkers() {
      const live = [...status].filter(([, s]) => s !== 'stopped').map(([id]) => id);
      stoppedSinceAsked.clear();
      await cdp.send('ServiceWorker.stopAllWorkers');
      if (live.length > 0) await waitFor(() => live.every((id) => stoppedSinceAsked.has(id)), { message: 'every worker stopped' });
      // None known to run: its `running` event may not have come yet, so a stop that follows is still waited for, briefly.
      else await waitFor(() => stoppedSinceAsked.size > 0, { timeoutMs: 1000 }).catch(() => undefined);
    },
  };
}

/** Collects `[sw]`/`[page]` console lines of every page and worker of `context`; print them when a test fails. */
export function collectLogs(context: BrowserContext): string[] {
  const logs: string[] = [];
  context.on('console', (m) => logs.push(`[${m.worker() ? 'sw' : 'page'}] ${m.type()} ${m.text()}`));
  context.on('weberror', (e) => logs.push(`[page] uncaught ${e.error().message}`));
  return logs;
}

/** Navigates and waits until a service worker controls the page and `window.tablesync.ready` resolved. */
export async function openApp(target: BrowserContext | Page, url: string): Promise<Page> {
  const page = 'goto' in target ? target : (target.pages()[0] ?? (await target.newPage()));
  await page.goto(url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null && window.tablesync !== undefined, null, {
    timeout: 10_000,
  });
  await page.evaluate(() => window.tablesync?.ready.then(() => undefined));
  return page;
}

/** What a test server saw: one line per request, `METHOD /path?query`. */
export interface StaticServer {
  readonly origin: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A throwaway HTTP server on 127.0.0.1 for harness tests: files from `roots` (first match wins,
 * `no-store`), else `handle` (return false for 404). The real tests use `startServer` instead.
 */
export async function serveStatic(
  roots: readonly string[],
  handle?: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => boolean,
  port = 0,
): Promise<StaticServer> {
  const requests: string[] = [];
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.map': 'application/json' };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(`${req.method ?? 'GET'} ${url.pathname}${url.search}`);
      const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
      for (const root of roots) {
        const file = path.join(root, rel);
        if (file.startsWith(root) && fs.existsSync(file) && fs.statSync(file).isFile()) {
          res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
          fs.createReadStream(file).pipe(res);
          return;
        }
      }
      if (!handle?.(req, res, Buffer.concat(chunks).toString('utf8'))) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
