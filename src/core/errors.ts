/** Stable snake_case codes: they go on the wire in `{"error", "code"}` bodies (PROTOCOL.md §2.6). */
export type SyncErrorCode =
  | 'invalid_api_version'
  | 'method_not_allowed'
  | 'not_found'
  | 'table_not_found'
  | 'item_not_found'
  | 'item_deleted'
  | 'id_mismatch'
  | 'id_conflict'
  | 'invalid_json'
  | 'invalid_item'
  | 'invalid_id'
  | 'reserved_property'
  | 'unauthorized'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'invalid_filter'
  | 'invalid_query'
  | 'top_too_large'
  | 'storage_full'
  | 'storage_unavailable'
  | 'pending_operations'
  | 'invalid_pull_query'
  | 'invalid_purge'
  | 'invalid_server_row'
  | 'conflict_not_found'
  | 'operation_not_found'
  | 'internal_error';

type Details = Readonly<Record<string, unknown>>;

const str = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);
const quoted = (v: unknown): string => JSON.stringify(v ?? '');

/** Each code's HTTP status on the wire and its one line; the lines always ship, they fill `error` in every error body. */
export const ERROR_CODES: { readonly [C in SyncErrorCode]: readonly [status: number, message: (d: Details) => string] } = {
  invalid_api_version: [400, (d) => `Unsupported ZUMO-API-VERSION ${JSON.stringify(d['version'] ?? null)}: use 2.0.x or 3.0.x`],
  method_not_allowed: [405, (d) => `Method ${str(d['method'], 'this method')} is not allowed here`],
  not_found: [404, (d) => (typeof d['path'] === 'string' ? `Nothing is served at ${JSON.stringify(d['path'])}` : 'Not found')],
  table_not_found: [404, (d) => `Table ${quoted(d['table'])} does not exist`],
  item_not_found: [404, () => 'The item does not exist'],
  item_deleted: [410, () => 'The item has been deleted'],
  id_mismatch: [400, () => 'The id in the body does not match the id in the URL'],
  id_conflict: [409, () => 'An item with this id already exists'],
  invalid_json: [400, () => 'The request body is not valid JSON'],
  invalid_item: [400, (d) => str(d['reason'], 'The request body is not a valid item')],
  invalid_id: [400, (d) => str(d['reason'], 'The id is not valid')],
  reserved_property: [400, (d) => `The property ${quoted(d['property'])} is reserved`],
  unauthorized: [401, () => 'Valid credentials are required'],
  unsupported_media_type: [415, () => 'The request body must be application/json'],
  payload_too_large: [413, (d) => `The request body is larger than ${String(d['limit'] ?? 'the limit')} bytes`],
  invalid_filter: [400, (d) => `Invalid $filter at position ${String(d['position'] ?? 0)}: ${str(d['reason'], 'syntax error')}`],
  invalid_query: [400, (d) => str(d['reason'], 'Invalid query option')],
  top_too_large: [400, (d) => `You cannot request more than ${String(d['maxTop'] ?? '')} records`],
  storage_full: [507, () => 'Local storage is full'],
  storage_unavailable: [503, (d) => `Local storage cannot be opened: ${String(d['reason'])}`],
  pending_operations: [409, (d) => `Table ${quoted(d['table'])} has pending operations`],
  invalid_pull_query: [400, (d) => str(d['reason'], 'A pull query may only hold a $filter')],
  invalid_purge: [400, (d) => str(d['reason'], 'Invalid purge options')],
  invalid_server_row: [502, (d) => str(d['reason'], 'The server sent rows without a usable updatedAt')],
  conflict_not_found: [404, (d) => `No conflict ${quoted(d['conflictId'])}`],
  operation_not_found: [404, (d) => `No failed operation ${quoted(d['seq'])}`],
  internal_error: [500, () => 'Internal error'],
};

/** An expected failure with a stable code; details carry the facts (position, table, status...). */
export class SyncError extends Error {
  readonly code: SyncErrorCode;
  readonly details: Details;
  constructor(code: SyncErrorCode, details: Details = {}) {
    super(ERROR_CODES[code][1](details));
    this.name = 'SyncError';
    this.code = code;
    this.details = details;
  }
}

/** The HTTP status a code answers with on the wire. */
export const statusOf = (code: SyncErrorCode): number => ERROR_CODES[code][0];

/** The wire body of an error: `{error, code}` plus `position` for invalid_filter (PROTOCOL.md §2.4). */
export function errorBody(error: SyncError): { error: string; code: SyncErrorCode; position?: number } {
  const position = error.details['position'];
  return typeof position === 'number'
    ? { error: error.message, code: error.code, position }
    : { error: error.message, code: error.code };
}

export const isSyncError = (value: unknown): value is SyncError => value instanceof SyncError;
