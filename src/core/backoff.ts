/** The longest automatic back-off, in ms (U-15). */
export const MAX_BACKOFF_MS = 300_000;

/**
 * The wait after `stoppedPushes` consecutive stopped pushes with jitter j ∈ [0, 1):
 * min(300000, 1000·2^(n−1))·(0.5 + j/2) ms; 0 before any stop (U-15).
 */
export function backoffDelay(stoppedPushes: number, jitter: number): number {
  if (!(stoppedPushes >= 1)) return 0;
  const j = Number.isFinite(jitter) ? Math.min(Math.max(jitter, 0), 1) : 0;
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (Math.floor(stoppedPushes) - 1));
  return base * (0.5 + j / 2);
}

/** Options of `nextAttemptAt`: the stop count and jitter of U-15 and a `Retry-After` wait (push-outcome.ts). */
export interface NextAttemptOptions {
  readonly now: number;
  readonly stoppedPushes: number;
  readonly jitter: number;
  readonly retryAfterMs: number | null;
}

/** Epoch ms of the next automatic push: the back-off or `Retry-After`, whichever is later (U-14, U-15). */
export function nextAttemptAt(options: NextAttemptOptions): number {
  const wait = Math.max(backoffDelay(options.stoppedPushes, options.jitter), options.retryAfterMs ?? 0);
  return options.now + wait;
}
