import { afterEach, expect, test, vi } from 'vitest';
import { SyncError } from '../../../src/core/errors.js';
import type { Engine, SyncEvent } from '../../../src/engine/engine-types.js';
import { createBridge, toApiError, type Bridge } from '../../../sw/bridge.js';

/** The bridge over a started engine, as the worker attaches it once it started. */
function bridgeOver(engine: Engine, listenerTimeoutMs?: number): Bridge['api'] {
  const bridge = createBridge({ engine: () => Promise.resolve(engine), bootId: 'b1', ...(listenerTimeoutMs === undefined ? {} : { listenerTimeoutMs }) });
  bridge.attach(engine);
  return bridge.api;
}

function fakeEngine(overrides: Partial<Engine> = {}): Engine & { emit(event: SyncEvent): void } {
  const listeners = new Set<(event: SyncEvent) => void>();
  const push = { completed: 1, failed: 0, held: 0, stopped: null };
  return {
    start: async () => undefined,
    intercepts: () => false,
    handle: async () => ({ status: 200, headers: {}, body: null }),
    push: vi.fn(async () => push),
    pull: async () => ({ table: 't', queryId: '*', pages: 0, rows: 0, changed: 0, push: null }),
    sync: async () => ({ push, pulls: [] }),
    purge: async () => ({ rows: 0, ops: 0 }),
    pendingOperations: async () => [],
    conflicts: async () => [],
    resolve: async () => {
      throw new SyncError('conflict_not_found', { conflictId: 7 });
    },
    retryOperation: vi.fn(async () => undefined),
    discardOperation: async () => {
      throw new SyncError('operation_not_found', { seq: 3 });
    },
    status: async () => {
      throw new TypeError('boom');
    },
    setAuth: () => undefined,
    authHeaders: () => ({ authorization: 'Bearer t' }),
    online: () => undefined,
    refresh: vi.fn(async () => undefined),
    subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
    emit: (event) => listeners.forEach((l) => l(event)),
    ...overrides,
  };
}

afterEach(() => vi.useRealTimers());

test('a SyncError crosses as a plain {code, message}; anything else as internal_error', async () => {
  const bridge = bridgeOver(fakeEngine());
  await expect(bridge.resolve(7, { kind: 'discard' })).rejects.toEqual({ code: 'conflict_not_found', message: 'No conflict 7' });
  await expect(bridge.status()).rejects.toEqual({ code: 'internal_error', message: 'boom' });
  const error = await bridge.status().catch((e: unknown) => e);
  expect(error instanceof Error).toBe(false);
  expect(structuredClone(error)).toEqual(error);
  expect(toApiError('x')).toEqual({ code: 'internal_error', message: 'x' });
});

test('dead letters: retryOperation reaches the engine; discardOperation of an unknown seq is operation_not_found', async () => {
  const engine = fakeEngine();
  const bridge = bridgeOver(engine);
  await bridge.retryOperation(5);
  expect(engine.retryOperation).toHaveBeenCalledWith(5);
  await expect(bridge.discardOperation(3)).rejects.toEqual({ code: 'operation_not_found', message: 'No failed operation 3' });
});

test('a page push is explicit (U-15); bootId answers the boot', async () => {
  const engine = fakeEngine();
  const bridge = bridgeOver(engine);
  expect(await bridge.bootId()).toBe('b1');
  expect(await bridge.push()).toMatchObject({ completed: 1 });
  expect(engine.push).toHaveBeenCalledWith({ explicit: true });
});

test('engine events reach every subscribed listener; a listener on a dead port is dropped', async () => {
  vi.useFakeTimers();
  const engine = fakeEngine();
  const bridge = bridgeOver(engine, 1000);
  const seen: string[] = [];
  await bridge.subscribe((event) => void seen.push(event.kind));
  const dead = vi.fn(() => new Promise(() => undefined)); // a Comlink call on a dead port never settles
  await bridge.subscribe(dead);
  engine.emit({ kind: 'pushed', result: { completed: 0, failed: 0, held: 0, stopped: null } });
  await vi.advanceTimersByTimeAsync(1001);
  expect(seen).toEqual(['pushed']);
  expect(dead).toHaveBeenCalledTimes(1);
  engine.emit({ kind: 'pushed', result: { completed: 0, failed: 0, held: 0, stopped: null } });
  await vi.advanceTimersByTimeAsync(1001);
  expect(seen).toEqual(['pushed', 'pushed']);
  expect(dead).toHaveBeenCalledTimes(1);
});

test('T-09: refresh(tables?) reaches the engine, all tables when none are named', async () => {
  const engine = fakeEngine();
  const bridge = bridgeOver(engine);
  await bridge.refresh(['todoitem']);
  await bridge.refresh();
  expect(engine.refresh).toHaveBeenNthCalledWith(1, ['todoitem']);
  expect(engine.refresh).toHaveBeenNthCalledWith(2, undefined);
});

test("T-10: authHeaders() hands the page the worker's current credentials for the change feed", async () => {
  const bridge = bridgeOver(fakeEngine());
  expect(await bridge.authHeaders()).toEqual({ authorization: 'Bearer t' });
});

test('without an engine (its database will not open) the bridge still answers: bootId and subscribe at once, calls with a stable code; a later call starts it', async () => {
  const quota = Object.assign(new Error('Quota exceeded.'), { name: 'QuotaExceededError' });
  const failures: Error[] = [quota, new Error('Internal error opening backing store')];
  const engine = fakeEngine();
  const bridge = createBridge({
    engine: () => {
      const failure = failures.shift();
      return failure ? Promise.reject(failure) : Promise.resolve(engine);
    },
    bootId: 'b1',
  });
  expect(await bridge.api.bootId()).toBe('b1');
  const seen: string[] = [];
  await bridge.api.subscribe((event) => void seen.push(event.kind));
  await expect(bridge.api.push()).rejects.toEqual({ code: 'storage_full', message: 'Local storage is full' });
  await expect(bridge.api.push()).rejects.toEqual({
    code: 'storage_unavailable',
    message: 'Local storage cannot be opened: Error: Internal error opening backing store',
  });
  expect(await bridge.api.push()).toMatchObject({ completed: 1 });
  bridge.attach(engine);
  engine.emit({ kind: 'storage-full' });
  expect(seen).toEqual(['storage-full']);
});

test('a restarted engine (a schema upgrade reopened the database) takes over the events: the previous one is no longer forwarded', () => {
  const first = fakeEngine();
  const second = fakeEngine();
  const bridge = createBridge({ engine: () => Promise.resolve(second), bootId: 'b1' });
  const seen: string[] = [];
  void bridge.api.subscribe((event) => void seen.push(event.kind));
  bridge.attach(first);
  first.emit({ kind: 'storage-full' });
  bridge.attach(second);
  first.emit({ kind: 'storage-full' });
  second.emit({ kind: 'pushed', result: { completed: 0, failed: 0, held: 0, stopped: null } });
  expect(seen).toEqual(['storage-full', 'pushed']);
});
