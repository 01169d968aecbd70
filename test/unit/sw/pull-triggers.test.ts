import { expect, test } from 'vitest';
import { PAGE_CONNECTED_MS } from '../../../sw/push-triggers.js';
import { DEFAULT_PULL_INTERVAL_MS, createPullTriggers } from '../../../sw/pull-triggers.js';

function setup(intervalMs?: number) {
  let now = 0;
  let refreshes = 0;
  let tick: (() => void) | null = null;
  let period = 0;
  const triggers = createPullTriggers({
    refresh: async () => void refreshes++,
    now: () => now,
    setInterval: (run, ms) => {
      tick = run;
      period = ms;
      return 1;
    },
    ...(intervalMs === undefined ? {} : { intervalMs }),
  });
  return { triggers, refreshes: () => refreshes, advance: (ms: number) => (now += ms), tick: () => tick?.(), period: () => period };
}

test('T-09: the worker pulls at start only with a page open, on a page load or visibility, and after sync / periodicsync', async () => {
  const t = setup();
  await t.triggers.start(false);
  expect(t.refreshes()).toBe(0);
  await t.triggers.start(true);
  await t.triggers.visible();
  await t.triggers.sync();
  expect(t.refreshes()).toBe(3);
});

test('T-09: every pullIntervalMs while a visible page is connected; not for hidden pages, nor once pages are gone', async () => {
  const t = setup(1500);
  t.triggers.pageContact(true);
  expect(t.period()).toBe(1500);
  t.tick();
  expect(t.refreshes()).toBe(1);
  // Only hidden pages ping from now on.
  t.advance(PAGE_CONNECTED_MS + 1);
  t.triggers.pageContact(false);
  t.tick();
  expect(t.refreshes()).toBe(1);
  // A page that becomes visible again.
  await t.triggers.visible();
  t.tick();
  expect(t.refreshes()).toBe(3);
  t.advance(PAGE_CONNECTED_MS + 1);
  t.tick();
  expect(t.refreshes()).toBe(3);
});

test('T-09: the interval defaults to 60 s and starts once, on the first contact', () => {
  const t = setup();
  t.triggers.pageContact();
  t.triggers.pageContact(true);
  expect([t.period(), DEFAULT_PULL_INTERVAL_MS]).toEqual([60_000, 60_000]);
});
