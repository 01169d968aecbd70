/** Something that runs one parameterised SQL statement: the pool, or a connection inside a transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<readonly T[]>;
}

/** The store's one seam over PGlite or PostgreSQL: the same SQL runs on both. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Statements worth having in flight at once: 1 for one embedded session, a few over a pool. */
  readonly parallelism: number;
  /** Runs `work` in one transaction on one connection; a throw rolls it back. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
