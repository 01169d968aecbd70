/**
 * T-03 against the genuine Azure Mobile Apps Node server: the official `azure-mobile-apps-client`
 * (v2) run online gives the same results with the worker as without it. `bothWays(flow)` runs one
 * flow on a page with no worker at all and on a page under the worker, each on the same server
 * state (the rows reset and seeded before each run), and returns both results to compare.
 *
 * The write half of T-03 (insert, update with version, stale update 412 with `serverInstance`,
 * retry, stale delete 412, delete) is the shared flow module `test/support/azure-online-flow.ts`
 * that issue 9's online write-through brings; with it this file gains one test:
 *     const { without, withWorker } = await bothWays(runAzureOnlineFlow);
 *     expect(withWorker).toEqual(without);
 * Until then the reads of the flow (lookup, queries, a missing id) are compared here.
 */
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { plainV2Page, useAzureSdkStack } from './fixtures/e2e/azure-sdk-stack.js';
import { openApp, openPlain, pageApi, waitForPull, type Json, type Row } from './fixtures/e2e/harness.js';

const stack = useAzureSdkStack();

/** A flow the official client runs in a page; what it returns is compared between the two runs. */
type Flow = (page: Page) => Promise<Json>;

/**
 * The flow's results straight to the SDK (no worker) and under the worker (v2 drop-in). `prepare`
 * runs before each run (default: every row deleted), so both start from equal server state.
 */
async function bothWays(flow: Flow, prepare: () => Promise<void> = () => stack.sdk.reset()): Promise<{ without: Json; withWorker: Json }> {
  await prepare();
  const plain = await openPlain(stack.browser, stack.origin, '/azure-bare.html');
  const without = await flow(plain.page);
  await plain.close();

  await prepare();
  stack.proxy.clear();
  const app = await openApp(stack.browser, stack.proxy, '/azure.html');
  const withWorker = await flow(app.page);
  expect([...app.devtools.errors]).toEqual([]);
  await app.close();
  return { without, withWorker };
}

type Outcome = { ok: true; value: Json } | { ok: false; status: number | null; message: string; body: string | null };

/** Calls `window.az[method](...args)` (www/azure-app.js) in the page. */
const az = (page: Page, method: string, ...args: unknown[]): Promise<Outcome> =>
  page.evaluate(
    ({ m, a }: { m: string; a: unknown[] }) => (window as unknown as { az: Record<string, (...x: unknown[]) => Promise<Outcome>> }).az[m]!(...a),
    { m: method, a: args },
  ) as Promise<Outcome>;

/** An outcome without the server's error wording (ours and the SDK's differ; status and values must not). */
const comparable = (outcome: Outcome): Json => (outcome.ok ? { ok: true, value: outcome.value } : { ok: false, status: outcome.status });

const SEEDS: Row[] = [
  { id: 'a1', text: 'apples', done: false, rank: 3 },
  { id: 'b1', text: 'bananas', done: false, rank: 2 },
  { id: 'c1', text: 'cherries', done: true, rank: 7 },
  { id: 'd1', text: 'dates', done: false, rank: 4 },
];

/** Where the proxy's record stood when the worker's first pull had finished. */
let pulledAt = -1;

/** The read steps of the online flow: lookups (one missing) and the app's queries. */
async function readFlow(page: Page): Promise<Json> {
  const steps: Json[] = [];
  const reads = async (): Promise<void> => {
    steps.push(comparable(await az(page, 'lookup', 'b1')));
    steps.push(comparable(await az(page, 'lookup', 'nope')));
    for (const query of ['all', 'open', 'openPage', 'ranked', 'paged']) steps.push(comparable(await az(page, 'query', query)));
  };
  await reads();
  // Under the worker the first reads were forwarded (F-04) and started the first pull; after it they are local (F-05).
  const hasWorker = await page.evaluate(() => navigator.serviceWorker.controller !== null);
  if (hasWorker) {
    await waitForPull(page);
    pulledAt = stack.proxy.sent.length;
  }
  await reads();
  return steps;
}

describe('azure-sdk-online', () => {
  // Two page loads and 28 client calls: about 3 s on a quiet machine.
  test('F-04 F-05 F-06: the official client\'s online reads (T-03\'s lookups and queries) give the same results with the worker as without it, before and after the first pull', async () => {
    for (const row of SEEDS) await stack.sdk.insert(row);
    // Reads only: both runs see the very same rows, system properties included.
    const { without, withWorker } = await bothWays(readFlow, () => Promise.resolve());
    expect((without as Json[]).length).toBe(14);
    expect(withWorker).toEqual(without);
    // Under the worker the very first read was forwarded (F-04); after the pull none left the worker (F-05).
    const appReads = (sent: typeof stack.proxy.sent) => sent.filter((s) => s.url.pathname.startsWith('/tables/todoitem') && !s.url.searchParams.has('__includeDeleted'));
    expect(appReads(stack.proxy.sent).slice(0, 1).map((s) => s.url.pathname)).toEqual(['/tables/todoitem/b1']);
    expect(pulledAt).toBeGreaterThan(0);
    expect(appReads(stack.proxy.sent.slice(pulledAt))).toEqual([]);
  });

  test('F-14 S-36: a malformed $filter gets 400 invalid_filter from the worker even before the first pull; the SDK, which answers 500, never sees it', async () => {
    const bad = "$filter=(text eq 'a'";
    const straight = await stack.sdk.request('GET', `/tables/todoitem?${bad}`);
    expect(straight.status).toBe(500); // P18: the SDK's answer to a filter it cannot parse
    const app = await openApp(stack.browser, stack.proxy, plainV2Page());
    const answer = await pageApi(app.page).list(bad);
    expect(answer).toMatchObject({ status: 400, headers: { 'x-tablesync': 'local' }, body: { code: 'invalid_filter' } });
    expect(stack.proxy.sent.filter((s) => (s.url.searchParams.get('$filter') ?? '').includes('text eq'))).toEqual([]);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
