/** W-15, U-03: ops a previous worker (or schema) journaled are pushed after a start, without waiting for a new write. */
import { expect, test } from 'vitest';
import { createHarness } from './harness.js';

test('a start finding pending or inflight ops schedules a push; one finding only failed or held ops, or none, does not', async () => {
  const h = createHarness();
  await h.ready();
  expect(h.scheduler.calls).toBe(0);
  await h.request('POST', '/tables/todo', { body: { id: 'a' } });
  const [op] = h.ops();
  await h.store.commit([{ kind: 'put-op', op: { ...op!, state: 'inflight' } }]);
  const before = h.scheduler.calls;
  await h.restart();
  expect(h.scheduler.calls).toBe(before + 1);
  expect(h.ops()).toEqual([expect.objectContaining({ itemId: 'a', state: 'pending', attempted: false })]);

  await h.store.commit([{ kind: 'put-op', op: { ...h.ops()[0]!, state: 'failed' } }]);
  const failedOnly = h.scheduler.calls;
  await h.restart();
  expect(h.scheduler.calls).toBe(failedOnly);
});
