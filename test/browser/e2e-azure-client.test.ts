/**
 * Issue 5 acceptance: an app written against the official `azure-mobile-apps-client` (npm, v2
 * dialect, XMLHttpRequest), loaded unchanged, works with the network cut: insert, query (`where`,
 * `orderBy`, `take`, `skip`, `includeTotalCount`), lookup, update and delete. Its query answers
 * equal those the same client gets from the server itself, and online the server holds exactly
 * those writes.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { webRootWithAzureClient } from './fixtures/e2e/azure-bundle.js';
import { appFields, openApp, openPlain, useStack, waitForDrain, waitForPull, type Json, type Row } from './fixtures/e2e/harness.js';

let webRoot = '';
const stack = useStack({
  publicDir: async () => (webRoot = await webRootWithAzureClient()),
  cleanup: async () => fs.rmSync(webRoot, { recursive: true, force: true }),
});

type Outcome = { ok: true; value: Json } | { ok: false; status: number | null; message: string; body: string | null };

/** Calls `window.az[method](...args)` (www/azure-app.js) in the page. */
const az = (page: Page, method: string, ...args: unknown[]): Promise<Outcome> =>
  page.evaluate(
    ({ m, a }: { m: string; a: unknown[] }) => (window as unknown as { az: Record<string, (...x: unknown[]) => Promise<Outcome>> }).az[m]!(...a),
    { m: method, a: args },
  ) as Promise<Outcome>;
const must = async (p: Promise<Outcome>): Promise<Json> => {
  const outcome = await p;
  if (!outcome.ok) throw new Error(`azure client call failed: ${JSON.stringify(outcome)}`);
  return outcome.value;
};

const QUERIES = ['all', 'open', 'openPage', 'ranked', 'paged'] as const;
type QueryResult = { rows: Row[]; totalCount: number | null };
/** Query results without system properties (rows written offline have none until pushed). */
const shape = (r: QueryResult): Json => ({ rows: r.rows.map(appFields), totalCount: r.totalCount });

describe('e2e-azure-client', () => {
  test('F-02 F-08 F-09 F-10 F-13 U-04 U-06: the official Azure client offline, then the server holds exactly its writes', async () => {
    const { remote, proxy } = stack;
    for (const row of [
      { id: 'a1', text: 'apples', done: false, rank: 3 },
      { id: 'b1', text: 'bananas', done: false, rank: 2 },
      { id: 'c1', text: 'cherries', done: true, rank: 7 },
      { id: 'd1', text: 'dates', done: false, rank: 4 },
    ])
      await remote.insert(row);
    const seeded = await remote.all();

    const app = await openApp(stack.browser, proxy, '/azure.html');
    const page = app.page;
    await must(az(page, 'query', 'all'));
    await waitForPull(page);

    await app.setOffline(true);
    // Insert with and without an id.
    const n1 = (await must(az(page, 'insert', { id: 'n1', text: 'nectarines', done: false, rank: 5 }))) as Row;
    expect(n1).toMatchObject({ id: 'n1', text: 'nectarines', done: false, rank: 5 });
    const g = (await must(az(page, 'insert', { text: 'grapes', done: true, rank: 1 }))) as Row;
    const gId = String(g['id']);
    expect(gId).toMatch(/^[0-9a-f-]{36}$/);
    // Lookup, update (PATCH with If-Match from the row's version), delete (If-Match too).
    const b1 = (await must(az(page, 'lookup', 'b1'))) as Row;
    expect(b1).toEqual(seeded.get('b1'));
    const updated = (await must(az(page, 'update', { ...b1, text: 'bananas (ripe)' }))) as Row;
    expect(updated).toMatchObject({ id: 'b1', text: 'bananas (ripe)', done: false, rank: 2, version: seeded.get('b1')!['version'] });
    const renamed = (await must(az(page, 'update', { id: 'n1', text: 'nectarines!' }))) as Row;
    expect(renamed).toMatchObject({ id: 'n1', text: 'nectarines!', done: false, rank: 5 });
    const d1 = (await must(az(page, 'lookup', 'd1'))) as Row;
    await must(az(page, 'del', d1));
    const gone = await az(page, 'lookup', 'd1');
    expect(gone).toMatchObject({ ok: false, status: 404 });
    // An update with a version the row never had is refused as the server would (412).
    const stale = await az(page, 'update', { id: 'c1', text: 'mine', version: 'bm90LWEtdmVyc2lvbg==' });
    expect(stale).toMatchObject({ ok: false, status: 412 });

    // Queries, answered locally.
    const offline = new Map<string, QueryResult>();
    for (const q of QUERIES) offline.set(q, (await must(az(page, 'query', q))) as QueryResult);
    expect(offline.get('openPage')!.totalCount).toBe(3); // a1, b1, n1: open; c1 and grapes done; d1 deleted
    expect(proxy.writes()).toEqual([]);

    // Online: everything is pushed, in the client's dialect.
    await app.setOffline(false);
    await waitForDrain(page);
    const writes = proxy
      .writes()
      .map((s) => `${s.method} ${s.url.pathname} ${s.headers['zumo-api-version']} ${s.headers['if-match'] ?? '-'} ${s.status}`)
      .sort();
    expect(writes).toEqual(
      [
        `DELETE /tables/todoitem/d1 2.0.0 "${String(seeded.get('d1')!['version'])}" 200`,
        `PATCH /tables/todoitem/b1 2.0.0 "${String(seeded.get('b1')!['version'])}" 200`,
        'POST /tables/todoitem 2.0.0 - 201',
        'POST /tables/todoitem 2.0.0 - 201',
      ].sort(),
    );
    const after = await remote.all();
    expect([...after.keys()].sort()).toEqual(['a1', 'b1', 'c1', 'd1', gId, 'n1'].sort());
    expect(appFields(after.get('n1')!)).toEqual({ id: 'n1', text: 'nectarines!', done: false, rank: 5 });
    expect(appFields(after.get(gId)!)).toEqual({ id: gId, text: 'grapes', done: true, rank: 1 });
    expect(appFields(after.get('b1')!)).toEqual({ id: 'b1', text: 'bananas (ripe)', done: false, rank: 2 });
    expect(after.get('d1')!['deleted']).toBe(true);
    for (const id of ['a1', 'c1']) expect(after.get(id)).toEqual(seeded.get(id));

    // The same client, straight to the server (no worker), gets the same answers.
    const plain = await openPlain(stack.browser, stack.origin, '/azure-bare.html');
    for (const q of QUERIES) {
      const fromServer = (await must(az(plain.page, 'query', q))) as QueryResult;
      expect(shape(offline.get(q)!), `query ${q}`).toEqual(shape(fromServer));
    }
    // And now that the writes are acknowledged, the worker's answers carry the server's system properties.
    expect(await must(az(page, 'query', 'all'))).toEqual(await must(az(plain.page, 'query', 'all')));
    await plain.close();

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
