import { describe, expect, test } from 'vitest';
import type { ConflictContext } from '../../../src/core/conflict.js';
import type { ConflictPolicy, EngineTableConfig } from '../../../src/engine/engine-types.js';
import { createHarness } from './harness.js';

const body = (text: string | null | undefined) => JSON.parse(text ?? 'null') as Record<string, unknown>;
const table = (policy: ConflictPolicy, extra: Partial<EngineTableConfig> = {}): EngineTableConfig[] => [{ name: 'todo', policy, ...extra }];

/** A row edited locally while another device changed it on the server. */
async function conflicted(policy: ConflictPolicy, local: Record<string, unknown> = { text: 'mine' }, theirs: Record<string, unknown> = { text: 'theirs' }, extra: Partial<EngineTableConfig> = {}) {
  const h = createHarness({ tables: table(policy, extra) });
  h.server.write('todo', { id: 'a', text: 'base', n: 1 });
  await h.ready();
  await h.request('PATCH', '/tables/todo/a', { body: local });
  h.clock.advance(10);
  h.server.write('todo', { id: 'a', ...theirs } as never);
  h.clock.advance(10);
  return h;
}

describe('conflicts', () => {
  test('K-01: 412 or 409 to an update/delete is precondition, 409 to an insert already-exists, 404/410 to an update deleted-on-server', async () => {
    const reasons: string[] = [];
    const h = createHarness({ tables: table('hold') });
    for (const id of ['u', 'd', 'g']) h.server.write('todo', { id, text: 's' });
    await h.ready();
    await h.request('PATCH', '/tables/todo/u', { body: { text: 'mine' } });
    await h.request('DELETE', '/tables/todo/d');
    await h.request('POST', '/tables/todo', { body: { id: 'i', text: 'mine' } });
    await h.request('PATCH', '/tables/todo/g', { body: { text: 'mine' } });
    h.server.write('todo', { id: 'u', text: 'x' });
    h.server.write('todo', { id: 'd', text: 'x' });
    h.server.write('todo', { id: 'i', text: 'theirs' });
    h.server.remove('todo', 'g');
    expect(await h.engine.push()).toMatchObject({ held: 4 });
    for (const c of h.conflictRecords()) reasons.push(`${c.itemId}:${c.reason}:${c.status}`);
    expect(reasons).toEqual(['u:precondition:412', 'd:precondition:412', 'i:already-exists:409', 'g:deleted-on-server:410']);
  });

  test('K-02: the resolver gets table, itemId, opKind, reason, status, baseRow, localRow, serverRow', async () => {
    const seen: ConflictContext[] = [];
    const h = await conflicted((c) => {
      seen.push(c);
      return { kind: 'server' };
    });
    await h.engine.push();
    const server = h.server.row('todo', 'a');
    expect(seen).toEqual([
      {
        table: 'todo', itemId: 'a', opKind: 'update', reason: 'precondition', status: 412,
        baseRow: expect.objectContaining({ text: 'base' }), localRow: expect.objectContaining({ text: 'mine' }), serverRow: server,
      },
    ]);
  });

  test('K-03: server makes the local row the server row, removes the op and resets the known versions', async () => {
    const h = await conflicted('serverWins');
    expect(await h.engine.push()).toMatchObject({ completed: 1, held: 0 });
    const server = h.server.row('todo', 'a');
    expect(h.ops()).toEqual([]);
    expect(h.rows()[0]).toMatchObject({ item: server, knownVersions: [server?.['version']] });
    expect(h.server.row('todo', 'a')?.['text']).toBe('theirs');
  });

  test('K-04: client re-sends with If-Match = the server version; an already-exists insert becomes an update', async () => {
    const h = await conflicted('clientWins');
    const theirs = h.server.row('todo', 'a');
    await h.engine.push();
    expect(h.server.requests.map((r) => [r.method, r.headers['if-match'], r.status])).toEqual([
      ['PUT', expect.any(String), 412],
      ['PUT', `"${theirs?.['version'] as string}"`, 200],
    ]);
    expect(h.server.row('todo', 'a')?.['text']).toBe('mine');
    const h2 = createHarness({ tables: table('clientWins') });
    await h2.ready();
    h2.server.write('todo', { id: 'i', text: 'theirs' });
    await h2.request('POST', '/tables/todo', { body: { id: 'i', text: 'mine' } });
    await h2.engine.push();
    expect(h2.server.requests.map((r) => [r.method, r.path, r.status])).toEqual([['POST', '/tables/todo', 409], ['PUT', '/tables/todo/i', 200]]);
    expect(h2.server.row('todo', 'i')?.['text']).toBe('mine');
  });

  test.each(['v2', 'v3'] as const)('K-05: client on deleted-on-server undeletes a tombstone with its If-Match (%s), or inserts when no row exists', async (dialect) => {
    const h = createHarness({ tables: table('clientWins', { upstreamDialect: dialect }) });
    h.server.write('todo', { id: 'a', text: 's' });
    await h.ready();
    await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    h.server.remove('todo', 'a');
    const tomb = h.server.row('todo', 'a');
    await h.engine.push();
    const sent = h.server.requests.map((r) => `${r.method} ${r.path} ${r.headers['if-match'] ?? '-'} ${r.status ?? '-'}`);
    const tag = `"${tomb?.['version'] as string}"`;
    // the 410/404 body is an error, not the row, so the tombstone is looked up first (U-12)
    expect(sent[1]).toMatch(/^GET \/tables\/todo\?\$filter=.*__includeDeleted=true - 200$/);
    if (dialect === 'v3') expect(sent.slice(2)).toEqual([`PUT /tables/todo/a?__includedeleted=true ${tag} 200`]);
    else expect(sent.slice(2)).toEqual([`POST /tables/todo/a ${tag} 201`, expect.stringMatching(/^PATCH \/tables\/todo\/a "v\d+" 200$/)]);
    expect(h.server.row('todo', 'a')).toMatchObject({ text: 'mine', deleted: false });
    expect(h.ops()).toEqual([]);

    const hard = createHarness({ tables: [{ name: 'todo', policy: 'clientWins', softDelete: false, upstreamDialect: dialect }] });
    hard.server.write('todo', { id: 'a', text: 's' });
    await hard.ready();
    await hard.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    hard.server.remove('todo', 'a');
    await hard.engine.push();
    expect(hard.server.requests.map((r) => `${r.method} ${r.path} ${r.status ?? '-'}`).slice(-2)).toEqual(['GET ' + hard.server.requests[1]?.path + ' 200', 'POST /tables/todo 201']);
    expect(hard.server.row('todo', 'a')?.['text']).toBe('mine');
  });

  test('K-06: merge with value stores the value (id forced) locally and sends it with the server version in If-Match', async () => {
    const h = await conflicted((c) => ({ kind: 'merge', value: { id: 'wrong', text: `${String(c.localRow?.['text'])}+${String(c.serverRow?.['text'])}` } }));
    const theirs = h.server.row('todo', 'a');
    await h.engine.push();
    expect(h.server.requests[1]?.headers['if-match']).toBe(`"${theirs?.['version'] as string}"`);
    expect(body(h.server.requests[1]?.body)).toEqual({ id: 'a', text: 'mine+theirs' });
    expect(h.rows()[0]?.item).toMatchObject({ id: 'a', text: 'mine+theirs' });
  });

  test('K-07: the merge preset keeps non-overlapping and equal changes; a field changed differently on both sides, or a delete, holds', async () => {
    const h = await conflicted('merge', { text: 'mine' }, { n: 2 });
    expect(await h.engine.push()).toMatchObject({ completed: 1, held: 0 });
    expect(h.server.row('todo', 'a')).toMatchObject({ text: 'mine', n: 2 });
    const same = await conflicted('merge', { text: 'x' }, { text: 'x' });
    expect(await same.engine.push()).toMatchObject({ completed: 1, held: 0 });
    const clash = await conflicted('merge', { text: 'mine' }, { text: 'theirs' });
    expect(await clash.engine.push()).toMatchObject({ held: 1 });
    const del = createHarness({ tables: table('merge') });
    del.server.write('todo', { id: 'a', text: 's' });
    await del.ready();
    await del.request('DELETE', '/tables/todo/a');
    del.server.write('todo', { id: 'a', text: 'theirs' });
    expect(await del.engine.push()).toMatchObject({ held: 1 });
  });

  test('K-08: discard removes the op without a request; the local row becomes the newest server state, or goes when none', async () => {
    const h = await conflicted('hold');
    await h.engine.push();
    const id = h.conflictRecords()[0]?.opSeq ?? 0;
    const sent = h.server.requests.length;
    await h.engine.resolve(id, { kind: 'discard' });
    expect(h.server.requests).toHaveLength(sent);
    expect(h.ops()).toEqual([]);
    expect(h.rows()[0]?.item).toEqual(h.server.row('todo', 'a'));
    expect(h.conflictRecords()).toEqual([]);
  });

  test('K-09: defer holds the op, stores base, local and server rows and emits conflict; other items keep pushing; pulls leave the row', async () => {
    const h = await conflicted('hold');
    await h.request('POST', '/tables/todo', { body: { id: 'z' } });
    expect(await h.engine.push()).toMatchObject({ completed: 1, held: 1 });
    const record = h.conflictRecords()[0];
    expect(record).toMatchObject({ itemId: 'a', baseRow: { text: 'base' }, localRow: { text: 'mine' }, serverRow: h.server.row('todo', 'a') });
    expect(h.ops().find((o) => o.itemId === 'a')?.state).toBe('held');
    const event = h.events.find((e) => e.kind === 'conflict');
    expect(event).toMatchObject({ conflict: { id: record?.opSeq, itemId: 'a', reason: 'precondition' } });
    h.server.write('todo', { id: 'a', text: 'newer' });
    h.clock.advance(2000);
    await h.engine.pull({ table: 'todo' });
    expect(h.rows().find((r) => r.id === 'a')?.item['text']).toBe('mine');
    expect((await h.engine.conflicts('todo')).map((c) => c.itemId)).toEqual(['a']);
  });

  test('K-10: resolve() applies a resolution and deletes the record; an unknown id fails with conflict_not_found', async () => {
    const h = await conflicted('hold');
    await h.engine.push();
    const [conflict] = await h.engine.conflicts();
    if (!conflict) throw new Error('no conflict');
    await h.engine.resolve(conflict.id, { kind: 'defer' });
    expect(h.conflictRecords()).toHaveLength(1);
    await h.engine.resolve(conflict.id, { kind: 'client' });
    expect(h.conflictRecords()).toEqual([]);
    expect(h.ops()[0]).toMatchObject({ state: 'pending', baseVersion: conflict.serverRow?.['version'] });
    expect(await h.engine.push()).toMatchObject({ completed: 1 });
    expect(h.server.row('todo', 'a')?.['text']).toBe('mine');
    await expect(h.engine.resolve(conflict.id, { kind: 'server' })).rejects.toMatchObject({ code: 'conflict_not_found' });
  });

  test('K-11: an op still conflicting after 5 rounds in one push is held', async () => {
    const h = await conflicted('clientWins');
    let n = 0;
    h.server.onRequest((r) => {
      if (r.method === 'PUT') h.server.write('todo', { id: 'a', text: `race${n++}` });
    });
    expect(await h.engine.push()).toMatchObject({ held: 1, completed: 0 });
    expect(h.server.requests.filter((r) => r.method === 'PUT')).toHaveLength(6);
    expect(h.ops()[0]?.state).toBe('held');
  });

  test('K-12: no policy resolves by merge; a resolver that throws or returns an invalid value holds', async () => {
    const h = createHarness();
    h.server.write('todo', { id: 'a', text: 'base', n: 1 });
    await h.ready();
    await h.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    h.server.write('todo', { id: 'a', n: 2 });
    expect(await h.engine.push()).toMatchObject({ completed: 1 });
    expect(h.server.row('todo', 'a')).toMatchObject({ text: 'mine', n: 2 });
    const throwing = await conflicted(() => {
      throw new Error('resolver bug');
    });
    expect(await throwing.engine.push()).toMatchObject({ held: 1 });
    const invalid = await conflicted(() => ({ kind: 'bogus' }));
    expect(await invalid.engine.push()).toMatchObject({ held: 1 });
  });

  test('K-13: lastWriteWins keeps the client when the op was edited after the server row, else the server', async () => {
    const late = createHarness({ tables: table('lastWriteWins') });
    late.server.write('todo', { id: 'a', text: 'base' });
    await late.ready();
    late.clock.advance(10);
    late.server.write('todo', { id: 'a', text: 'theirs' });
    late.clock.advance(10);
    await late.request('PATCH', '/tables/todo/a', { body: { text: 'mine' } });
    await late.engine.push();
    expect(late.server.row('todo', 'a')?.['text']).toBe('mine');
    const early = await conflicted('lastWriteWins');
    await early.engine.push();
    expect(early.server.row('todo', 'a')?.['text']).toBe('theirs');
    expect(early.rows()[0]?.item['text']).toBe('theirs');
  });

  test('K-14: an op removed by any path loses its conflict record in the same commit', async () => {
    for (const remove of ['server', 'discard', 'purge'] as const) {
      const h = await conflicted('hold');
      await h.engine.push();
      const seq = h.conflictRecords()[0]?.opSeq ?? 0;
      const commits: string[][] = [];
      h.store.onCommit((c) => commits.push(c.map((x) => (x.kind === 'delete-op' || x.kind === 'delete-conflict' ? x.kind : '')).filter(Boolean)));
      if (remove === 'purge') await h.engine.purge({ table: 'todo', force: true });
      else await h.engine.resolve(seq, { kind: remove });
      expect(commits).toEqual([['delete-op', 'delete-conflict']]);
      expect(h.conflictRecords()).toEqual([]);
    }
  });
});
