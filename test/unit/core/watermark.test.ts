import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { epochMsOf } from '../../../src/core/dates.js';
import type { Item } from '../../../src/core/item.js';
import { queryIdOf } from '../../../src/core/query-id.js';
import type { PullCursor, PullFetch, PullRecord, PulledPage } from '../../../src/core/watermark.js';
import { applyPage, nextRequest, shouldApply, startPull, updatedAtOf } from '../../../src/core/watermark.js';
import type { SimulatedServer } from '../../support/simulated-server.js';
import { createSimulatedServer } from '../../support/simulated-server.js';

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const at = (ms: number): string => new Date(ms).toISOString();
const row = (id: string, ms: number | null, version = `v-${id}`): Item =>
  ms === null ? { id, version, deleted: false } : { id, updatedAt: at(ms), version, deleted: false };

/** A local table that writes only what `shouldApply` says, counting writes per id (L-05). */
function createLocal() {
  const items = new Map<string, Item>();
  const writes = new Map<string, number>();
  return {
    items,
    writes,
    apply(rows: readonly Item[]): number {
      let written = 0;
      for (const r of rows) {
        const id = r['id'] as string;
        if (!shouldApply(items.get(id) ?? null, r)) continue;
        if (r['deleted'] === true) items.delete(id);
        else items.set(id, r);
        writes.set(id, (writes.get(id) ?? 0) + 1);
        written++;
      }
      return written;
    },
  };
}
type Local = ReturnType<typeof createLocal>;

interface RunOptions {
  readonly pageSize: number;
  readonly overlapMs?: number;
  readonly stopAfterPages?: number;
  readonly where?: (row: Item) => boolean;
  readonly maxRequests?: number;
}

/** The engine's loop, reduced: fetch, apply rows, persist the record, follow the outcome. */
function runPull(server: SimulatedServer, record: PullRecord | null, local: Local, options: RunOptions) {
  let cursor: PullCursor = startPull(record, options);
  let persisted: PullRecord = record ?? { watermark: null, drain: null };
  const steps: PullFetch[] = [];
  const delivered: Item[] = [];
  const records: PullRecord[] = [];
  let outcome: string = 'stopped';
  let error: string | null = null;
  for (;;) {
    const step = nextRequest(cursor);
    if (step.kind === 'done') {
      outcome = 'done';
      break;
    }
    if (steps.length >= (options.maxRequests ?? 10_000)) throw new Error('the pull did not terminate');
    steps.push(step);
    const page = server.answer(step, options.where);
    delivered.push(...page.rows);
    local.apply(page.rows);
    const applied = applyPage(cursor, page);
    cursor = applied.cursor;
    persisted = applied.record;
    records.push(persisted);
    if (applied.outcome.kind === 'failed') {
      outcome = 'failed';
      error = applied.outcome.error.code;
      break;
    }
    if (options.stopAfterPages !== undefined && steps.length >= options.stopAfterPages && applied.outcome.kind === 'continue') break;
  }
  return { cursor, record: persisted, steps, delivered, records, outcome, error };
}

/** Every row the server holds, in its final version, is what the local table holds (tombstones absent). */
function expectInSync(server: SimulatedServer, local: Local): void {
  const live = server.rows().filter((r) => r['deleted'] !== true);
  expect([...local.items.values()].sort(byId)).toEqual(live.sort(byId));
}
const byId = (a: Item, b: Item): number => ((a['id'] as string) < (b['id'] as string) ? -1 : 1);
/** Case tables as `[title, case]` so a test name starts with its rule ID, unquoted. */
const named = <C extends { readonly id: string; readonly name: string }>(cases: readonly C[]): (readonly [string, C])[] =>
  cases.map((c) => [`${c.id}: ${c.name}`, c] as const);

describe('startPull and nextRequest', () => {
  test('L-02: without a watermark the first request has no updatedAt bound', () => {
    expect(nextRequest(startPull(null, { pageSize: 50 }))).toEqual({ kind: 'fetch', ge: null, lt: null, afterId: null, orderBy: 'updatedAt', top: 50 });
    expect(nextRequest(startPull({ watermark: null, drain: null }, { pageSize: 100 }))).toMatchObject({ ge: null, top: 100 });
  });

  const overlapCases = [
    { id: 'L-03', name: 'the default overlap is 1000 ms', overlapMs: undefined, ge: T0 - 1000 },
    { id: 'L-09', name: 'a configured overlap lowers the first bound by that much', overlapMs: 250, ge: T0 - 250 },
    { id: 'L-09', name: 'no overlap starts at W itself', overlapMs: 0, ge: T0 },
  ] as const;
  test.each(named(overlapCases))('%s', (_, { overlapMs, ge }) => {
    const record: PullRecord = { watermark: { ms: T0, raw: at(T0) }, drain: null };
    const cursor = startPull(record, overlapMs === undefined ? { pageSize: 50 } : { pageSize: 50, overlapMs });
    expect(nextRequest(cursor)).toEqual({ kind: 'fetch', ge, lt: null, afterId: null, orderBy: 'updatedAt', top: 50 });
  });

  test('L-11: a stored drain resumes the drain, after its last id', () => {
    const record: PullRecord = { watermark: { ms: T0, raw: at(T0) }, drain: { ms: T0, afterId: "o'k" } };
    expect(nextRequest(startPull(record, { pageSize: 10 }))).toEqual({ kind: 'fetch', ge: T0, lt: T0 + 1, afterId: "o'k", orderBy: 'id', top: 10 });
    const fresh: PullRecord = { watermark: { ms: T0, raw: at(T0) }, drain: { ms: T0, afterId: null } };
    expect(nextRequest(startPull(fresh, { pageSize: 10 }))).toMatchObject({ afterId: null, orderBy: 'id' });
  });
});

describe('applyPage', () => {
  const N = 4;
  const scanAt = (ge: number | null): PullCursor => ({ kind: 'scan', ge, pageSize: N, watermark: null, pages: 0, rows: 0 });
  const page = (rows: Item[], hasMore = false): PulledPage => ({ rows, hasMore });

  const endCases = [
    { id: 'L-10', name: 'an empty page ends the pull', rows: [], hasMore: false, want: 'done' },
    { id: 'L-10', name: 'an empty page ends the pull even with a continuation', rows: [], hasMore: true, want: 'done' },
    { id: 'L-10', name: 'a short page without a continuation ends the pull', rows: [row('a', T0)], hasMore: false, want: 'done' },
    { id: 'L-10', name: 'a short page with a continuation continues', rows: [row('a', T0)], hasMore: true, want: 'continue' },
    { id: 'L-10', name: 'a full page continues', rows: [0, 1, 2, 3].map((i) => row(`r${i}`, T0 + i)), hasMore: false, want: 'continue' },
  ] as const;
  test.each(named(endCases))('%s', (_, { rows, hasMore, want }) => {
    const applied = applyPage(scanAt(null), page([...rows], hasMore));
    expect(applied.outcome.kind).toBe(want);
    expect(nextRequest(applied.cursor).kind).toBe(want === 'done' ? 'done' : 'fetch');
  });

  test('L-07: t > C sets C := t and asks `ge t` again, never a skip', () => {
    const rows = [row('a', T0), row('b', T0 + 5), row('c', T0 + 9), row('d', T0 + 9)];
    const applied = applyPage(scanAt(T0), page(rows));
    expect(nextRequest(applied.cursor)).toEqual({ kind: 'fetch', ge: T0 + 9, lt: null, afterId: null, orderBy: 'updatedAt', top: N });
    expect(applied.record).toEqual({ watermark: { ms: T0 + 9, raw: at(T0 + 9) }, drain: null });
  });

  test('L-08: t = C (a page of one millisecond) starts a drain of that millisecond, persisted', () => {
    const rows = [row('a', T0), row('b', T0), row('c', T0), row('d', T0)];
    const applied = applyPage(scanAt(T0), page(rows));
    expect(nextRequest(applied.cursor)).toEqual({ kind: 'fetch', ge: T0, lt: T0 + 1, afterId: null, orderBy: 'id', top: N });
    expect(applied.record.drain).toEqual({ ms: T0, afterId: null });
    const second = applyPage(applied.cursor, page(rows));
    expect(nextRequest(second.cursor)).toMatchObject({ ge: T0, lt: T0 + 1, afterId: 'd', orderBy: 'id' });
    expect(second.record.drain).toEqual({ ms: T0, afterId: 'd' });
    const end = applyPage(second.cursor, page([row('e', T0)]));
    expect(nextRequest(end.cursor)).toEqual({ kind: 'fetch', ge: T0 + 1, lt: null, afterId: null, orderBy: 'updatedAt', top: N });
    expect(end.record).toEqual({ watermark: { ms: T0 + 1, raw: at(T0 + 1) }, drain: null });
  });

  test('L-08: over half a page sharing t drains t at once', () => {
    const rows = [row('a', T0), row('b', T0 + 3), row('c', T0 + 3), row('d', T0 + 3)];
    const applied = applyPage(scanAt(null), page(rows));
    expect(nextRequest(applied.cursor)).toMatchObject({ ge: T0 + 3, lt: T0 + 4, afterId: null, orderBy: 'id' });
    const half = applyPage(scanAt(null), page([row('a', T0), row('b', T0 + 1), row('c', T0 + 3), row('d', T0 + 3)]));
    expect(nextRequest(half.cursor)).toMatchObject({ ge: T0 + 3, lt: null, orderBy: 'updatedAt' });
  });

  test('L-10: inside a drain a short page with a continuation continues, an empty one ends the drain', () => {
    const drain: PullCursor = { kind: 'drain', ms: T0, afterId: null, pageSize: N, watermark: { ms: T0, raw: at(T0) }, pages: 0, rows: 0 };
    const short = applyPage(drain, page([row('a', T0)], true));
    expect(nextRequest(short.cursor)).toMatchObject({ orderBy: 'id', afterId: 'a' });
    const empty = applyPage(short.cursor, page([]));
    expect(empty.outcome.kind).toBe('continue');
    expect(nextRequest(empty.cursor)).toMatchObject({ orderBy: 'updatedAt', ge: T0 + 1 });
  });

  test('L-06: the watermark is the max of W and the last row, and never decreases', () => {
    const high = { ms: T0 + 500, raw: at(T0 + 500) };
    const cursor: PullCursor = { kind: 'scan', ge: T0 - 500, pageSize: N, watermark: high, pages: 0, rows: 0 };
    const behind = applyPage(cursor, page([row('a', T0 - 400), row('b', T0 - 300), row('c', T0 - 200), row('d', T0 - 100)]));
    expect(behind.record.watermark).toEqual(high);
    const ahead = applyPage(behind.cursor, page([row('d', T0 - 100), row('e', T0 + 600)]));
    expect(ahead.record.watermark).toEqual({ ms: T0 + 600, raw: at(T0 + 600) });
    const tie = applyPage(ahead.cursor, page([row('e', T0 + 600)]));
    expect(tie.record.watermark).toEqual({ ms: T0 + 600, raw: at(T0 + 600) });
  });

  test('L-05: applying a page twice changes nothing in the cursor, the record or the local rows', () => {
    const rows = [row('a', T0), row('b', T0 + 1), row('c', T0 + 2), row('d', T0 + 3)];
    const cursor = scanAt(T0);
    expect(applyPage(cursor, page(rows))).toEqual(applyPage(cursor, page(rows)));
    const once = applyPage(cursor, page(rows));
    const twice = applyPage(once.cursor, page(rows.slice(3)));
    expect(twice.record).toEqual(once.record);
    const local = createLocal();
    expect(local.apply(rows)).toBe(4);
    expect(local.apply(rows)).toBe(0);
  });

  const unusable = [
    { name: 'missing', r: row('x', null) },
    { name: 'null', r: { id: 'x', updatedAt: null, version: '1' } },
    { name: 'unparsable', r: { id: 'x', updatedAt: 'yesterday', version: '1' } },
    { name: 'number', r: { id: 'x', updatedAt: 1704164645678, version: '1' } },
  ] as const;
  test.each(unusable)('L-13: a row with a $name updatedAt moves neither W nor C', ({ r }) => {
    const applied = applyPage(scanAt(T0), page([row('a', T0 + 1), row('b', T0 + 2), row('c', T0 + 3), r]));
    expect(applied.record.watermark?.ms).toBe(T0 + 3);
    expect(nextRequest(applied.cursor)).toMatchObject({ ge: T0 + 3 });
  });
  test.each(unusable)('L-13: a page of only rows with a $name updatedAt fails with invalid_server_row', ({ r }) => {
    const w = { ms: T0, raw: at(T0) };
    const applied = applyPage({ kind: 'scan', ge: null, pageSize: N, watermark: w, pages: 0, rows: 0 }, page([r, r]));
    expect(applied.outcome.kind === 'failed' && applied.outcome.error.code).toBe('invalid_server_row');
    expect(applied.record).toEqual({ watermark: w, drain: null });
    expect(nextRequest(applied.cursor).kind).toBe('done');
  });

  test('L-13: a misbehaving server cannot loop the cursor', () => {
    const ignoredBound = applyPage(scanAt(T0), page([0, 1, 2, 3].map((i) => row(`r${i}`, T0 - 10))));
    expect(ignoredBound.outcome.kind === 'failed' && ignoredBound.outcome.error.code).toBe('invalid_server_row');
    const drain: PullCursor = { kind: 'drain', ms: T0, afterId: 'd', pageSize: 2, watermark: null, pages: 0, rows: 0 };
    const stuck = applyPage(drain, page([row('c', T0), row('d', T0)]));
    expect(stuck.outcome.kind === 'failed' && stuck.outcome.error.code).toBe('invalid_server_row');
    expect(stuck.record.drain).toEqual({ ms: T0, afterId: 'd' });
  });

  test('L-10: a finished cursor stays finished', () => {
    const done = applyPage(scanAt(null), page([])).cursor;
    expect(applyPage(done, page([row('a', T0)]))).toEqual({ cursor: done, record: { watermark: null, drain: null }, outcome: { kind: 'done' } });
  });

  test('L-16: the cursor counts pages and rows of the run', () => {
    const first = applyPage(scanAt(null), page([row('a', T0), row('b', T0 + 1), row('c', T0 + 2), row('d', T0 + 3)]));
    const second = applyPage(first.cursor, page([row('d', T0 + 3)]));
    expect([second.cursor.pages, second.cursor.rows]).toEqual([2, 5]);
  });
});

describe('updatedAt and dedupe', () => {
  const instants = [
    { text: '2024-01-02T03:04:05Z', ms: Date.UTC(2024, 0, 2, 3, 4, 5) },
    { text: '2024-01-02T03:04Z', ms: Date.UTC(2024, 0, 2, 3, 4) },
    { text: '2024-01-02T03:04:05.6Z', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 600) },
    { text: '2024-01-02T03:04:05.67Z', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 670) },
    { text: '2024-01-02T03:04:05.678Z', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
    { text: '2024-01-02T03:04:05.6789Z', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
    { text: '2024-01-02T03:04:05.67899Z', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
    { text: '2024-01-02T03:04:05.678999Z', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
    { text: '2024-01-02T03:04:05.9999999Z', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 999) },
    { text: '2024-01-02T05:04:05.678+02:00', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
    { text: '2024-01-01T21:34:05.6789012-05:30', ms: Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
    { text: '1969-12-31T23:59:59.9995Z', ms: -1 },
  ];
  test.each(instants)('L-14: $text is epoch ms $ms, raw kept', ({ text, ms }) => {
    expect(updatedAtOf({ id: 'a', updatedAt: text })).toEqual({ ms, raw: text });
    const cursor = startPull(null, { pageSize: 1 });
    expect(applyPage(cursor, { rows: [{ id: 'a', updatedAt: text }], hasMore: true }).record.watermark).toEqual({ ms, raw: text });
  });

  const dedupe = [
    { id: 'L-05', name: 'a new row is written', local: null, server: row('a', T0, '1'), want: true },
    { id: 'L-05', name: 'the same version is skipped', local: row('a', T0, '1'), server: row('a', T0, '1'), want: false },
    { id: 'L-05', name: 'another version replaces', local: row('a', T0, '1'), server: row('a', T0 + 1, '2'), want: true },
    { id: 'L-05', name: 'a row without a version is written', local: row('a', T0, '1'), server: { id: 'a', updatedAt: at(T0) }, want: true },
    { id: 'L-05', name: 'a tombstone removes the local row', local: row('a', T0, '1'), server: { id: 'a', version: '2', deleted: true }, want: true },
    { id: 'L-05', name: 'a tombstone of an absent row does nothing', local: null, server: { id: 'a', version: '2', deleted: true }, want: false },
    { id: 'L-13', name: 'a row without deleted is live', local: null, server: { id: 'a', version: '1' }, want: true },
  ] as const;
  test.each(named(dedupe))('%s', (_, { local, server, want }) => {
    expect(shouldApply(local, server)).toBe(want);
  });
});

describe('pulls against the simulated server', () => {
  test('L-02: a first pull of a small table reads it whole and ends on a short page', () => {
    const server = createSimulatedServer({ nowMs: T0 });
    for (let i = 0; i < 7; i++) (server.upsert(`r${i}`), server.advance(3));
    const local = createLocal();
    const run = runPull(server, null, local, { pageSize: 3 });
    expect(run.outcome).toBe('done');
    expect(run.steps.map((s) => s.ge)).toEqual([null, T0 + 6, T0 + 12, T0 + 18]);
    expectInSync(server, local);
    expect(run.record).toEqual({ watermark: { ms: T0 + 18, raw: at(T0 + 18) }, drain: null });
  });

  test('L-07: a row of the last millisecond updated between two requests is still delivered', () => {
    const server = createSimulatedServer({ nowMs: T0 });
    server.upsert('a', { ms: T0 });
    server.upsert('b', { ms: T0 + 1 });
    server.upsert('c', { ms: T0 + 2 });
    server.upsert('d', { ms: T0 + 2 });
    server.upsert('e', { ms: T0 + 3 });
    server.advance(10);
    // With `$skip=3` the second page would start past `d`, because `c` moved behind it.
    server.onRequest((i, s) => void (i === 1 && s.upsert('c')));
    const local = createLocal();
    const run = runPull(server, null, local, { pageSize: 3 });
    expect(run.steps[1]).toEqual({ kind: 'fetch', ge: T0 + 2, lt: null, afterId: null, orderBy: 'updatedAt', top: 3 });
    expect(run.delivered.map((r) => r['id'])).toContain('d');
    expectInSync(server, local);
  });

  const sameMillisecond = [
    { id: 'L-08', name: '3·N rows sharing one millisecond', n: 10, shared: 30, before: 0, after: 0 },
    { id: 'L-08', name: '500 rows sharing one millisecond with N = 50', n: 50, shared: 500, before: 0, after: 0 },
    { id: 'L-08', name: '300 of 1,000 rows sharing one millisecond', n: 50, shared: 300, before: 350, after: 350 },
  ] as const;
  test.each(named(sameMillisecond))('%s are all delivered through the drain, none written twice', (_, { n, shared, before, after }) => {
    const server = createSimulatedServer({ nowMs: T0 });
    for (let i = 0; i < before; i++) server.upsert(`b${String(i).padStart(4, '0')}`, { ms: T0 - 1000 + Math.floor(i / 3) });
    const c = T0;
    server.bulk('s', shared, { ms: c });
    for (let i = 0; i < after; i++) server.upsert(`a${String(i).padStart(4, '0')}`, { ms: T0 + 1 + Math.floor(i / 3) });
    server.advance(2000);
    const local = createLocal();
    const run = runPull(server, null, local, { pageSize: n });
    expect(run.outcome).toBe('done');
    expectInSync(server, local);
    expect(Math.max(...local.writes.values())).toBe(1);
    const drains = run.steps.filter((s) => s.orderBy === 'id');
    expect(drains.length).toBeGreaterThanOrEqual(Math.ceil(shared / n));
    expect(drains.every((s) => s.ge === c && s.lt === c + 1)).toBe(true);
    expect(drains.slice(1).every((s) => s.afterId !== null)).toBe(true);
    expect(run.steps.length).toBeLessThanOrEqual(Math.ceil((before + shared + after) / n) * 2 + 4);
    const lastMs = after === 0 ? c + 1 : T0 + 1 + Math.floor((after - 1) / 3);
    expect(run.record.watermark?.ms).toBe(lastMs);
  });

  test('L-08: 3·N rows at C reached by a bounded scan end with W = C + 1 ms', () => {
    const server = createSimulatedServer({ nowMs: T0 });
    server.upsert('old', { ms: T0 - 10 });
    const first = runPull(server, null, createLocal(), { pageSize: 4 });
    server.bulk('s', 12, { ms: T0 });
    server.advance(5);
    const local = createLocal();
    const run = runPull(server, first.record, local, { pageSize: 4, overlapMs: 0 });
    expect(run.steps[0]).toMatchObject({ ge: T0 - 10, orderBy: 'updatedAt' });
    expect(run.steps.filter((s) => s.orderBy === 'id').map((s) => s.afterId)).toEqual([null, 's000003', 's000007', 's000011']);
    expect(run.record).toEqual({ watermark: { ms: T0 + 1, raw: at(T0 + 1) }, drain: null });
    expect(local.items.size).toBe(13);
  });

  test('L-08: a drain at microsecond precision (7 digits) still reads every row of the millisecond', () => {
    const server = createSimulatedServer({ nowMs: T0, sevenDigits: true });
    for (let i = 0; i < 20; i++) server.upsert(`r${String(i).padStart(2, '0')}`, { ms: T0, micro: (i * 37) % 1000 });
    server.advance(10);
    const local = createLocal();
    runPull(server, null, local, { pageSize: 6 });
    expectInSync(server, local);
    expect(Math.max(...local.writes.values())).toBe(1);
  });

  test('L-09: a row committed late, behind W but inside the overlap, is delivered by the next pull; re-reads write nothing', () => {
    const server = createSimulatedServer({ nowMs: T0 });
    for (let i = 0; i < 5; i++) (server.upsert(`r${i}`), server.advance(100));
    const local = createLocal();
    const first = runPull(server, null, local, { pageSize: 10 });
    const w = first.record.watermark?.ms as number;
    server.upsert('late', { ms: w - 500 });
    server.advance(50);
    const writesBefore = [...local.writes.values()].reduce((a, b) => a + b, 0);
    const second = runPull(server, first.record, local, { pageSize: 2 });
    expect(second.steps[0]?.ge).toBe(w - 1000);
    expect(second.steps.slice(1).every((s) => s.ge !== null && s.ge > w - 1000)).toBe(true);
    expectInSync(server, local);
    expect([...local.writes.values()].reduce((a, b) => a + b, 0) - writesBefore).toBe(1);
  });

  test('L-11: stopping after any page, drain pages included, and resuming from the record delivers every row', () => {
    const build = (): SimulatedServer => {
      const server = createSimulatedServer({ nowMs: T0 });
      for (let i = 0; i < 7; i++) server.upsert(`a${i}`, { ms: T0 + i });
      server.bulk('s', 11, { ms: T0 + 10 });
      for (let i = 0; i < 5; i++) server.upsert(`z${i}`, { ms: T0 + 11 + i });
      server.remove('a3', { ms: T0 + 20 });
      server.advance(100);
      return server;
    };
    const total = runPull(build(), null, createLocal(), { pageSize: 4 }).steps.length;
    expect(total).toBeGreaterThan(6);
    let drainStops = 0;
    for (let k = 1; k < total; k++) {
      const server = build();
      const local = createLocal();
      const first = runPull(server, null, local, { pageSize: 4, stopAfterPages: k });
      if (first.record.drain !== null) drainStops++;
      expect(first.outcome).toBe('stopped');
      const second = runPull(server, first.record, local, { pageSize: 4 });
      expect(second.outcome).toBe('done');
      expectInSync(server, local);
      expect(Math.max(...local.writes.values())).toBe(1);
    }
    expect(drainStops).toBeGreaterThan(1);
  });

  test('L-12: two queryIds advance independently', () => {
    const server = createSimulatedServer({ nowMs: T0 });
    for (let i = 0; i < 6; i++) (server.upsert(`r${i}`, { fields: { done: i % 2 === 0 } }), server.advance(10));
    const records = new Map<string, PullRecord>();
    const filtered = queryIdOf('done eq true');
    const all = queryIdOf(null);
    const where = (r: Item): boolean => r['done'] === true;
    const local = createLocal();
    const one = runPull(server, records.get(filtered) ?? null, local, { pageSize: 10, where });
    records.set(filtered, one.record);
    expect(records.get(all)).toBeUndefined();
    expect(local.items.size).toBe(3);
    expect(one.record.watermark?.ms).toBe(T0 + 40);
    server.upsert('r1');
    const two = runPull(server, records.get(all) ?? null, local, { pageSize: 10 });
    records.set(all, two.record);
    expect(two.steps[0]?.ge).toBeNull();
    expect(records.get(filtered)).toEqual(one.record);
    expect(two.record.watermark?.ms).toBeGreaterThan(one.record.watermark?.ms as number);
    expectInSync(server, local);
  });

  test('L-13: rows without updatedAt are delivered but a page of only them fails with invalid_server_row', () => {
    const server = createSimulatedServer({ nowMs: T0 });
    server.putUnparsable('n1', null);
    server.putUnparsable('n2', 'not a date');
    server.upsert('a', { ms: T0 });
    server.advance(5);
    const mixed = runPull(server, null, createLocal(), { pageSize: 10 });
    expect(mixed.outcome).toBe('done');
    expect(mixed.delivered.map((r) => r['id'])).toEqual(['n1', 'n2', 'a']);
    expect(mixed.record.watermark?.ms).toBe(T0);
    const only = runPull(server, null, createLocal(), { pageSize: 2 });
    expect([only.outcome, only.error]).toEqual(['failed', 'invalid_server_row']);
    expect(only.record).toEqual({ watermark: null, drain: null });
  });
});

describe('property: simulated server with clustering, mid-pull writes and restarts', () => {
  interface Scenario {
    readonly pageSize: number;
    readonly serverPageSize: number | null;
    readonly initial: readonly { readonly ms: number; readonly count: number }[];
    readonly edits: readonly { readonly before: number; readonly kind: 'update' | 'delete' | 'insert' | 'bulk'; readonly pick: number; readonly count: number }[];
    readonly stops: readonly number[];
    readonly late: readonly { readonly pick: number; readonly lag: number }[];
    readonly sevenDigits: boolean;
  }
  const scenario: fc.Arbitrary<Scenario> = fc.record({
    pageSize: fc.integer({ min: 1, max: 12 }),
    serverPageSize: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
    // Few distinct milliseconds with many rows each: heavy same-millisecond clustering.
    initial: fc.array(fc.record({ ms: fc.integer({ min: 0, max: 40 }), count: fc.integer({ min: 1, max: 30 }) }), { maxLength: 8 }),
    edits: fc.array(
      fc.record({
        before: fc.integer({ min: 0, max: 30 }),
        kind: fc.constantFrom('update', 'delete', 'insert', 'bulk'),
        pick: fc.nat(),
        count: fc.integer({ min: 1, max: 25 }),
      }),
      { maxLength: 12 },
    ),
    stops: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 3 }),
    late: fc.array(fc.record({ pick: fc.nat(), lag: fc.integer({ min: 0, max: 998 }) }), { maxLength: 4 }),
    sevenDigits: fc.boolean(),
  });

  test('L-07, L-08, L-09, L-11: every final version is delivered and every pull terminates within its bound', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const server = createSimulatedServer({
          nowMs: T0 + 100,
          sevenDigits: s.sevenDigits,
          ...(s.serverPageSize === null ? {} : { pageSize: s.serverPageSize }),
        });
        let fresh = 0;
        s.initial.forEach((g, gi) => {
          for (let i = 0; i < g.count; i++) server.upsert(`i${gi}-${String(i).padStart(2, '0')}`, { ms: T0 + g.ms, micro: (i * 131) % 1000 });
        });
        const ids = (): string[] => server.rows().map((r) => r['id'] as string).sort();
        const versions = new Set(server.rows().map((r) => r['version']));
        server.onRequest((index, srv) => {
          for (const e of s.edits) {
            if (e.before !== index) continue;
            const live = ids();
            const target = live[e.pick % Math.max(1, live.length)];
            if (e.kind === 'insert' || target === undefined) srv.upsert(`n${fresh++}`);
            else if (e.kind === 'bulk') srv.bulk(`b${fresh++}-`, e.count);
            else if (e.kind === 'update') srv.upsert(target, { micro: e.count });
            else srv.remove(target);
          }
          for (const r of srv.rows()) versions.add(r['version']);
        });
        const local = createLocal();
        const effective = Math.min(s.pageSize, s.serverPageSize ?? Infinity);
        const bound = (): number => {
          const all = server.rows();
          const distinct = new Set(all.map((r) => epochMsOf(r['updatedAt'] as string))).size;
          return 4 * (distinct + s.edits.length) + Math.ceil((versions.size + 1) / effective) * 2 + 6;
        };
        let record: PullRecord | null = null;
        // Runs stopped after a few pages (a killed worker), then resumed from the persisted record.
        for (const stop of s.stops) {
          const run = runPull(server, record, local, { pageSize: s.pageSize, stopAfterPages: stop, maxRequests: 10_000 });
          record = run.record;
        }
        const run = runPull(server, record, local, { pageSize: s.pageSize, maxRequests: 10_000 });
        expect(run.outcome).toBe('done');
        expect(server.requests.length).toBeLessThanOrEqual(bound() * (s.stops.length + 1));
        expectInSync(server, local);
        const ms = run.records.map((r) => r.watermark?.ms ?? -Infinity);
        expect(ms).toEqual([...ms].sort((a, b) => a - b));

        // Late commits behind W, inside the overlap: the next run delivers them.
        for (const l of s.late) {
          const live = ids();
          const target = live[l.pick % Math.max(1, live.length)] ?? `late${fresh++}`;
          server.upsert(target, { ms: server.now() - l.lag });
        }
        server.advance(1);
        const again = runPull(server, run.record, local, { pageSize: s.pageSize, maxRequests: 10_000 });
        expect(again.outcome).toBe('done');
        expectInSync(server, local);
      }),
      { numRuns: 200 },
    );
  });
});
