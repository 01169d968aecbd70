import { expect, test } from 'vitest';
import { createCoalescer } from '../../src/server/coalesce.js';

/** A load whose calls are recorded and finish when the test says. */
function gatedLoad() {
  const calls: { group: string; keys: readonly string[]; finish: (fail?: Error) => void }[] = [];
  const load = (group: string, keys: readonly string[]) =>
    new Promise<ReadonlyMap<string, string>>((resolve, reject) => {
      calls.push({ group, keys, finish: (fail) => (fail === undefined ? resolve(new Map(keys.map((k) => [k, `${group}:${k}`]))) : reject(fail)) });
    });
  return { calls, load };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test('an idle group loads at once; keys arriving meanwhile go together in the next load', async () => {
  const { calls, load } = gatedLoad();
  const get = createCoalescer(load, 1);
  const first = get('t', 'a');
  const rest = [get('t', 'b'), get('t', 'c'), get('t', 'b'), get('u', 'a')];
  expect(calls.map((c) => [c.group, c.keys])).toEqual([['t', ['a']], ['u', ['a']]]);
  calls[0]?.finish();
  expect(await first).toBe('t:a');
  await settle();
  expect(calls[2]?.keys).toEqual(['b', 'c']);
  calls[1]?.finish();
  calls[2]?.finish();
  expect(await Promise.all(rest)).toEqual(['t:b', 't:c', 't:b', 'u:a']);
});

test('up to inFlight loads of a group run at once; a failed load rejects only its own keys', async () => {
  const { calls, load } = gatedLoad();
  const get = createCoalescer(load, 2);
  const a = get('t', 'a');
  const b = get('t', 'b');
  const c = get('t', 'c');
  expect(calls.map((x) => x.keys)).toEqual([['a'], ['b']]);
  calls[0]?.finish(new Error('boom'));
  await expect(a).rejects.toThrow('boom');
  await settle();
  expect(calls[2]?.keys).toEqual(['c']);
  calls[1]?.finish();
  calls[2]?.finish();
  expect([await b, await c]).toEqual(['t:b', 't:c']);
  // Drained groups are forgotten: the next key loads at once again.
  const d = get('t', 'd');
  expect(calls[3]?.keys).toEqual(['d']);
  calls[3]?.finish();
  expect(await d).toBe('t:d');
});

test('a key the load does not return resolves undefined', async () => {
  const get = createCoalescer<string, string>(async () => new Map(), 1);
  expect(await get('t', 'missing')).toBeUndefined();
});
