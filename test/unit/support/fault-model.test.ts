// The fault suite's judge (test/support/fault-model.ts): each way a run can go wrong is counted, and only those.
import { describe, expect, test } from 'vitest';
import { judge, type ServerRow, type WriteRecord } from '../../support/fault-model.js';

const w = (id: string | undefined, kind: WriteRecord['kind'], mark: string, outcome: WriteRecord['outcome']): WriteRecord => ({ table: 't', id, kind, mark, outcome });
const row = (id: string, mark: string, deleted = false): ServerRow => ({ table: 't', id, mark, deleted });

describe('fault model', () => {
  test('what the app was told, on the server once: nothing counted', () => {
    const writes = [w('a', 'insert', 'm1', 'ok'), w('a', 'update', 'm2', 'ok'), w('b', 'insert', 'm3', 'ok'), w('b', 'delete', 'm4', 'ok'), w('c', 'insert', 'm5', 'rejected')];
    expect(judge(writes, [row('a', 'm2'), row('b', 'm3', true)], [])).toEqual({ lost: 0, duplicated: 0, stray: 0, details: [] });
  });

  test('an acknowledged write missing, or overwritten by an older one, is lost', () => {
    const writes = [w('a', 'insert', 'm1', 'ok'), w('a', 'update', 'm2', 'ok'), w('b', 'insert', 'm3', 'ok'), w('c', 'insert', 'm4', 'ok'), w('c', 'delete', 'm5', 'ok')];
    expect(judge(writes, [row('a', 'm1'), row('c', 'm4')], [])).toMatchObject({ lost: 3, duplicated: 0, stray: 0 });
  });

  test('an unknown write may or may not have happened, but never twice', () => {
    const writes = [w('a', 'insert', 'm1', 'ok'), w('a', 'update', 'm2', 'unknown'), w(undefined, 'insert', 'm3', 'unknown')];
    expect(judge(writes, [row('a', 'm1')], []).lost).toBe(0);
    expect(judge(writes, [row('a', 'm2'), row('x', 'm3')], []).lost + judge(writes, [row('a', 'm2'), row('x', 'm3')], []).stray).toBe(0);
    expect(judge(writes, [row('a', 'm2'), row('x', 'm3'), row('y', 'm3')], [])).toMatchObject({ duplicated: 1 });
  });

  test('a rejected write on the server, a row nobody was told of, and an op or conflict left behind are stray', () => {
    const writes = [w('a', 'insert', 'm1', 'ok'), w('a', 'update', 'm2', 'rejected')];
    expect(judge(writes, [row('a', 'm2'), row('z', 'm9')], ['op t/a update held'])).toMatchObject({ lost: 0, duplicated: 0, stray: 3 });
  });
});
