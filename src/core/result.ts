import type { SyncError } from './errors.js';

/** An expected outcome: a value, or the SyncError that explains why there is none. */
export type Result<T, E = SyncError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });
