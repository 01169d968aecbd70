/**
 * The demo app (public/), driven as a user would: a todo list on plain fetch with the one drop-in
 * tag. Add, toggle, rename and delete work offline; tablesync's <tablesync-status> counts waiting
 * changes and syncs on demand, and <tablesync-conflicts> settles a held conflict with "Keep mine";
 * online the app gets the server's own answers. Without the drop-in the same page works online and
 * shows neither element.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { appFields, openApp, syncApi, useStack, waitFor, type Row } from './fixtures/e2e/harness.js';

const PUBLIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public');
const stack = useStack({ publicDir: () => Promise.resolve(PUBLIC) });

const texts = (page: Page): Promise<string[]> => page.locator('#list .item__text').allTextContents();
const shows = (page: Page, what: () => Promise<boolean>, message: string): Promise<boolean> =>
  waitFor(what, { timeoutMs: 3000, message });
const item = (page: Page, text: string) => page.locator('#list .item', { hasText: text });

async function add(page: Page, text: string): Promise<void> {
  await page.fill('#new-text', text);
  await page.click('#add-form button[type=submit]');
  await shows(page, async () => (await texts(page)).includes(text), `"${text}" in the list`);
}

const status = (page: Page) => page.locator('tablesync-status');
const conflicts = (page: Page) => page.locator('tablesync-conflicts');
const badge = async (page: Page): Promise<string | null> => status(page).locator('[part=badge]').textContent();
const pending = async (page: Page): Promise<string | null> => status(page).getAttribute('data-pending');
const syncNow = (page: Page) => status(page).getByRole('button', { name: 'Sync now' });

const serverRows = async (): Promise<Row[]> => [...(await stack.remote.all()).values()].filter((r) => r['deleted'] !== true).map(appFields);

describe('e2e-demo', () => {
  test('the demo is an installable PWA whose manifest and icons are served', async () => {
    const manifest = (await (await fetch(`${stack.origin}/manifest.webmanifest`)).json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; type: string }[];
    };
    expect(manifest).toMatchObject({ start_url: '/', display: 'standalone' });
    expect(manifest.name.length).toBeGreaterThan(0);
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) expect((await fetch(`${stack.origin}${icon.src}`)).status).toBe(200);
  });

  test('F-01 W-05 K-09 K-10 T-02: add, toggle, rename and delete offline; the status element syncs them and the conflicts element settles a conflict; online a stale rename gets 412', async () => {
    const app = await openApp(stack.browser, stack.proxy, '/');
    const page = app.page;
    await shows(page, async () => (await badge(page)) === 'Online', 'the status element');
    await add(page, 'Buy milk');
    await shows(page, async () => (await page.textContent('#count')) === '1 thing to do', 'the count');
    await syncApi(page).pull();

    await app.setOffline(true);
    await add(page, 'Walk dog');
    await item(page, 'Buy milk').locator('.item__done').click();
    await shows(page, async () => !(await texts(page)).includes('Buy milk'), 'done items hidden');
    await item(page, 'Walk dog').locator('.item__rename').click();
    await page.fill('#list .item__edit', 'Walk the dog');
    await page.press('#list .item__edit', 'Enter');
    await shows(page, async () => (await texts(page)).includes('Walk the dog'), 'the rename');
    await page.check('#show-done');
    await shows(page, async () => (await texts(page)).join('|') === 'Walk the dog|Buy milk', 'done items shown last');
    await shows(page, async () => (await badge(page)) === 'Offline', 'the offline badge');
    await shows(page, async () => (await pending(page)) === '2', 'two changes waiting');

    await app.setOffline(false);
    await syncNow(page).click();
    await shows(page, async () => (await pending(page)) === '0', 'nothing waiting');
    expect((await serverRows()).map((r) => [r['text'], r['done']]).sort()).toEqual([
      ['Buy milk', true],
      ['Walk the dog', false],
    ]);

    // Deleted offline, synced on demand.
    await app.setOffline(true);
    await item(page, 'Walk the dog').locator('.item__delete').click();
    await shows(page, async () => !(await texts(page)).includes('Walk the dog'), 'the delete');
    await app.setOffline(false);
    await syncNow(page).click();
    await waitFor(async () => (await serverRows()).length === 1, { message: 'the delete on the server' });
    // That sync pulls after it pushed: let it end first, or the server-side edit below arrives by that
    // pull and the rename is rightly refused with 412 against the other device's version (F-11).
    await shows(page, async () => (await syncNow(page).getAttribute('aria-disabled')) === 'false', 'the sync finished');

    // Renamed here (offline) while someone renamed it on the server: held (merge cannot pick), then "Keep mine".
    const milk = [...(await stack.remote.all()).values()].find((r) => r['text'] === 'Buy milk')!;
    await app.setOffline(true);
    await stack.remote.replace(String(milk['id']), { text: 'Buy oat milk', done: true });
    await item(page, 'Buy milk').locator('.item__rename').click();
    await page.fill('#list .item__edit', 'Buy soy milk');
    await page.press('#list .item__edit', 'Enter');
    await shows(page, async () => (await texts(page)).includes('Buy soy milk'), 'the offline rename');
    await app.setOffline(false);
    const card = conflicts(page).locator('li.card');
    await card.waitFor();
    expect(await card.textContent()).toContain('Buy soy milk');
    expect(await card.textContent()).toContain('Buy oat milk');
    await card.getByRole('button', { name: 'Keep mine', exact: true }).click();
    await waitFor(async () => (await serverRows()).map((r) => r['text']).join() === 'Buy soy milk', { message: 'mine on the server' });
    await card.waitFor({ state: 'detached' });
    await shows(page, async () => (await texts(page)).includes('Buy soy milk'), 'mine in the list');

    // Online, the app gets the server's own answers (T-02): a rename against another device's newer version
    // is refused with the server's 412, as without the worker, and the list then shows the server's row.
    // The editor opens first: a pull may bring the other device's row at any moment (T-09), and the app keeps an open
    // editor, so the change made on the server meanwhile is what the rename meets.
    const before = stack.proxy.sent.length;
    await waitFor(async () => {
      await item(page, 'Buy soy milk').locator('.item__rename').click({ timeout: 2000 }).catch(() => undefined);
      return (await page.locator('#list .item__edit:not([hidden])').count()) > 0;
    }, { message: 'the rename editor' });
    await stack.remote.replace(String(milk['id']), { text: 'Buy rice milk', done: true });
    await page.fill('#list .item__edit:not([hidden])', 'Buy almond milk');
    await page.press('#list .item__edit:not([hidden])', 'Enter');
    await shows(page, async () => (await texts(page)).includes('Buy rice milk'), "the server's row listed");
    const puts = stack.proxy.sent.slice(before).filter((s) => s.method === 'PUT');
    expect(puts.map((s) => [(s.body as Row)['text'], s.status])).toEqual([['Buy almond milk', 412]]);
    expect((await serverRows()).map((r) => r['text'])).toEqual(['Buy rice milk']);
    expect([await conflicts(page).locator('li.card').count(), (await syncApi(page).pending()).length]).toEqual([0, 0]);

    expect([...app.devtools.errors]).toEqual([]);
    await app.close();
  });

  test('F-01: without the drop-in the demo works online and shows neither element', async () => {
    // The same page without its tablesync tag, served from a copy of public/ through the same server.
    const html = fs.readFileSync(path.join(PUBLIC, 'index.html'), 'utf8');
    const without = html.replace(/<script src="\/tablesync\.js"[^>]*><\/script>/, '');
    expect(without).not.toContain('tablesync.js');
    const page = await stack.browser.newPage();
    try {
      await page.route(`${stack.origin}/`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: without }));
      await page.goto(`${stack.origin}/`);
      await add(page, 'Plain online todo');
      expect((await serverRows()).map((r) => r['text'])).toEqual(['Plain online todo']);
      const absent = await page.evaluate(() => [customElements.get('tablesync-status'), customElements.get('tablesync-conflicts'), (window as { tablesync?: unknown }).tablesync].map((x) => x === undefined));
      expect(absent).toEqual([true, true, true]);
      expect(await status(page).isVisible()).toBe(false);
      expect(await conflicts(page).isVisible()).toBe(false);
      expect(await page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('tablesync')))).toBe(false);
    } finally {
      await page.close();
    }
  });
});
