import { expect, test } from 'vitest';
import { CONFIG_KEY, loadConfig, parseConfigQuery, parseFreshnessQuery, parsePushIntervals } from '../../../sw/config.js';
import { REQUEST_PUSH_INTERVAL_MS, TIMER_PUSH_INTERVAL_MS } from '../../../sw/push-triggers.js';
import type { MetaStore } from '../../../src/engine/ports.js';

const memoryMeta = (initial: Record<string, unknown> = {}): MetaStore & { data: Map<string, unknown> } => {
  const data = new Map(Object.entries(initial));
  return { data, get: async <T>(key: string) => data.get(key) as T | undefined, set: async (entries) => void Object.entries(entries).forEach(([key, value]) => data.set(key, value)) };
};

test('the script URL query names tables, upstream origin, dialects and policy', () => {
  expect(parseConfigQuery('?tables=todoitem,%20other,todoitem&upstream=http://api.example:8080/x&dialect=v2&upstreamDialect=v3&policy=hold')).toEqual({
    upstream: 'http://api.example:8080',
    tables: [
      { name: 'todoitem', appDialect: 'v2', upstreamDialect: 'v3', policy: 'hold' },
      { name: 'other', appDialect: 'v2', upstreamDialect: 'v3', policy: 'hold' },
    ],
  });
});

test('F-12: strict=1 makes every table refuse v2 reserved properties', () => {
  expect(parseConfigQuery('?tables=a,b&strict=1').tables).toEqual([{ name: 'a', strict: true }, { name: 'b', strict: true }]);
  expect(parseConfigQuery('?tables=a&strict=yes').tables).toEqual([{ name: 'a' }]);
});

test('unknown dialects and policies are ignored; no tables gives null', () => {
  expect(parseConfigQuery('?dialect=v9&policy=random')).toEqual({ tables: null });
  expect(parseConfigQuery('?tables=a&upstream=not a url').tables).toEqual([{ name: 'a' }]);
});

test('the query config is persisted, so a worker started without a query still knows its tables', async () => {
  const meta = memoryMeta();
  const first = await loadConfig(meta, '?tables=todoitem&upstream=http://api.example');
  expect(first.engine).toEqual({ upstream: 'http://api.example', tables: [{ name: 'todoitem' }] });
  expect(meta.data.get(CONFIG_KEY)).toEqual(first.engine);
  const woken = await loadConfig(meta, '');
  expect(woken.engine).toEqual(first.engine);
});

test('a record the disk cannot take (quota) does not stop the worker starting: the query still configures it', async () => {
  const full: MetaStore = {
    get: async () => undefined,
    set: () => Promise.reject(Object.assign(new Error('Quota exceeded.'), { name: 'QuotaExceededError' })),
  };
  expect((await loadConfig(full, '?tables=todoitem&upstream=http://api.example')).engine).toEqual({
    upstream: 'http://api.example',
    tables: [{ name: 'todoitem' }],
  });
});

test('the query wins over the stored record; a missing record gives no tables on the same origin', async () => {
  const meta = memoryMeta({ [CONFIG_KEY]: { upstream: 'http://old.example', tables: [{ name: 'old' }] } });
  expect((await loadConfig(meta, '?tables=new')).engine).toEqual({ upstream: 'http://old.example', tables: [{ name: 'new' }] });
  expect((await loadConfig(memoryMeta({ [CONFIG_KEY]: 'garbage' }), '')).engine).toEqual({ upstream: '', tables: [] });
});

test('T-06 T-07 T-09: writes, writeTimeoutMs, maxStaleMs and pullIntervalMs come from the query and are persisted', async () => {
  expect(parseFreshnessQuery('?writes=local-first&writeTimeoutMs=250&maxStaleMs=0&pullIntervalMs=1500')).toEqual({
    writes: 'local-first',
    writeTimeoutMs: 250,
    maxStaleMs: 0,
    pullIntervalMs: 1500,
  });
  expect(parseFreshnessQuery('?writes=sometimes&writeTimeoutMs=-1&maxStaleMs=soon&pullIntervalMs=')).toEqual({});
  const meta = memoryMeta();
  const first = await loadConfig(meta, '?tables=t&writes=local-first&writeTimeoutMs=250&maxStaleMs=100&pullIntervalMs=1500');
  expect(first.engine).toEqual({ upstream: '', tables: [{ name: 't' }], writes: 'local-first', writeTimeoutMs: 250, maxStaleMs: 100 });
  expect(first.pullIntervalMs).toBe(1500);
  const woken = await loadConfig(meta, '');
  expect(woken).toEqual(first);
  // A query naming tables is the whole configuration: an option it lacks is back to its default.
  const changed = await loadConfig(meta, '?tables=t&writes=online-first');
  expect(changed).toEqual({ engine: { upstream: '', tables: [{ name: 't' }], writes: 'online-first' } });
  expect(meta.data.get(CONFIG_KEY)).toEqual(changed.engine);
});

test('U-21: pushIntervalMs and requestPushIntervalMs set the fallback periods; missing or invalid values keep 60 s and 30 s', () => {
  expect(parsePushIntervals('?tables=a&pushIntervalMs=1000&requestPushIntervalMs=250')).toEqual({ pushIntervalMs: 1000, requestPushIntervalMs: 250 });
  const defaults = { pushIntervalMs: TIMER_PUSH_INTERVAL_MS, requestPushIntervalMs: REQUEST_PUSH_INTERVAL_MS };
  expect(parsePushIntervals('?tables=a')).toEqual(defaults);
  expect(defaults).toEqual({ pushIntervalMs: 60_000, requestPushIntervalMs: 30_000 });
  for (const bad of ['0', '-5', '1.5', 'soon', '', '1e400']) {
    expect(parsePushIntervals(`?pushIntervalMs=${bad}&requestPushIntervalMs=${bad}`)).toEqual(defaults);
  }
});

test('dead letters: maxServerErrors comes from the query, is persisted for a woken worker, and is dropped with the query that lacks it', async () => {
  expect(parseFreshnessQuery('?maxServerErrors=3')).toEqual({ maxServerErrors: 3 });
  expect(parseFreshnessQuery('?maxServerErrors=many')).toEqual({});
  const meta = memoryMeta();
  const first = await loadConfig(meta, '?tables=t&maxServerErrors=3');
  expect(first.engine).toEqual({ upstream: '', tables: [{ name: 't' }], maxServerErrors: 3 });
  expect(await loadConfig(meta, '')).toEqual(first);
  expect((await loadConfig(meta, '?tables=t')).engine).toEqual({ upstream: '', tables: [{ name: 't' }] });
});
