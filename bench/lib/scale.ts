/**
 * How big a run is. The full run holds DESIGN.md §6's sizes; `BENCH_QUICK=1` shrinks tables and
 * iterations for a smoke run while developing (its figures are not DESIGN's and say so).
 */
export interface Scale {
  readonly quick: boolean;
  readonly rows: { readonly small: number; readonly medium: number; readonly large: number };
  /** Interleaved rounds of warm reads, and fetches per series per round. */
  readonly readRounds: number;
  readonly readsPerRound: number;
  /** First reads after a forced stop. */
  readonly coldReads: number;
  /** Intercepted writes, which are then the queued ops pushed. */
  readonly writes: number;
  /** Fetches with 50 ms RTT emulated. */
  readonly rttReads: number;
  /** Server load: requests and milliseconds per phase, at most. */
  readonly loadRequests: number;
  readonly loadMs: number;
}

export function scaleFromEnv(env: NodeJS.ProcessEnv = process.env): Scale {
  const quick = env['BENCH_QUICK'] === '1' || env['BENCH_SCALE'] === 'tiny';
  const quickScale: Scale = { quick, rows: { small: 1_000, medium: 5_000, large: 10_000 }, readRounds: 2, readsPerRound: 10, coldReads: 2, writes: 100, rttReads: 4, loadRequests: 500, loadMs: 1000 };
  // `BENCH_SCALE=tiny`: every stage once, as small as it still measures, so `npm test` keeps the benchmarks from rotting (test/browser/bench-smoke.test.ts).
  if (env['BENCH_SCALE'] === 'tiny') return { ...quickScale, rows: { small: 100, medium: 300, large: 600 }, readRounds: 1, readsPerRound: 3, coldReads: 1, writes: 10, rttReads: 1, loadRequests: 40, loadMs: 400 };
  return quick
    ? quickScale
    : { quick, rows: { small: 1_000, medium: 10_000, large: 100_000 }, readRounds: 6, readsPerRound: 25, coldReads: 5, writes: 1_000, rttReads: 12, loadRequests: 4_000, loadMs: 4_000 };
}

/** `10000` as `10k`. */
export const rowsLabel = (n: number): string => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
