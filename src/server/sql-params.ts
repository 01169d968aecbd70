/** The casts a parameter can carry. */
export type SqlCast = 'text' | 'text[]' | 'float8' | 'boolean' | 'timestamptz' | 'jsonb' | 'int8';

/** Collects the values of a statement; SQL text only ever holds `$n` placeholders for them. */
export interface SqlParams {
  /** Adds a value and returns a marker standing for its placeholder. */
  add(value: unknown, cast: SqlCast): string;
  /** Numbers the markers `sql` uses, in order, as `$n::cast`, with exactly their values (an unused value would break the bind). */
  finalize(sql: string): { readonly sql: string; readonly values: readonly unknown[] };
}

// A control character no SQL text we write contains brackets each marker.
const MARK = '\u0001';

/** A fresh parameter list. */
export function createSqlParams(): SqlParams {
  const added: { value: unknown; cast: SqlCast }[] = [];
  return {
    add(value, cast) {
      added.push({ value, cast });
      return `${MARK}${added.length - 1}${MARK}`;
    },
    finalize(sql) {
      const values: unknown[] = [];
      const numbers = new Map<number, number>();
      const text = sql.replace(/\u0001(\d+)\u0001/g, (_, index: string) => {
        const i = Number(index);
        const entry = added[i];
        if (entry === undefined) throw new Error(`unknown parameter marker ${i}`);
        let n = numbers.get(i);
        if (n === undefined) {
          values.push(entry.value);
          n = values.length;
          numbers.set(i, n);
        }
        return `$${n}::${entry.cast}`;
      });
      return { sql: text, values };
    },
  };
}
