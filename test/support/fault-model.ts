/**
 * What the app was told, and how the server's rows must look given that (issue 11, the seeded fault
 * suite). Every write carries a unique mark `w`; a row's `w` says which write it holds.
 * - A write answered 2xx (locally or by the server) happened: the server must end with it, once.
 * - A write answered 4xx or 507 did not: its mark must be on no row.
 * - A write whose answer never came (the worker or the browser died) is unknown: either outcome.
 * An item's allowed final states come from replaying its writes in order over a set of candidates.
 */

export type Outcome = 'ok' | 'rejected' | 'unknown';

export interface WriteRecord {
  readonly table: string;
  /** The item's id; for an insert without one, the id the answer named (undefined when unknown). */
  readonly id: string | undefined;
  readonly kind: 'insert' | 'update' | 'delete';
  /** The mark the write's row carries (a delete's is never stored). */
  readonly mark: string;
  readonly outcome: Outcome;
}

export interface ServerRow {
  readonly table: string;
  readonly id: string;
  readonly mark: string | null;
  readonly deleted: boolean;
}

export interface Verdict {
  readonly lost: number;
  readonly duplicated: number;
  readonly stray: number;
  readonly details: readonly string[];
}

const ABSENT = '<absent>';
const key = (table: string, id: string): string => `${table}/${id}`;

/** Compares the server's rows (every row of the run's tables) and what is left in the op-log with the writes' answers. */
export function judge(writes: readonly WriteRecord[], rows: readonly ServerRow[], leftovers: readonly string[]): Verdict {
  const details: string[] = [];
  let lost = 0;
  let duplicated = 0;
  let stray = leftovers.length;
  for (const leftover of leftovers) details.push(`left behind: ${leftover}`);

  const outcomeOfMark = new Map(writes.map((w) => [w.mark, w]));
  const candidates = new Map<string, Set<string>>();
  for (const write of writes) {
    if (write.id === undefined) continue;
    const k = key(write.table, write.id);
    const before = candidates.get(k) ?? new Set([ABSENT]);
    const applied = write.kind === 'delete' ? ABSENT : write.mark;
    if (write.outcome === 'ok') candidates.set(k, new Set([applied]));
    else if (write.outcome === 'unknown') candidates.set(k, new Set([...before, applied]));
    else candidates.set(k, before);
  }

  const rowsByMark = new Map<string, ServerRow[]>();
  for (const row of rows) if (row.mark !== null) rowsByMark.set(row.mark, [...(rowsByMark.get(row.mark) ?? []), row]);
  for (const [mark, holders] of rowsByMark) {
    if (holders.length > 1) {
      duplicated += holders.length - 1;
      details.push(`duplicated: write ${mark} is on ${holders.map((r) => key(r.table, r.id)).join(', ')}`);
    }
  }

  const state = new Map(rows.map((row) => [key(row.table, row.id), row.deleted || row.mark === null ? ABSENT : row.mark]));
  for (const [k, allowed] of candidates) {
    const actual = state.get(k) ?? ABSENT;
    if (allowed.has(actual)) continue;
    const write = outcomeOfMark.get(actual);
    if (write?.outcome === 'rejected') {
      stray += 1;
      details.push(`stray: ${k} holds write ${actual}, which the app was told failed`);
    } else {
      lost += 1;
      details.push(`lost: ${k} is ${actual}, expected one of ${[...allowed].join(' | ')}`);
    }
  }
  for (const row of rows) {
    const k = key(row.table, row.id);
    if (candidates.has(k)) continue;
    const write = row.mark === null ? undefined : outcomeOfMark.get(row.mark);
    // An insert without an id whose answer never came may have landed under an id nobody heard of.
    if (write !== undefined && write.id === undefined && write.outcome === 'unknown' && write.table === row.table) continue;
    stray += 1;
    details.push(`stray: ${k} (write ${row.mark ?? 'none'}) is on the server, and nobody was told of it`);
  }
  return { lost, duplicated, stray, details };
}
