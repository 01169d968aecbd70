import { expect, test } from 'vitest';
import { ONLINE_RETRY_MS, REQUEST_PUSH_INTERVAL_MS, TIMER_PUSH_INTERVAL_MS, createPushTriggers } from '../../../sw/push-triggers.js';

function setup(options: { backgroundSync: boolean; results?: (string | null)[] }) {
  let now = 0;
  const pushes: boolean[] = [];
  const slept: number[] = [];
  const results = [...(options.results ?? [])];
  let tick: (() => void) | null = null;
  let period = 0;
  const triggers = createPushTriggers({
    backgroundSync: () => options.backgroundSync,
    push: async (explicit) => {
      pushes.push(explicit);
      return { stopped: results.shift() ?? null };
    },
    now: () => now,
    setInterval: (run, ms) => {
      tick = run;
      period = ms;
      return 1;
    },
    sleep: async (ms) => void slept.push(ms),
  });
  return { triggers, pushes, slept, advance: (ms: number) => (now += ms), tick: () => tick?.(), period: () => period };
}

test('U-21: without Background Sync the worker pushes at start, on online, on requests at most every 30 s', async () => {
  const t = setup({ backgroundSync: false });
  await t.triggers.start();
  await t.triggers.online();
  await t.triggers.request();
  await t.triggers.request();
  t.advance(REQUEST_PUSH_INTERVAL_MS);
  await t.triggers.request();
  expect(t.pushes).toEqual([true, true, false, false]);
});

test('U-21: every 60 s while a page is connected; not once pages stopped pinging', async () => {
  const t = setup({ backgroundSync: false });
  t.triggers.pageContact();
  expect(t.period()).toBe(TIMER_PUSH_INTERVAL_MS);
  t.advance(TIMER_PUSH_INTERVAL_MS / 3);
  t.tick();
  await Promise.resolve();
  t.advance(TIMER_PUSH_INTERVAL_MS);
  t.tick();
  await Promise.resolve();
  expect(t.pushes).toEqual([false]);
});

test('U-20: with Background Sync only sync and online push, until a push stops; then the fallbacks retry', async () => {
  const t = setup({ backgroundSync: true, results: ['offline'] });
  await t.triggers.start();
  await t.triggers.request();
  expect(t.pushes).toEqual([]);
  await t.triggers.sync();
  expect(t.pushes).toEqual([false]);
  await t.triggers.request();
  expect(t.pushes).toEqual([false, false]);
  t.advance(REQUEST_PUSH_INTERVAL_MS);
  await t.triggers.request(); // the last push went through: back to Background Sync only
  expect(t.pushes).toEqual([false, false]);
});

test('an online push that still finds no network is retried a few times', async () => {
  const t = setup({ backgroundSync: true, results: ['offline', 'offline', null] });
  await t.triggers.online();
  expect(t.pushes).toEqual([true, true, true]);
  expect(t.slept).toEqual(ONLINE_RETRY_MS.slice(0, 2));
});
