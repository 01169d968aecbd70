import { describe, expect, test } from 'vitest';
import { SyncError } from '../../../src/core/errors.js';
import { createHarness } from './harness.js';

const N = 5;
const setup = (dialect: 'v2' | 'v3' = 'v3', overlapMs?: number) =>
  createHarness({
    tables: [{ name: 'todo', pageSize: N, upstreamDialect: dialect }],
    upstreamTables: [{ name: 'todo', pageSize: N }],
    ...(overlapMs === undefined ? {} : { overlapMs }),
  });

const query = (path: string): URLSearchParams => new URLSearchParams(path.slice(path.indexOf('?') + 1));
const iso = (ms: number) => new Date(ms).toISOString();

describe('pull', () => {
  test('L-01: pull() pushes first (not with push: false) and pulls whatever the push outcome', async () => {
    const h = setup();
    await h.engine.start();
    await h.request('POST', '/tables/todo', { body: { id: 'a' } });
    h.server.inject({ kind: 'network' });
    const result = await h.engine.pull({ table: 'todo' });
    expect(result.push).toMatchObject({ stopped: 'offline' });
    expect(h.server.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    h.server.requests.length = 0;
    expect((await h.engine.pull({ table: 'todo', push: false })).push).toBeNull();
    expect(h.server.requests.map((r) => r.method)).toEqual(['GET']);
  });

  test.each(['v2', 'v3'] as const)('L-02: without a watermark the request has the filter, $orderby=updatedAt,id, $top=N, __includeDeleted=true, nothing else (%s)', async (dialect) => {
    const h = createHarness({ tables: [{ name: 'todo', upstreamDialect: dialect }] });
    await h.engine.pull({ table: 'todo', filter: 'done eq false', push: false });
    const q = query(h.server.requests[0]?.path ?? '');
    expect(Object.fromEntries(q)).toEqual({ $filter: 'done eq false', $orderby: 'updatedAt,id', $top: dialect === 'v2' ? '50' : '100', __includeDeleted: 'true' });
    expect(h.server.requests[0]?.headers['zumo-api-version']).toBe(dialect === 'v2' ? '2.0.0' : '3.0.0');
  });

  test.each([
    ['v2', (ms: number) => `datetimeoffset'${iso(ms)}'`],
    ['v3', (ms: number) => `cast(${iso(ms)},Edm.DateTimeOffset)`],
  ] as const)('L-03: with watermark W the first request adds updatedAt ge W − overlap (%s)', async (dialect, literal) => {
    const h = setup(dialect);
    h.server.write('todo', { id: 'a' });
    await h.engine.pull({ table: 'todo', push: false });
    const w = h.store.snapshot().syncStates[0]?.watermark?.ms ?? 0;
    h.server.requests.length = 0;
    await h.engine.pull({ table: 'todo', push: false });
    expect(query(h.server.requests[0]?.path ?? '').get('$filter')).toBe(`updatedAt ge ${literal(w - 1000)}`);
  });

  test('L-04: a pulled row whose id has an op leaves the local row alone and becomes the op\'s serverRow', async () => {
    const h = setup();
    h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    h.clock.advance(10);
    const theirs = h.server.write('todo', { id: 'a', text: 'theirs' });
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.rows()[0]?.item['text']).toBe('mine');
    expect(h.ops()[0]?.serverRow).toEqual(theirs);
  });

  test('L-05: a tombstone removes the local row; equal versions skip; applying a page twice writes nothing', async () => {
    const h = setup();
    h.server.write('todo', { id: 'a' });
    h.server.write('todo', { id: 'b' });
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.rows().map((r) => r.id)).toEqual(['a', 'b']);
    const rowWrites: number[] = [];
    h.store.onCommit((c) => rowWrites.push(c.filter((x) => x.kind === 'put-row' || x.kind === 'delete-row').length));
    await h.engine.pull({ table: 'todo', push: false }); // the overlap re-reads both rows
    expect(rowWrites).toEqual([0]);
    h.clock.advance(10);
    h.server.remove('todo', 'a');
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.rows().map((r) => r.id)).toEqual(['b']);
  });

  test('L-06: a page\'s rows and the watermark commit together; the watermark never decreases', async () => {
    const h = setup();
    for (let i = 0; i < 7; i++) {
      h.server.write('todo', { id: `r${i}` });
      h.clock.advance(3);
    }
    const commits: string[][] = [];
    h.store.onCommit((c) => commits.push([...new Set(c.map((x) => x.kind))]));
    await h.engine.pull({ table: 'todo', push: false });
    expect(commits[0]).toEqual(['put-row', 'put-sync-state']);
    const last = h.server.rows('todo').at(-1)?.['updatedAt'] as string;
    expect(h.store.snapshot().syncStates[0]?.watermark).toEqual({ ms: Date.parse(last), raw: last });
    h.server.seed('todo', { id: 'old', updatedAt: iso(Date.parse(last) - 500), version: 'x', deleted: false });
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.store.snapshot().syncStates[0]?.watermark?.ms).toBe(Date.parse(last));
  });

  test('L-07: the next request asks updatedAt ge the last row\'s millisecond without $skip; a row of that millisecond updated between requests is still delivered', async () => {
    const h = setup();
    for (let i = 0; i < 8; i++) {
      h.server.write('todo', { id: `r${i}` });
      h.clock.advance(2);
    }
    let moved = false;
    h.server.onRequest(() => {
      if (h.server.requests.length === 1 && !moved) {
        moved = true;
        h.server.write('todo', { id: 'r1', text: 'moved' }); // r1 jumps past the page boundary
      }
    });
    await h.engine.pull({ table: 'todo', push: false });
    const second = query(h.server.requests[1]?.path ?? '');
    const firstPageLast = h.server.rows('todo').filter((r) => r['id'] === 'r4')[0]?.['updatedAt'] as string;
    expect(second.get('$filter')).toBe(`updatedAt ge cast(${firstPageLast},Edm.DateTimeOffset)`);
    expect(second.has('$skip')).toBe(false);
    expect(h.rows().find((r) => r.id === 'r1')?.item['text']).toBe('moved');
    expect(h.rows()).toHaveLength(8);
  });

  test('L-08: 3·N rows in one millisecond are all stored once through the drain; W ends at C + 1 ms', async () => {
    const h = setup();
    const c = h.clock.now();
    for (let i = 0; i < 3 * N; i++) h.server.write('todo', { id: `s${String(i).padStart(2, '0')}` });
    let rowWrites = 0;
    h.store.onCommit((ch) => (rowWrites += ch.filter((x) => x.kind === 'put-row').length));
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.rows()).toHaveLength(3 * N);
    expect(rowWrites).toBe(3 * N);
    const drains = h.server.requests.map((r) => query(r.path)).filter((q) => q.get('$orderby') === 'id');
    expect(drains[0]?.get('$filter')).toBe(`(updatedAt ge cast(${iso(c)},Edm.DateTimeOffset)) and (updatedAt lt cast(${iso(c + 1)},Edm.DateTimeOffset))`);
    expect(drains[1]?.get('$filter')).toContain(`(id gt 's04')`);
    expect(h.store.snapshot().syncStates[0]?.watermark?.ms).toBe(c + 1);
  });

  test('L-09: the overlap lowers only a run\'s first bound; a late-committed row inside it is delivered; re-read rows write nothing', async () => {
    const h = setup('v3', 1000);
    for (let i = 0; i < 7; i++) {
      h.server.write('todo', { id: `r${i}` });
      h.clock.advance(100);
    }
    await h.engine.pull({ table: 'todo', push: false });
    const w = h.store.snapshot().syncStates[0]?.watermark?.ms ?? 0;
    h.server.seed('todo', { id: 'late', updatedAt: iso(w - 400), createdAt: iso(w - 400), version: 'late1', deleted: false });
    h.server.requests.length = 0;
    let rowWrites = 0;
    h.store.onCommit((ch) => (rowWrites += ch.filter((x) => x.kind === 'put-row').length));
    await h.engine.pull({ table: 'todo', push: false });
    expect(query(h.server.requests[0]?.path ?? '').get('$filter')).toBe(`updatedAt ge cast(${iso(w - 1000)},Edm.DateTimeOffset)`);
    expect(h.rows().map((r) => r.id)).toContain('late');
    expect(rowWrites).toBe(1);
  });

  test('L-10: a pull ends on an empty page or a short page without Link/nextLink; a short page with one continues', async () => {
    const h = setup('v2');
    h.server.write('todo', { id: 'a' });
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.server.requests).toHaveLength(1);
    h.server.requests.length = 0;
    h.clock.advance(5000);
    const row = (id: string, ms: number) => ({ id, updatedAt: iso(ms), version: id, deleted: false });
    const t = h.clock.now();
    h.server.inject({ kind: 'status', status: 200, body: [row('x1', t), row('x2', t + 1)], headers: { link: 'http://upstream.test/tables/todo?$skip=2; rel=next' } });
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.server.requests).toHaveLength(2);
    expect(h.rows().map((r) => r.id)).toEqual(['a', 'x1', 'x2']);
  });

  test('L-11: killing the worker between any two pages (drain included) and pulling again delivers every row', async () => {
    for (let failAt = 1; failAt <= 6; failAt++) {
      const h = setup();
      for (let i = 0; i < 12; i++) {
        h.server.write('todo', { id: `r${String(i).padStart(2, '0')}` });
        if (i % 4 === 3) h.clock.advance(1); // runs of 4 rows per millisecond force drains
      }
      let count = 0;
      h.server.onRequest(() => void count++);
      h.server.inject({ kind: 'network' }, { match: () => count === failAt });
      await h.engine.pull({ table: 'todo', push: false });
      await h.restart();
      await h.engine.pull({ table: 'todo', push: false });
      expect(h.rows().map((r) => r.id)).toEqual(h.server.rows('todo').map((r) => r['id']).sort());
    }
  });

  test('L-12: watermarks are per (table, queryId); two queryIds advance independently', async () => {
    const h = setup();
    h.server.write('todo', { id: 'a', done: true });
    await h.engine.pull({ table: 'todo', push: false, filter: 'done eq true' });
    await h.engine.pull({ table: 'todo', push: false, queryId: 'mine', filter: 'done eq false' });
    h.clock.advance(5000);
    h.server.write('todo', { id: 'b', done: false });
    await h.engine.pull({ table: 'todo', push: false });
    const states = Object.fromEntries(h.store.snapshot().syncStates.map((s) => [s.queryId, s.watermark?.ms ?? null]));
    const hashed = Object.keys(states).find((k) => k.startsWith('q:')) ?? '';
    expect(hashed).toMatch(/^q:[0-9a-f]{16}$/);
    expect(Object.keys(states).sort()).toEqual(['*', 'mine', hashed].sort());
    expect(states['mine']).toBeNull();
    expect(states['*']).toBeGreaterThan(Object.entries(states).find(([k]) => k.startsWith('q:'))?.[1] ?? Infinity);
  });

  test('L-13: a row with missing or unparsable updatedAt is applied but moves no watermark; a page of only such rows fails; a row without deleted is live', async () => {
    const h = setup();
    h.server.seed('todo', { id: 'ok', updatedAt: iso(h.clock.now()), version: '1' });
    h.server.seed('todo', { id: 'bad', updatedAt: 'yesterday', version: '1', deleted: false });
    await h.engine.pull({ table: 'todo', push: false });
    expect(h.rows().map((r) => [r.id, r.item['deleted']])).toEqual([['bad', false], ['ok', false]]);
    expect(h.store.snapshot().syncStates[0]?.watermark?.ms).toBe(h.clock.now());
    const h2 = setup();
    h2.server.seed('todo', { id: 'x', version: '1', deleted: false });
    await expect(h2.engine.pull({ table: 'todo', push: false })).rejects.toMatchObject({ code: 'invalid_server_row' });
    expect(h2.rows().map((r) => r.id)).toEqual(['x']);
  });

  test('L-14: updatedAt with 0–7 fractional digits and Z or ±hh:mm gives the right epoch millisecond; the raw string is kept', async () => {
    const cases = [
      ['2025-03-01T10:00:00Z', Date.UTC(2025, 2, 1, 10)],
      ['2025-03-01T10:00:00.1234567Z', Date.UTC(2025, 2, 1, 10, 0, 0, 123)],
      ['2025-03-01T11:00:00.5+01:00', Date.UTC(2025, 2, 1, 10, 0, 0, 500)],
      ['2025-03-01T09:30:00.999-00:30', Date.UTC(2025, 2, 1, 10, 0, 0, 999)],
    ] as const;
    for (const [raw, ms] of cases) {
      const h = setup();
      h.server.seed('todo', { id: 'a', updatedAt: raw, version: '1', deleted: false });
      await h.engine.pull({ table: 'todo', push: false });
      expect(h.store.snapshot().syncStates[0]?.watermark).toEqual({ ms, raw });
    }
  });

  test('L-15: a pull query with $orderby, $top, $skip or $select fails with invalid_pull_query before any request', async () => {
    const h = setup();
    for (const extra of [{ $orderby: 'x' }, { $top: 1 }, { skip: 2 }, { select: 'a' }]) {
      const error = await h.engine.pull({ table: 'todo', ...extra } as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).code).toBe('invalid_pull_query');
    }
    await expect(h.engine.pull({ table: 'todo', filter: 'a eq' })).rejects.toMatchObject({ code: 'invalid_filter' });
    expect(h.server.requests).toEqual([]);
  });

  test('L-16: each applied page emits a progress event with running totals', async () => {
    const h = setup();
    for (let i = 0; i < 8; i++) {
      h.server.write('todo', { id: `r${i}` });
      h.clock.advance(2);
    }
    const result = await h.engine.pull({ table: 'todo', push: false });
    const progress = h.events.filter((e) => e.kind === 'progress');
    // page 2 re-reads the last row of page 1 (ge, L-07) and is short: the run ends
    expect(progress.map((e) => (e.kind === 'progress' ? [e.pages, e.rows] : null))).toEqual([[1, 5], [2, 9]]);
    expect(progress[0]).toMatchObject({ table: 'todo', queryId: '*' });
    expect(result).toEqual({ table: 'todo', queryId: '*', pages: 2, rows: 9, changed: 8, push: null });
    expect(h.events.at(-2)).toEqual({ kind: 'pulled', result });
  });
});
