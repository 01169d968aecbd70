import { expect, test } from 'vitest';
import type * as P from '../../../src/protocol.js';
import type * as E from '../../../src/engine/engine-types.js';

/** Compile-time: `Assignable<A, B>` is `true` only when every A is a B. */
type Assignable<A, B> = [A] extends [B] ? true : false;
const yes = <T extends true>(value: T): T => value;

test('engine results are structurally the page-facing protocol types (src/protocol.ts)', () => {
  const checks = [
    yes<Assignable<E.PushResult, P.PushResult>>(true),
    yes<Assignable<P.PullOptions, E.PullOptions>>(true),
    yes<Assignable<E.PullResult, P.PullResult>>(true),
    yes<Assignable<P.PurgeOptions, E.PurgeOptions>>(true),
    yes<Assignable<E.PurgeResult, P.PurgeResult>>(true),
    yes<Assignable<E.PendingOperation, P.PendingOperation>>(true),
    yes<Assignable<E.Conflict, P.Conflict>>(true),
    yes<Assignable<P.Resolution, E.Resolution>>(true),
    yes<Assignable<E.SyncStatus, P.SyncStatus>>(true),
    yes<Assignable<E.SyncEvent, P.SyncEvent>>(true),
    yes<Assignable<P.AuthHeaders, E.AuthHeaders>>(true),
    yes<Assignable<E.SyncResult, Awaited<ReturnType<P.SyncApi['sync']>>>>(true),
  ];
  expect(checks.every(Boolean)).toBe(true);
});
