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
  await createPushScheduler(scope({ syncManager: true, register })).schedule();
  expect(register).toHaveBeenCalledWith(SYNC_TAG);
  expect(SYNC_TAG).toBe('tablesync');
});

test('U-21: without SyncManager nothing is registered, and a refused register is no error (the fallback triggers push)', async () => {
  const register = vi.fn(async () => {
    throw new DOMException('denied', 'NotAllowedError');
  });
  expect(hasBackgroundSync(scope({ syncManager: false, register }))).toBe(false);
  await expect(createPushScheduler(scope({ syncManager: false, register })).schedule()).resolves.toBeUndefined();
  expect(register).not.toHaveBeenCalled();
  await expect(createPushScheduler(scope({ syncManager: true, register })).schedule()).resolves.toBeUndefined();
  expect(register).toHaveBeenCalledTimes(1);
});

test('U-20: a tag registered and not yet fired is not registered again; after its sync event, or a failed register, the next write registers', async () => {
  let fail = false;
  const register = vi.fn(async () => {
    if (fail) throw new DOMException('denied', 'NotAllowedError');
  });
  const scheduler = createPushScheduler(scope({ syncManager: true, register }));
  await scheduler.schedule();
  await scheduler.schedule();
  expect(register).toHaveBeenCalledTimes(1);
  scheduler.fired();
  fail = true;
  await scheduler.schedule();
  fail = false;
  await scheduler.schedule();
  expect(register).toHaveBeenCalledTimes(3);
});
