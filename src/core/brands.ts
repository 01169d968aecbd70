declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A configured table's name. */
export type TableName = Brand<string, 'TableName'>;
/** A row id that passed the id rules of PROTOCOL.md §2.2. */
export type ItemId = Brand<string, 'ItemId'>;
/** A pull query's id: `*`, a caller's id, or `q:` + a filter hash. */
export type QueryId = Brand<string, 'QueryId'>;
/** An op-log sequence number. */
export type OpSeq = Brand<number, 'OpSeq'>;

export const asTableName = (name: string): TableName => name as TableName;
export const asQueryId = (id: string): QueryId => id as QueryId;
export const asOpSeq = (seq: number): OpSeq => seq as OpSeq;
