import { expect, test, vi } from 'vitest';
import { LOCK_NAME, createSyncLock } from '../../../sw/sync-lock.js';

test('U-01: without Web Locks, tasks run one at a time in call order, even after a failure', async () => {
  const lock = createSyncLock(undefined);
  const events: string[] = [];
  const task = (name: string, fail = false) => async () => {
    events.push(`${name}:start`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    events.push(`${name}:end`);
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([lock.run(task('a', true)), lock.run(task('b')), lock.run(task('c'))]);
  expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
});

test('U-01: with Web Locks, every task runs under the tablesync:tablesync lock', async () => {
  const request = vi.fn((_name: string, callback: () => Promise<unknown>) => callback());
  const lock = createSyncLock({ request } as unknown as LockManager);
  expect(await lock.run(async () => 42)).toBe(42);
  expect(request.mock.calls[0]?.[0]).toBe(LOCK_NAME);
  expect(LOCK_NAME).toBe('tablesync:tablesync');
});
