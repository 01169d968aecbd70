/**
 * `<tablesync-status>` and `<tablesync-conflicts>` in headless Chromium over the real worker and the
 * reference server (issue 12, item 1): the drop-in loads them only for a page that uses them; the
 * status follows offline writes, pull progress and a blocked push, and "Sync now" syncs; held
 * conflicts (policy `hold`, real 412s from server-side edits) are shown field by field and settled
 * by clicks, per-field picks, "for all" actions and the keyboard alone; the live regions say so.
 * The last test writes the README's screenshots to docs/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { appFields, etagOf, openApp, pageApi, syncApi, useStack, waitFor, type App, type Row, type Sent } from './fixtures/e2e/harness.js';

const DOCS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs');

// `todoitem` pages of 5 rows, so a pull of 15 rows takes three pages (L-16); `private` needs a token (U-13).
const stack = useStack({
  server: { auth: { secret: 'elements-test-secret' }, tables: [{ name: 'todoitem', auth: false, pageSize: 5 }, { name: 'private', auth: true }] },
});

const statusOf = (page: Page): Locator => page.locator('tablesync-status');
const conflictsOf = (page: Page): Locator => page.locator('tablesync-conflicts');
const cardOf = (page: Page, text: string): Locator => conflictsOf(page).locator('li.card', { hasText: text });
const text = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
/** The element's polite live region. */
const announcer = (host: Locator): Locator => host.locator('[part=announcer]');

async function shows(locator: Locator, wanted: string | RegExp, message: string): Promise<void> {
  await waitFor(async () => {
    const now = await text(locator);
    return typeof wanted === 'string' ? now.includes(wanted) : wanted.test(now);
  }, { timeoutMs: 5000, message: `${message}: ${String(wanted)}` }).catch(async (error: unknown) => {
    throw new Error(`${String(error)}; it shows "${await text(locator)}"`, { cause: error });
  });
}

/** A conflict to set up: the server row before, the page's change (made offline), the server-side edit. */
interface Setup {
  readonly id: string;
  readonly base: Row;
  readonly mine: Row;
  readonly theirs: Row;
}

const MILK: Setup = {
  id: 'milk',
  base: { text: 'Buy milk', done: false, priority: 2, due: '2025-06-01' },
  mine: { text: 'Buy soy milk', done: false, priority: 1, due: '2025-06-01' },
  theirs: { text: 'Buy oat milk', done: true, priority: 2, due: '2025-06-03' },
};
const BREAD: Setup = {
  id: 'bread',
  base: { text: 'Bake bread', done: false, priority: 3, due: '2025-06-02' },
  mine: { text: 'Bake rye bread', done: false, priority: 3, due: '2025-06-02' },
  theirs: { text: 'Bake bread', done: false, priority: 3, due: '2025-06-05' },
};
// Changed differently on both sides (text), so even the merge policy could not settle it.
const PLANTS: Setup = {
  id: 'plants',
  base: { text: 'Water plants', done: false, priority: 2, due: '2025-06-04' },
  mine: { text: 'Water the plants', done: true, priority: 2, due: '2025-06-04' },
  theirs: { text: 'Water plants and herbs', done: false, priority: 1, due: '2025-06-04' },
};

/**
 * K-09: each row is on the server and pulled; the page changes it offline (answered locally), the
 * server changes it meanwhile; back online, the push meets a real 412 and policy `hold` keeps it.
 * Resolves with the server rows after the server-side edits.
 */
async function holdConflicts(app: App, setups: readonly Setup[]): Promise<Row[]> {
  for (const setup of setups) await stack.remote.insert({ id: setup.id, ...setup.base });
  await syncApi(app.page).pull();
  const api = pageApi(app.page);
  await app.setOffline(true);
  for (const setup of setups) {
    const read = (await api.get(setup.id)).body as Row;
    expect((await api.replace(setup.id, setup.mine, etagOf(read))).status).toBe(200);
  }
  const edited: Row[] = [];
  for (const setup of setups) edited.push(await stack.remote.replace(setup.id, setup.theirs));
  await app.setOffline(false);
  await waitFor(async () => (await syncApi(app.page).conflicts()).length === setups.length, { message: `${setups.length} held conflicts` });
  return edited;
}

const serverRow = async (id: string): Promise<Row | undefined> => (await stack.remote.all()).get(id);
const puts = (id: string): Sent[] => stack.proxy.writes().filter((s) => s.method === 'PUT' && s.url.pathname.endsWith(`/${id}`));

/** The diff table of a card as text: [field, before, mine, theirs] per row. */
const diffRows = (card: Locator): Promise<string[][]> =>
  card.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => [
      row.querySelector('th .name')?.textContent ?? '',
      ...[...row.querySelectorAll('td')].map((cell) => (cell.querySelector('.value') ?? cell).textContent ?? ''),
    ]),
  );

/** The element focused in the page, through open shadow roots: what it is and where. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    if (!element || element === document.body) return null;
    const input = element as HTMLInputElement;
    const name = input.labels?.[0]?.textContent ?? element.textContent ?? '';
    return {
      tag: element.tagName.toLowerCase(),
      name: name.replace(/\s+/g, ' ').trim(),
      checked: element.tagName === 'INPUT' ? input.checked : null,
      card: element.closest<HTMLElement>('li.card')?.dataset['conflictId'] ?? null,
    };
  });

type Focused = NonNullable<Awaited<ReturnType<typeof focused>>>;

/** Presses Tab until `wanted` holds for the focused element (at most 40 times). */
async function tabTo(page: Page, wanted: (f: Focused) => boolean, what: string): Promise<Focused> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now && wanted(now)) return now;
  }
  throw new Error(`Tab never reached ${what}; focus is on ${JSON.stringify(await focused(page))}`);
}

describe('elements', () => {
  test('the drop-in loads tablesync-elements.js only for a page that uses a tag, present at load or added later', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/index.html');
    const page = app.page;
    const loaded = () => page.evaluate(() => performance.getEntriesByType('resource').filter((entry) => entry.name.endsWith('/tablesync-elements.js')).length);
    // A page without the tags: the drop-in is connected, and nothing was fetched or defined.
    expect(await loaded()).toBe(0);
    expect(await page.evaluate(() => customElements.get('tablesync-status') === undefined && customElements.get('tablesync-conflicts') === undefined)).toBe(true);
    // A tag added later, nested in other markup, loads and defines both, once.
    await page.evaluate(() => {
      const box = document.createElement('section');
      box.innerHTML = '<div><tablesync-status></tablesync-status></div>';
      document.body.append(box);
    });
    await shows(statusOf(page).locator('[part=badge]'), 'Online', 'the late element renders, talking to window.tablesync');
    expect(await page.evaluate(() => customElements.get('tablesync-conflicts') !== undefined)).toBe(true);
    expect(await loaded()).toBe(1);
    // A page with the tags at load gets them defined too.
    const other = await app.open('/elements.html');
    await shows(statusOf(other).locator('[part=badge]'), 'Online', 'the element present at load');
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('npm users: the ESM bundle defines nothing until defineTablesyncElements(), and the elements use the client given as a property', async () => {
    const context = await stack.browser.newContext();
    try {
      const page = await context.newPage();
      // The npm entry is not served at the root; here the page gets it as a bundler would ship it.
      await page.route(`${stack.origin}/tablesync.mjs`, (route) => route.fulfill({ path: path.resolve('dist/tablesync.mjs'), contentType: 'text/javascript' }));
      await page.goto(`${stack.origin}/bare.html`);
      // A string, so the test runner does not rewrite its dynamic imports.
      const before = await page.evaluate(`(async () => {
        const elements = await import(location.origin + '/tablesync-elements.js');
        const undefinedAfterImport = customElements.get('tablesync-status') === undefined;
        // A tag in the page before its class is defined, its client set as a plain property meanwhile.
        const early = document.createElement('tablesync-status');
        document.body.append(early);
        const { registerSync } = await import(location.origin + '/tablesync.mjs');
        const client = await registerSync({ tables: ['todoitem'] });
        early.client = client;
        elements.defineTablesyncElements();
        elements.defineTablesyncElements(); // twice is harmless
        const late = document.createElement('tablesync-conflicts');
        late.client = client;
        document.body.append(late);
        return { undefinedAfterImport, tablesync: 'tablesync' in window };
      })()`);
      expect(before).toEqual({ undefinedAfterImport: true, tablesync: false });
      await shows(statusOf(page).locator('[part=badge]'), 'Online', 'the status over the given client');
      await shows(statusOf(page).locator('[part=counts]'), 'All changes synced', 'its counts');
      expect(await conflictsOf(page).getAttribute('data-count')).toBe('0');
      // The upgraded element took the early property over: setting it again goes through its setter.
      await statusOf(page).evaluate((host) => ((host as unknown as { client: unknown }).client = null));
      await shows(statusOf(page).locator('[part=badge]'), 'Not connected', 'no client, and no window.tablesync to fall back on');
      expect(await statusOf(page).getByRole('button', { name: 'Sync now' }).getAttribute('aria-disabled')).toBe('true');
    } finally {
      await context.close();
    }
  });

  test('U-22 W-01: <tablesync-status> shows offline, counts offline writes as they are journaled, and "Sync now" pushes them', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/elements.html');
    const page = app.page;
    const status = statusOf(page);
    await syncApi(page).pull();
    await shows(status.locator('[part=badge]'), 'Online', 'the badge');
    await shows(status.locator('[part=counts]'), 'All changes synced', 'nothing waiting');
    await shows(status.locator('[part=last-sync]'), 'Synced just now', 'the last sync');

    await app.setOffline(true);
    await shows(status.locator('[part=badge]'), 'Offline', 'the offline badge');
    await shows(announcer(status), 'Offline. Changes are kept on this device.', 'the live region');
    const api = pageApi(page);
    expect((await api.insert({ id: 'a', text: 'first', done: false })).status).toBe(201);
    await shows(status.locator('[part=counts]'), '1 change waiting', 'one waiting');
    expect((await api.insert({ id: 'b', text: 'second', done: false })).status).toBe(201);
    await shows(status.locator('[part=counts]'), '2 changes waiting', 'two waiting');
    await shows(announcer(status), 'Offline. Changes are kept on this device. 2 changes waiting to sync.', 'the live region');
    expect(await status.getAttribute('data-pending')).toBe('2');
    expect((await stack.remote.all()).size).toBe(0);

    // Back online but the server cut: the worker's own attempts fail, so the writes wait for the button.
    app.upstream.block(true);
    await app.setOffline(false);
    await shows(status.locator('[part=badge]'), 'Server unreachable', 'the badge of a network without the server');
    await page.evaluate(() => {
      const client = window.tablesync!;
      const sync = client.sync.bind(client);
      const w = window as unknown as { syncCalls: number };
      w.syncCalls = 0;
      client.sync = () => {
        w.syncCalls += 1;
        return sync();
      };
    });
    app.upstream.block(false);
    await status.getByRole('button', { name: 'Sync now' }).click();
    await waitFor(async () => (await stack.remote.all()).size === 2, { message: 'both writes on the server' });
    expect(await page.evaluate(() => (window as unknown as { syncCalls: number }).syncCalls)).toBe(1);
    expect([...(await stack.remote.all()).values()].map(appFields).sort((x, y) => String(x['id']).localeCompare(String(y['id'])))).toEqual([
      { id: 'a', text: 'first', done: false },
      { id: 'b', text: 'second', done: false },
    ]);
    await shows(status.locator('[part=counts]'), 'All changes synced', 'nothing waiting');
    await shows(status.locator('[part=badge]'), 'Online', 'the badge');
    await shows(announcer(status), 'Sync finished. All changes synced.', 'the live region');
    expect(await status.getByRole('button', { name: 'Sync now' }).getAttribute('aria-disabled')).toBe('false');
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('L-16: <tablesync-status> shows the pull progress page by page, then the sync time', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/elements.html');
    const page = app.page;
    await syncApi(page).pull();
    await Promise.all(Array.from({ length: 15 }, (_, i) => stack.remote.insert({ id: `row-${String(i).padStart(2, '0')}`, text: `row ${i}`, done: false })));
    // Every text the progress line shows, as it shows it.
    await statusOf(page).evaluate((host) => {
      const line = host.shadowRoot!.querySelector('[part=progress]')!;
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        if (!(line as HTMLElement).hidden) seen.push(line.textContent ?? '');
      }).observe(line, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await statusOf(page).getByRole('button', { name: 'Sync now' }).click();
    const counted = async (): Promise<number[]> =>
      [...new Set(await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen))].map((line) => {
        const match = /^Receiving todoitem: (\d+) rows$/.exec(line);
        if (!match) throw new Error(`unexpected progress line: ${line}`);
        return Number(match[1]);
      });
    // Running totals per page (the pages after the first re-read the rows of their first millisecond, L-07).
    await waitFor(async () => (await counted()).some((rows) => rows >= 15), { message: 'the last page counted' });
    const totals = await counted();
    expect(totals[0]).toBe(5);
    expect(totals.length).toBeGreaterThanOrEqual(3);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    await waitFor(async () => statusOf(page).locator('[part=progress]').isHidden(), { message: 'the progress line gone' });
    await shows(statusOf(page).locator('[part=last-sync]'), 'Synced just now', 'the last sync');
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('U-13: a push refused 401 shows the blocked reason in plain words and announces it', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/elements.html?tables=todoitem,private');
    const page = app.page;
    const status = statusOf(page);
    await shows(status.locator('[part=badge]'), 'Online', 'the badge');
    await app.setOffline(true);
    const created = await page.evaluate(async () => {
      const response = await fetch('/tables/private', {
        method: 'POST',
        headers: { 'ZUMO-API-VERSION': '3.0.0', 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'p1', text: 'no token here' }),
      });
      return response.status;
    });
    expect(created).toBe(201);
    await shows(status.locator('[part=counts]'), '1 change waiting', 'the write waiting');
    await app.setOffline(false);
    await shows(status.locator('[part=notice]'), 'Sync is paused: sign in again to send your changes.', 'the blocked reason');
    await shows(announcer(status), 'Sync is paused: sign in again to send your changes.', 'the live region');
    expect(await status.locator('[part=counts]').textContent()).toContain('1 change waiting');
    expect((await syncApi(page).status()) as unknown).toMatchObject({ blockedReason: 'needs-auth', pending: 1 });
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-09 K-10 K-04: a held 412 is shown field by field, and clicking "Keep mine" ends with the server holding the local value', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/elements.html?policy=hold');
    const page = app.page;
    const [theirs] = await holdConflicts(app, [MILK]);
    const card = cardOf(page, 'Buy soy milk');
    await card.waitFor();
    await shows(conflictsOf(page).locator('h2'), '1 conflict needs your decision', 'the heading');
    await shows(card.locator('.reason'), 'Changed here and on the server.', 'the reason');
    // A table with column and row headers: field, before (base), mine (local), theirs (server).
    expect(await card.getByRole('columnheader').allTextContents()).toEqual(['Field', 'Before', 'Mine', 'Theirs']);
    expect((await card.getByRole('rowheader').allTextContents()).map((t) => t.replace('changed on both sides', '').trim())).toEqual(['done', 'due', 'priority', 'text']);
    expect(await diffRows(card)).toEqual([
      ['done', 'no', 'no', 'yes'],
      ['due', '2025-06-01', '2025-06-01', '2025-06-03'],
      ['priority', '2', '1', '2'],
      ['text', 'Buy milk', 'Buy soy milk', 'Buy oat milk'],
    ]);
    expect(await card.locator('tr[data-field=text] .flag').textContent()).toBe('changed on both sides');
    await shows(statusOf(page).locator('[part=counts]'), '1 conflict', 'the held count in the status');

    await card.getByRole('button', { name: 'Keep mine', exact: true }).click();
    await waitFor(async () => (await serverRow('milk'))?.['text'] === 'Buy soy milk', { message: 'mine on the server' });
    expect(appFields((await serverRow('milk'))!)).toEqual({ id: 'milk', ...MILK.mine });
    // K-04: re-sent with If-Match = the server row's version.
    expect(puts('milk').map((s) => [s.status, s.headers['if-match']])).toEqual([
      [412, expect.any(String)],
      [200, etagOf(theirs!)],
    ]);
    await card.waitFor({ state: 'detached' });
    await shows(announcer(conflictsOf(page)), 'Kept your version of “Buy soy milk”.', 'the live region');
    await shows(statusOf(page).locator('[part=counts]'), 'All changes synced', 'the status');
    expect(await syncApi(page).conflicts()).toEqual([]);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-06: picks per field resolve as a merge: the server ends with the picked value of each field', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/elements.html?policy=hold');
    const page = app.page;
    const [theirs] = await holdConflicts(app, [MILK]);
    const card = cardOf(page, 'Buy soy milk');
    await card.waitFor();
    // Pre-picked as a 3-way merge would: the side that changed; mine where both did.
    const checked = async (field: string) => (await card.locator(`tr[data-field=${field}] input:checked`).getAttribute('value')) ?? null;
    expect([await checked('done'), await checked('due'), await checked('priority'), await checked('text')]).toEqual(['theirs', 'theirs', 'mine', 'mine']);
    await card.getByRole('radio', { name: /Keep theirs for text/ }).check();
    await card.getByRole('button', { name: 'Save merge' }).click();
    const merged = { id: 'milk', text: 'Buy oat milk', done: true, priority: 1, due: '2025-06-03' };
    await waitFor(async () => (await serverRow('milk'))?.['priority'] === 1, { message: 'the merge on the server' });
    expect(appFields((await serverRow('milk'))!)).toEqual(merged);
    const sent = puts('milk').at(-1)!;
    expect([sent.status, sent.headers['if-match']]).toEqual([200, etagOf(theirs!)]);
    expect(appFields(sent.body as Row)).toEqual(merged);
    expect(appFields((await pageApi(page).get('milk')).body as Row)).toEqual(merged);
    await shows(announcer(conflictsOf(page)), 'Saved your merge of “Buy soy milk”.', 'the live region');
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-10 K-06 K-03: keyboard only (Tab, arrows, Enter, Space) resolves one conflict by a merge and the next by keeping theirs', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/elements.html?policy=hold');
    const page = app.page;
    const [, bread] = await holdConflicts(app, [MILK, BREAD]);
    await cardOf(page, 'Bake rye bread').waitFor();
    const [milkId, breadId] = await conflictsOf(page).locator('li.card').evaluateAll((cards) => cards.map((c) => (c as HTMLElement).dataset['conflictId'] ?? ''));

    // In the first card: the text row's pick, from mine to theirs with an arrow key.
    const radio = await tabTo(page, (f) => f.card === milkId && f.name.startsWith('Keep mine for text'), 'the pick of text');
    expect(radio.checked).toBe(true);
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toMatchObject({ card: milkId, checked: true, name: expect.stringMatching(/^Keep theirs for text/) });
    await tabTo(page, (f) => f.card === milkId && f.name === 'Save merge', 'Save merge');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await serverRow('milk'))?.['text'] === 'Buy oat milk' && (await serverRow('milk'))?.['priority'] === 1, { message: 'the merge on the server' });
    expect(appFields((await serverRow('milk'))!)).toEqual({ id: 'milk', text: 'Buy oat milk', done: true, priority: 1, due: '2025-06-03' });
    // Focus moved on to the next conflict, so the keyboard carries on from there.
    await waitFor(async () => (await focused(page))?.card === breadId, { message: 'focus on the next conflict' });
    expect(await focused(page)).toMatchObject({ tag: 'h3', card: breadId });

    await tabTo(page, (f) => f.card === breadId && f.name === 'Keep theirs', 'Keep theirs');
    await page.keyboard.press('Space');
    await cardOf(page, 'Bake rye bread').waitFor({ state: 'detached' });
    // K-03: the server row stays as it was, and the local row becomes it.
    expect(await serverRow('bread')).toEqual(bread);
    await waitFor(async () => JSON.stringify((await pageApi(page).get('bread')).body) === JSON.stringify(bread), { message: 'theirs locally' });
    await waitFor(async () => (await focused(page))?.name === 'All conflicts are resolved.', { message: 'focus on the all-resolved line' });
    await shows(announcer(conflictsOf(page)), 'Kept the server\'s version of “Bake rye bread”.', 'the live region');
    expect(await syncApi(page).conflicts()).toEqual([]);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('K-09 K-10 K-03: "Keep theirs for all" settles every held conflict at once and announces it', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/elements.html?policy=hold');
    const page = app.page;
    const edited = await holdConflicts(app, [MILK, BREAD, PLANTS]);
    await waitFor(async () => (await conflictsOf(page).locator('li.card').count()) === 3, { message: 'three cards' });
    await shows(conflictsOf(page).locator('h2'), '3 conflicts need your decision', 'the heading');
    await conflictsOf(page).getByRole('button', { name: 'Keep theirs for all' }).click();
    await waitFor(async () => (await conflictsOf(page).locator('li.card').count()) === 0, { message: 'no cards' });
    await shows(announcer(conflictsOf(page)), 'Resolved 3 conflicts.', 'the live region');
    expect(await syncApi(page).conflicts()).toEqual([]);
    expect(await syncApi(page).pending()).toEqual([]);
    for (const row of edited) expect(await serverRow(String(row['id']))).toEqual(row);
    await shows(statusOf(page).locator('[part=counts]'), 'All changes synced', 'the status');
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  // About 4 s: two held conflicts and three offline writes make realistic content.
  test('screenshots: both elements with changes waiting offline and a held conflict (docs/*.png, shown in the README)', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/elements.html?policy=hold', { viewport: { width: 760, height: 900 }, deviceScaleFactor: 2 });
    const page = app.page;
    await holdConflicts(app, [MILK]);
    await app.setOffline(true);
    const api = pageApi(page);
    for (const [id, title] of [['eggs', 'Buy eggs'], ['call', 'Call the plumber'], ['tax', 'File the tax return']] as const)
      expect((await api.insert({ id, text: title, done: false })).status).toBe(201);
    const status = statusOf(page);
    await shows(status.locator('[part=counts] .pending'), '3 changes waiting', 'the pending count');
    await shows(status.locator('[part=counts] .held'), '1 conflict', 'the held count');
    await shows(status.locator('[part=badge]'), 'Offline', 'the badge');
    await shows(status.locator('[part=last-sync]'), 'Synced just now', 'the last sync');
    await cardOf(page, 'Buy soy milk').waitFor();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    fs.mkdirSync(DOCS, { recursive: true });
    const shots = [
      { file: 'tablesync-status.png', element: status },
      { file: 'tablesync-conflicts.png', element: conflictsOf(page) },
    ];
    for (const { file, element } of shots) {
      const png = await element.screenshot({ animations: 'disabled' });
      // A PNG of the element's size at 2× (so the README shows it crisp).
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      const box = (await element.boundingBox())!;
      expect(png.readUInt32BE(16)).toBe(Math.round(box.width * 2));
      fs.writeFileSync(path.join(DOCS, file), png);
    }
    await app.setOffline(false);
    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });
});
