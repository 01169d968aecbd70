/**
 * F-14 in the real runtime: the bad-input corpus (test/support/bad-input-corpus.ts) sent from a page
 * through the worker (the drop-in, real Chromium, the real reference server behind a proxy), with
 * the server cut at the proxy and then online, and the same requests sent from a page without a
 * worker straight to the server. Every request the worker answers gets the server's status and
 * code; none gets a 5xx; afterwards no row, op or conflict is left and nothing was written upstream.
 * Online, a refusal the local copy's state decides (404 for an absent id, 409, 412), which a stale copy
 * may get wrong, goes to the server as the app made it and the app gets the server's own answer
 * (PROTOCOL.md §3.9); malformed input never leaves the worker.
 *
 * The worker runs with `strict=1` (F-12's switch), so v2 reserved properties are refused as the
 * server refuses them; by default the worker drops them instead. A request the worker does not
 * intercept (an unknown table, a path that is no table, an id the browser's URL parser turned into
 * `/tables/`) goes to the network as F-01 says: online its answer is the server's own, offline a
 * network error.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer } from '../../src/server/start-server.js';
import { badInputCorpus, ERROR_CODES, type BadRequest } from '../support/bad-input-corpus.js';
import {
  launch,
  openApp,
  openPlain,
  pageApi,
  serverApi,
  startProxy,
  syncApi,
  waitForPull,
  WWW,
  type App,
  type Proxy,
  type Row,
} from './fixtures/e2e/harness.js';

/** A corpus request as a page sends it: long bodies as runs of one character, rebuilt in the page. */
interface Spec {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | readonly (readonly [string, number])[] | null;
  /** null sends the body as a Blob with no type, so no Content-Type goes. */
  readonly contentType: string | null;
}

/** What a page saw. */
interface Seen {
  readonly status: number;
  readonly code: string | null;
  readonly error: string | null;
  readonly local: string | null;
  readonly ids: readonly (string | null)[] | null;
  readonly url: string | null;
  readonly failed?: string;
}

/** The page side, as plain script (no bundler helpers): sends specs `width` at a time. */
const RUNNER = `
window.__sendCorpus = async (specs, width) => {
  const out = new Array(specs.length);
  let next = 0;
  const send = async (spec) => {
    try {
      const headers = new Headers(spec.headers);
      let body;
      if (spec.body !== null) {
        const text = typeof spec.body === 'string' ? spec.body : spec.body.map(([t, n]) => t.repeat(n)).join('');
        if (spec.contentType === null) body = new Blob([text]);
        else { headers.set('content-type', spec.contentType); body = text; }
      }
      const res = await fetch(spec.path, { method: spec.method, headers, body, cache: 'no-store', redirect: 'manual' });
      const text = spec.method === 'HEAD' ? '' : await res.text();
      let json = null;
      try { json = text === '' ? null : JSON.parse(text); } catch { json = null; }
      const record = json !== null && typeof json === 'object' && !Array.isArray(json) ? json : null;
      const rows = res.status !== 200 || json === null ? null : Array.isArray(json) ? json : (record.items ?? record.results ?? [record]);
      return {
        status: res.status,
        code: record !== null && typeof record.code === 'string' ? record.code : null,
        error: record !== null && typeof record.error === 'string' ? record.error : null,
        local: res.headers.get('x-tablesync'),
        ids: rows === null ? null : rows.map((r) => (r !== null && typeof r === 'object' ? r.id ?? null : null)),
        url: res.url || null,
      };
    } catch (e) {
      return { status: 0, code: null, error: null, local: null, ids: null, url: null, failed: String(e) };
    }
  };
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < specs.length) { const i = next++; out[i] = await send(specs[i]); }
  }));
  return out;
};`;

/** Runs of one character past this length travel as [character, count]. */
function compress(body: string): Spec['body'] {
  if (body.length < 65_536) return body;
  const runs: [string, number][] = [];
  let i = 0;
  while (i < body.length) {
    let j = i + 1;
    while (j < body.length && body[j] === body[i]) j++;
    const last = runs.at(-1);
    if (j - i >= 1000 || last === undefined || last[1] !== 1) runs.push(j - i >= 1000 ? [body[i] as string, j - i] : [body.slice(i, j), 1]);
    else last[0] += body.slice(i, j);
    i = j;
  }
  return runs;
}

function specOf(c: BadRequest, dialect: 'v2' | 'v3'): Spec {
  const named = c.headers?.['zumo-api-version'] !== undefined || /zumo-api-version=/i.test(c.path);
  return {
    name: `${dialect} ${c.name}`,
    method: c.method,
    path: c.path,
    headers: { ...(named ? {} : { 'zumo-api-version': dialect === 'v2' ? '2.0.0' : '3.0.0' }), ...c.headers },
    body: c.body === undefined ? null : compress(c.body),
    contentType: c.body === undefined ? null : c.contentType === undefined ? 'application/json' : c.contentType,
  };
}

const SPECS: readonly Spec[] = (['v2', 'v3'] as const).flatMap((dialect) => badInputCorpus(dialect).filter((c) => c.serverOnly === undefined).map((c) => specOf(c, dialect)));

const send = async (page: Page, specs: readonly Spec[]): Promise<Seen[]> => {
  await page.evaluate((runner) => {
    if (!('__sendCorpus' in window)) (0, eval)(runner);
  }, RUNNER);
  return page.evaluate(([s, width]) => (window as unknown as { __sendCorpus: (x: unknown, w: number) => Promise<Seen[]> }).__sendCorpus(s, width), [specs, 6] as const);
};

/** The refusals a stale local copy may get wrong, which an online worker asks the server about (§3.9). */
const STATE_STATUSES: readonly number[] = [404, 409, 410, 412];

/** The path the browser sent (after its URL parser), and whether the worker's table owns it. */
const isWorkers = (origin: string, path: string): boolean => /^\/tables\/todoitem(\/|$)/.test(new URL(path, origin).pathname);

describe('F-14: the bad-input corpus through the worker', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let proxy: Proxy;
  let browser: Browser;
  let app: App;
  let direct: { page: Page; close(): Promise<void> };
  let fromServer: Seen[] = [];
  let serverRows: Map<string, Row>;
  let localRows: unknown;

  const localList = async (): Promise<unknown> => (await pageApi(app.page).list('$orderby=id&$top=1000')).body;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ memory: true, publicDir: WWW, port: 0 }), launch()]);
    proxy = await startProxy(server.url);
    const remote = serverApi(server.url);
    await remote.insert({ id: 'a', text: 'apple', n: 1, done: false });
    await remote.insert({ id: 'c', text: "it's", n: -2.5, done: true });
    serverRows = await remote.all();
    app = await openApp(browser, proxy, `/configured.html?sw=${encodeURIComponent('/tablesync-sw.js?strict=1')}`);
    // The first read starts the first pull; afterwards reads are local (F-05).
    await pageApi(app.page).list();
    await waitForPull(app.page);
    localRows = await localList();
    direct = await openPlain(browser, server.url, '/bare.html');
    // The server's answers, asked once: its rows do not change.
    fromServer = await send(direct.page, SPECS);
  });
  afterAll(async () => {
    await direct?.close();
    await app?.close();
    await browser?.close();
    await proxy?.close();
    await server?.close();
  });

  test('F-14: the corpus holds at least 150 requests per dialect, and the server answers none with a 5xx', () => {
    expect(SPECS.filter((s) => s.name.startsWith('v2 ')).length).toBeGreaterThanOrEqual(150);
    expect(SPECS.filter((s) => s.name.startsWith('v3 ')).length).toBeGreaterThanOrEqual(150);
    const broken = fromServer.map((seen, i) => ({ name: SPECS[i]?.name, ...seen })).filter((s) => s.status === 0 || s.status >= 500);
    expect(broken).toEqual([]);
  });

  /** Sends the corpus through the worker and checks each answer against the server's. */
  async function check(mode: 'offline' | 'online'): Promise<void> {
    const seen = await send(app.page, SPECS);
    const disagreements: unknown[] = [];
    let answeredByWorker = 0;
    let askedServer = 0;
    for (const [i, worker] of seen.entries()) {
      const spec = SPECS[i] as Spec;
      const server = fromServer[i] as Seen;
      const report = (why: string): void => void disagreements.push({ why, name: spec.name, worker, server });
      if (worker.status >= 500) {
        report('5xx');
      } else if (!isWorkers(app.origin, spec.path)) {
        // F-01: not the worker's; the network answers (the proxy cuts only /tables/ requests).
        const cut = mode === 'offline' && new URL(spec.path, app.origin).pathname.startsWith('/tables/');
        if (worker.local !== null) report('answered locally, but not a configured table path');
        else if (cut ? worker.status !== 0 : worker.status !== server.status || worker.code !== server.code) report('pass-through differs');
      } else {
        answeredByWorker++;
        // §3.9: online, a state-dependent refusal is the server's own answer.
        const forwarded = mode === 'online' && worker.local === 'upstream' && STATE_STATUSES.includes(server.status);
        if (forwarded) askedServer++;
        if (worker.local !== 'local' && !forwarded) report('a configured table path not answered locally');
        else if (worker.status !== server.status || worker.code !== server.code) report('status or code differs');
        else if (worker.status === 200 && JSON.stringify(worker.ids) !== JSON.stringify(server.ids)) report('rows differ');
        // S-39 from the worker too.
        else if (worker.status >= 400 && worker.status !== 409 && worker.status !== 412 && spec.method !== 'HEAD' && (!worker.error || worker.code === null || !ERROR_CODES.has(worker.code))) {
          report('not an {error, code} body');
        }
      }
    }
    console.log(`F-14 ${mode}: ${SPECS.length} requests, ${answeredByWorker} answered by the worker (${askedServer} of them state refusals asked of the server), ${SPECS.length - answeredByWorker} left to the network; disagreements ${disagreements.length}`);
    expect(disagreements.slice(0, 10), JSON.stringify(disagreements.slice(0, 10), null, 1)).toEqual([]);
    expect(answeredByWorker).toBeGreaterThanOrEqual(300);
    if (mode === 'online') expect(askedServer).toBeGreaterThan(0);
    else expect(askedServer).toBe(0);
  }

  test('F-14, W-02: offline (server cut at the proxy), the worker answers each request as the server does', async () => {
    proxy.block(true);
    try {
      await check('offline');
    } finally {
      proxy.block(false);
    }
  });

  test('F-14, W-02: online, the worker still answers each request as the server does, before anything is journaled; a state-dependent refusal is the server\'s', async () => {
    // The network is back (the cut above opened the offline window, §3.9): as a page relays `online`.
    await app.page.evaluate(() => navigator.serviceWorker.controller!.postMessage({ type: 'tablesync:online' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await check('online');
  });

  test('W-02, S-36: afterwards no op, conflict or stray row anywhere, and nothing was written upstream', async () => {
    const sync = syncApi(app.page);
    expect(await sync.pending()).toEqual([]);
    expect(await sync.conflicts()).toEqual([]);
    expect(await localList()).toEqual(localRows);
    expect(await serverApi(server.url).all()).toEqual(serverRows);
    // Only the worker sends to /tables/todoitem (the app's own requests there are all intercepted). The only
    // writes it sent were state-dependent refusals asked of the server (§3.9), which refused them too (or the
    // cut proxy dropped them); the server's rows above are unchanged.
    const writes = proxy.sent.filter((s) => s.method !== 'GET' && isWorkers(app.origin, s.url.pathname));
    expect(writes.filter((s) => s.status !== undefined && !STATE_STATUSES.includes(s.status)).map((s) => `${s.method} ${s.url.pathname} ${s.status}`)).toEqual([]);
    expect(proxy.sent.filter((s) => isWorkers(app.origin, s.url.pathname)).length).toBeGreaterThan(0);
    expect([...app.devtools.errors]).toEqual([]);
  });
});
