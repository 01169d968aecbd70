import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Expr, LiteralValue, OrderKey } from '../../src/core/odata/ast.js';
import type { Database } from '../../src/server/database.js';
import { createRowStore, type RowStore } from '../../src/server/row-store.js';
import { ensureSchema } from '../../src/server/schema.js';
import { compileFilter } from '../../src/server/sql-filter.js';
import { compileOrderBy } from '../../src/server/sql-order.js';
import { createSqlParams } from '../../src/server/sql-params.js';
import { resolveTableConfig } from '../../src/server/table-config.js';
import { DATABASES, openDatabase } from './support/databases.js';

// The SQL compiler on hand-built ASTs; the shared filter corpus runs through HTTP in filter-corpus.test.ts.
const [table] = resolveTableConfig([{ name: 'things' }], false);
if (table === undefined) throw new Error('no table');

const lit = (value: LiteralValue): Expr => ({ kind: 'literal', value });
const field = (name: string): Expr => ({ kind: 'field', name });
const bin = (op: Extract<Expr, { kind: 'binary' }>['op'], left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right });
const call = (name: Extract<Expr, { kind: 'call' }>['name'], ...args: Expr[]): Expr => ({ kind: 'call', name, args });
const not = (operand: Expr): Expr => ({ kind: 'not', operand });

const rows: Record<string, Record<string, string | number | boolean | null>> = {
  r1: { text: 'apple', n: 1, done: false },
  r2: { text: 'Banana', n: 5, done: true },
  r3: { text: 'cherry', n: null },
  r4: { text: 'é', n: '5' },
  r5: {},
};

const cases: readonly { id: string; name: string; filter: Expr; ids: string[] }[] = [
  { id: 'S-33', name: 'gt is type-strict', filter: bin('gt', field('n'), lit(1)), ids: ['r2'] },
  { id: 'S-35', name: 'not (n gt 1) holds for null and missing n', filter: not(bin('gt', field('n'), lit(1))), ids: ['r1', 'r3', 'r4', 'r5'] },
  { id: 'S-33', name: 'eq null matches null and missing', filter: bin('eq', field('n'), lit(null)), ids: ['r3', 'r5'] },
  { id: 'S-33', name: 'a string never equals a number', filter: bin('eq', field('n'), lit('5')), ids: ['r4'] },
  { id: 'S-33', name: 'ne is the negation of eq', filter: bin('ne', field('n'), lit(5)), ids: ['r1', 'r3', 'r4', 'r5'] },
  { id: 'S-33', name: 'strings compare by code point', filter: bin('lt', field('text'), lit('b')), ids: ['r1', 'r2'] },
  { id: 'S-33', name: 'contains', filter: call('contains', field('text'), lit('an')), ids: ['r2'] },
  { id: 'S-33', name: 'startswith over tolower', filter: call('startswith', call('tolower', field('text')), lit('b')), ids: ['r2'] },
  { id: 'S-33', name: 'length counts code points', filter: bin('eq', call('length', field('text')), lit(1)), ids: ['r4'] },
  { id: 'S-33', name: 'arithmetic', filter: bin('eq', bin('add', field('n'), lit(1)), lit(6)), ids: ['r2'] },
  { id: 'S-33', name: 'division by zero is null', filter: bin('eq', bin('div', field('n'), lit(0)), lit(null)), ids: ['r1', 'r2', 'r3', 'r4', 'r5'] },
  { id: 'S-33', name: 'arithmetic is IEEE double', filter: bin('eq', bin('add', lit(0.1), lit(0.2)), lit(0.3)), ids: [] },
  { id: 'S-33', name: 'overflow is Infinity, not an error', filter: bin('gt', bin('mul', lit(1e308), lit(10)), lit(1e308)), ids: ['r1', 'r2', 'r3', 'r4', 'r5'] },
  { id: 'S-33', name: 'a boolean field is a predicate', filter: field('done'), ids: ['r2'] },
  { id: 'S-33', name: 'not of a non-boolean is true', filter: not(field('done')), ids: ['r1', 'r3', 'r4', 'r5'] },
  { id: 'S-33', name: 'in is a disjunction of eq', filter: { kind: 'in', operand: field('n'), values: [1, 5] }, ids: ['r1', 'r2'] },
  { id: 'S-33', name: 'a system date against a string parses the string', filter: bin('gt', field('createdAt'), lit('2000-01-01T00:00:00Z')), ids: ['r1', 'r2', 'r3', 'r4', 'r5'] },
  { id: 'S-33', name: 'an unparsable date string compares false', filter: bin('gt', field('createdAt'), lit('yesterday')), ids: [] },
  { id: 'S-33', name: 'id eq', filter: bin('eq', field('id'), lit('r1')), ids: ['r1'] },
  { id: 'S-33', name: 'a field name no row can hold is null', filter: bin('eq', field('no such'), lit(null)), ids: ['r1', 'r2', 'r3', 'r4', 'r5'] },
  { id: 'S-33', name: "an injection attempt in a value is only a value", filter: bin('eq', field('text'), lit("x' or '1'='1")), ids: [] },
];

const orders: readonly { name: string; orderBy: OrderKey[]; ids: string[] }[] = [
  { name: 'ascending: null, numbers, strings', orderBy: [{ field: 'n', direction: 'asc' }], ids: ['r3', 'r5', 'r1', 'r2', 'r4'] },
  { name: 'descending reverses, id still ascending', orderBy: [{ field: 'n', direction: 'desc' }], ids: ['r4', 'r2', 'r1', 'r3', 'r5'] },
  { name: 'booleans before numbers', orderBy: [{ field: 'done', direction: 'asc' }], ids: ['r3', 'r4', 'r5', 'r1', 'r2'] },
];

describe.each(DATABASES)('SQL compiler on %s', (kind) => {
  let db: Database;
  let store: RowStore;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await openDatabase(kind, 'compiler'));
    await ensureSchema(db, [table]);
    store = createRowStore(db);
    for (const [id, data] of Object.entries(rows)) await store.insert(table, id, data, null);
  });
  afterAll(async () => dispose());

  const list = async (filter: Expr | null, orderBy: readonly OrderKey[] = []): Promise<string[]> => {
    const result = await store.list(table, { filter, orderBy, skip: 0, limit: 100, includeDeleted: false, count: false }, null);
    if (!result.ok) throw result.error;
    return result.value.rows.map((r) => r.id);
  };

  test.each(cases)('$id: $name', async ({ filter, ids }) => {
    expect(await list(filter)).toEqual(ids);
  });

  test.each(orders)('S-31: $name', async ({ orderBy, ids }) => {
    expect(await list(null, orderBy)).toEqual(ids);
  });

  test('S-34: the incremental pull (updatedAt ge W order by updatedAt, id) is an index range scan', async () => {
    const p = createSqlParams();
    const filter = compileFilter(bin('ge', field('updatedAt'), lit({ kind: 'date', micros: Date.UTC(2024, 0, 1) * 1000 })), p, { ownerField: null });
    if (!filter.ok) throw filter.error;
    const order = compileOrderBy([{ field: 'updatedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }], null);
    const q = p.finalize(`explain select id from things where ${filter.value} order by ${order} limit ${p.add(50, 'int8')}`);
    const plan = await db.transaction(async (tx) => {
      await tx.query('set local enable_seqscan = off');
      return tx.query<Record<string, string>>(q.sql, q.values);
    });
    const text = plan.map((r) => Object.values(r).join(' ')).join('\n');
    expect(text).toMatch(/Index (Only )?Scan using things_updated_at_id/);
    expect(text).toMatch(/Index Cond: \(updated_at >=/);
    expect(text).not.toMatch(/Sort/);
  });
});
