import { expect, test, vi } from 'vitest';
import { SYNC_TAG, createPushScheduler, hasBackgroundSync } from '../../../sw/push-scheduler.js';

type Scope = Parameters<typeof hasBackgroundSync>[0];

const scope = (options: { syncManager: boolean; register?: (tag: string) => Promise<void> }) =>
  ({
    ...(options.syncManager ? { SyncManager: function SyncManager() {} } : {}),
    registration: options.register ? { sync: { register: options.register } } : {},
  }) as unknown as Scope;

test('U-20: schedule registers Background Sync tag tablesync', async () => {
  const register = vi.fn(async () => undefined);
  const fallback = vi.fn();
  await createPushScheduler(scope({ syncManager: true, register }), fallback).schedule();
  expect(register).toHaveBeenCalledWith(SYNC_TAG);
  expect(SYNC_TAG).toBe('tablesync');
  expect(fallback).not.toHaveBeenCalled();
});

test('U-21: without SyncManager, or when register fails, the fallback runs instead', async () => {
  const fallback = vi.fn();
  const register = vi.fn(async () => {
    throw new DOMException('denied', 'NotAllowedError');
  });
  expect(hasBackgroundSync(scope({ syncManager: false, register }))).toBe(false);
  await createPushScheduler(scope({ syncManager: false, register }), fallback).schedule();
  await createPushScheduler(scope({ syncManager: true, register }), fallback).schedule();
  expect(fallback).toHaveBeenCalledTimes(2);
  expect(register).toHaveBeenCalledTimes(1);
});

test('U-20: a tag registered and not yet fired is not registered again; after its sync event, or a failed register, the next write registers', async () => {
  let fail = false;
  const register = vi.fn(async () => {
    if (fail) throw new DOMException('denied', 'NotAllowedError');
  });
  const fallback = vi.fn();
  const scheduler = createPushScheduler(scope({ syncManager: true, register }), fallback);
  await scheduler.schedule();
  await scheduler.schedule();
  expect(register).toHaveBeenCalledTimes(1);
  scheduler.fired();
  fail = true;
  await scheduler.schedule();
  fail = false;
  await scheduler.schedule();
  expect(register).toHaveBeenCalledTimes(3);
  expect(fallback).toHaveBeenCalledTimes(1);
});
