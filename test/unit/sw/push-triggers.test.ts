import { expect, test } from 'vitest';
import {
  ONLINE_RETRY_MS,
  REQUEST_PUSH_INTERVAL_MS,
  RETRY_MIN_MS,
  TIMER_PUSH_INTERVAL_MS,
  WRITE_PUSH_DELAY_MS,
  createPushTriggers,
} from '../../../sw/push-triggers.js';

function setup(options: { backgroundSync: boolean; results?: (string | null)[]; nextAttemptAt?: number | null; timerMs?: number; requestMs?: number }) {
  let now = 0;
  const timeouts: { run: () => void; ms: number }[] = [];
  const pushes: boolean[] = [];
  const slept: number[] = [];
  const results = [...(options.results ?? [])];
  let tick: (() => void) | null = null;
  let period = 0;
  const triggers = createPushTriggers({
    timerMs: options.timerMs ?? TIMER_PUSH_INTERVAL_MS,
    requestMs: options.requestMs ?? REQUEST_PUSH_INTERVAL_MS,
    backgroundSync: () => options.backgroundSync,
    push: async (explicit) => {
      pushes.push(explicit);
      return { stopped: results.shift() ?? null, nextAttemptAt: options.nextAttemptAt ?? null };
    },
    setTimeout: (run, ms) => timeouts.push({ run, ms }),
    now: () => now,
    setInterval: (run, ms) => {
      tick = run;
      period = ms;
      return 1;
    },
    sleep: async (ms) => void slept.push(ms),
  });
  const fire = async (): Promise<void> => {
    const due = timeouts.splice(0);
    for (const t of due) t.run();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { triggers, pushes, slept, timeouts, fire, advance: (ms: number) => (now += ms), tick: () => tick?.(), period: () => period };
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

test('U-21: without Background Sync a page load (its connect) pushes, ignoring back-off; with it, only after a stop', async () => {
  const bare = setup({ backgroundSync: false });
  await bare.triggers.pageLoad();
  await bare.triggers.pageLoad();
  expect(bare.pushes).toEqual([true, true]);
  const synced = setup({ backgroundSync: true, results: ['offline'] });
  await synced.triggers.pageLoad();
  expect(synced.pushes).toEqual([]);
  await synced.triggers.sync();
  await synced.triggers.pageLoad();
  expect(synced.pushes).toEqual([true, true]);
});

test('U-21: the timer period and the request spacing come from the options (the worker query)', async () => {
  const t = setup({ backgroundSync: false, timerMs: 1000, requestMs: 500 });
  t.triggers.pageContact();
  expect(t.period()).toBe(1000);
  await t.triggers.request();
  t.advance(499);
  await t.triggers.request();
  t.advance(1);
  await t.triggers.request();
  expect(t.pushes).toEqual([false, false]);
});

test('U-20: with Background Sync only sync and online push, until a push stops; then the fallbacks retry', async () => {
  const t = setup({ backgroundSync: true, results: ['offline'] });
  await t.triggers.start();
  await t.triggers.request();
  expect(t.pushes).toEqual([]);
  await t.triggers.sync();
  expect(t.pushes).toEqual([true]);
  await t.triggers.request();
  expect(t.pushes).toEqual([true, false]);
  t.advance(REQUEST_PUSH_INTERVAL_MS);
  await t.triggers.request(); // the last push went through: back to Background Sync only
  expect(t.pushes).toEqual([true, false]);
});

test('an online push that still finds no network is retried a few times', async () => {
  const t = setup({ backgroundSync: true, results: ['offline', 'offline', null] });
  await t.triggers.online();
  expect(t.pushes).toEqual([true, true, true]);
  expect(t.slept).toEqual(ONLINE_RETRY_MS.slice(0, 2));
});

test('U-20: a journaled write is pushed 1 s later by the worker itself, once per burst, even with Background Sync', async () => {
  const t = setup({ backgroundSync: true });
  t.triggers.written();
  t.triggers.written();
  expect(t.timeouts.map((x) => x.ms)).toEqual([WRITE_PUSH_DELAY_MS]);
  await t.fire();
  expect(t.pushes).toEqual([false]);
  t.triggers.written();
  expect(t.timeouts).toHaveLength(1);
});

test('U-14: a push stopped by back-off is retried when the back-off ends, one timer at a time', async () => {
  const t = setup({ backgroundSync: true, results: ['backoff', 'backoff', null], nextAttemptAt: 4000 });
  await t.triggers.sync();
  await t.triggers.sync();
  expect(t.timeouts.map((x) => x.ms)).toEqual([4000]);
  await t.fire();
  expect(t.pushes).toEqual([true, true, false]);
  expect(t.timeouts).toHaveLength(0);
});

test('U-14: a retry never waits less than the minimum, even when the back-off already ended', async () => {
  const t = setup({ backgroundSync: false, results: ['offline'], nextAttemptAt: 0 });
  t.advance(10_000);
  await t.triggers.start();
  expect(t.timeouts.map((x) => x.ms)).toEqual([RETRY_MIN_MS]);
});

test('the sync event ignores back-off: the browser saw a network', async () => {
  const t = setup({ backgroundSync: true });
  await t.triggers.sync();
  expect(t.pushes).toEqual([true]);
});
