import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Expr, LiteralValue, OrderKey } from '../../src/core/odata/ast.js';
import { matches, parseFilter } from '../../src/core/odata/index.js';
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
    const filter = compileFilter(bin('ge', field('updatedAt'), lit({ kind: 'date', ms: Date.UTC(2024, 0, 1), us: 0 })), p, { ownerField: null });
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

// `field eq|ne|in literal` compiles to jsonb containment (sql-containment.ts); it must agree with the evaluator row by row.
const eqRows: Record<string, Record<string, string | number | boolean | null>> = {
  e1: { n: 1, s: "it's", b: true },
  e2: { n: 1.5, s: 'x', b: false },
  e3: { n: -2, s: '1' },
  e4: { n: '1', s: null, b: null },
  e5: {},
  e6: { n: 0.30000000000000004, s: 'O\'Brien "q" \\' },
  e7: { n: 1e21, s: '' },
  e8: { n: -0.5, b: 'true' },
  e9: { n: 0, s: 'é' },
};

const eqFilters: readonly { text: string; ids: string[]; contained: boolean }[] = [
  { text: 'n eq 1', ids: ['e1'], contained: true },
  { text: 'n eq 1.0', ids: ['e1'], contained: true },
  { text: 'n eq 1.00e0', ids: ['e1'], contained: true },
  { text: 'n eq -2', ids: ['e3'], contained: true },
  { text: 'n eq -0.5', ids: ['e8'], contained: true },
  { text: 'n eq 1.5', ids: ['e2'], contained: true },
  { text: 'n eq 0.3', ids: [], contained: true },
  { text: 'n eq 0.30000000000000004', ids: ['e6'], contained: true },
  { text: 'n eq 1e21', ids: ['e7'], contained: true },
  { text: 'n eq -0', ids: ['e9'], contained: true },
  { text: "n eq '1'", ids: ['e4'], contained: true },
  { text: '1 eq n', ids: ['e1'], contained: true },
  { text: "s eq 'it''s'", ids: ['e1'], contained: true },
  { text: `s eq 'O''Brien "q" \\'`, ids: ['e6'], contained: true },
  { text: "s eq '1'", ids: ['e3'], contained: true },
  { text: "s eq ''", ids: ['e7'], contained: true },
  { text: "s eq 'é'", ids: ['e9'], contained: true },
  { text: "s eq 'X'", ids: [], contained: true },
  { text: 'b eq true', ids: ['e1'], contained: true },
  { text: 'b eq false', ids: ['e2'], contained: true },
  { text: "b eq 'true'", ids: ['e8'], contained: true },
  { text: 'missing eq 1', ids: [], contained: true },
  { text: 'n ne 1', ids: ['e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9'], contained: true },
  { text: "s ne 'x'", ids: ['e1', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9'], contained: true },
  { text: 'b ne true', ids: ['e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9'], contained: true },
  { text: 'missing ne 1', ids: ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9'], contained: true },
  { text: 'not (n ne 1.0)', ids: ['e1'], contained: true },
  { text: "n in (1, -2, '1')", ids: ['e1', 'e3', 'e4'], contained: true },
  { text: "s in ('x', 'it''s')", ids: ['e1', 'e2'], contained: true },
  { text: 'n eq 1 and b eq true', ids: ['e1'], contained: true },
  { text: 'n eq 1 or s eq \'x\'', ids: ['e1', 'e2'], contained: true },
  { text: "n eq 1 and s eq 'it''s' and (b eq true and missing ne 1)", ids: ['e1'], contained: true },
  { text: 'n eq 1 and n eq 1.0', ids: ['e1'], contained: true },
  { text: 'n eq 1 and n eq 2', ids: [], contained: true },
  { text: "s eq 'x' and b eq false and n ne 2 and n add 0 eq 1.5", ids: ['e2'], contained: true },
  { text: "s eq 'x' and b eq null", ids: [], contained: true },
  // The general path keeps null, dates, expressions and system properties.
  { text: 'n eq null', ids: ['e5'], contained: false },
  { text: 's eq null', ids: ['e4', 'e5', 'e8'], contained: false },
  { text: 'b ne null', ids: ['e1', 'e2', 'e8'], contained: false },
  { text: 'n in (1, null)', ids: ['e1', 'e5'], contained: false },
  { text: 'n add 0 eq 1', ids: ['e1'], contained: false },
  { text: "id eq 'e1'", ids: ['e1'], contained: false },
];

describe.each(DATABASES)('containment equality on %s', (kind) => {
  const [eqTable] = resolveTableConfig([{ name: 'eqs' }], false);
  if (eqTable === undefined) throw new Error('no table');
  let db: Database;
  let store: RowStore;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ db, dispose } = await openDatabase(kind, 'containment'));
    await ensureSchema(db, [eqTable]);
    await ensureSchema(db, [eqTable]); // idempotent for an existing table
    store = createRowStore(db);
    for (const [id, data] of Object.entries(eqRows)) await store.insert(eqTable, id, data, null);
  });
  afterAll(async () => dispose());

  test.each(eqFilters)('S-33: $text', async ({ text, ids, contained }) => {
    const parsed = parseFilter(text);
    if (!parsed.ok) throw parsed.error;
    const p = createSqlParams();
    const compiled = compileFilter(parsed.value, p, { ownerField: null });
    if (!compiled.ok) throw compiled.error;
    const q = p.finalize(compiled.value);
    expect(q.sql.includes('@>')).toBe(contained);
    expect(q.sql).not.toMatch(/O''Brien|it''s|'x'|'1'/); // values are parameters, never SQL text
    const result = await store.list(eqTable, { filter: parsed.value, orderBy: [], skip: 0, limit: 100, includeDeleted: false, count: false }, null);
    if (!result.ok) throw result.error;
    const got = result.value.rows.map((r) => r.id);
    expect(got).toEqual(Object.keys(eqRows).filter((id) => matches(parsed.value, { id, ...eqRows[id] })));
    expect(got).toEqual(ids);
  });

  test('S-33: conjoined equalities are one containment', () => {
    const parsed = parseFilter("n eq 1 and s eq 'x' and b eq true");
    if (!parsed.ok) throw parsed.error;
    const p = createSqlParams();
    const compiled = compileFilter(parsed.value, p, { ownerField: null });
    if (!compiled.ok) throw compiled.error;
    const q = p.finalize(compiled.value);
    expect(q.sql.match(/@>/g)).toHaveLength(1);
    expect(q.values).toEqual(['{"n":1,"s":"x","b":true}']);
  });

  test('S-33: containment is answered by the GIN index on data', async () => {
    const p = createSqlParams();
    const filter = compileFilter(bin('eq', field('s'), lit('x')), p, { ownerField: null });
    if (!filter.ok) throw filter.error;
    const q = p.finalize(`explain select id from eqs where ${filter.value}`);
    const plan = await db.transaction(async (tx) => {
      await tx.query('set local enable_seqscan = off');
      return tx.query<Record<string, string>>(q.sql, q.values);
    });
    expect(plan.map((r) => Object.values(r).join(' ')).join('\n')).toMatch(/Bitmap Index Scan on eqs_data/);
  });

  test('S-31: order by updatedAt sorts by the indexed column, not its text', async () => {
    const order = compileOrderBy([{ field: 'updatedAt', direction: 'desc' }], null);
    const plan = await db.transaction(async (tx) => {
      await tx.query('set local enable_seqscan = off');
      return tx.query<Record<string, string>>(`explain select id from eqs order by ${order} limit 5`);
    });
    expect(plan.map((r) => Object.values(r).join(' ')).join('\n')).not.toMatch(/to_char/);
  });
});
