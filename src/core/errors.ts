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
  | 'pending_operations'
  | 'invalid_pull_query'
  | 'invalid_purge'
  | 'invalid_server_row'
  | 'conflict_not_found'
  | 'operation_not_found'
  | 'internal_error';

type Details = Readonly<Record<string, unknown>>;

const str = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);

/** One line per code; these always ship, they fill `error` in every error body. */
const messages: { readonly [C in SyncErrorCode]: (d: Details) => string } = {
  invalid_api_version: (d) => `Unsupported ZUMO-API-VERSION ${JSON.stringify(d['version'] ?? null)}: use 2.0.x or 3.0.x`,
  method_not_allowed: (d) => `Method ${str(d['method'], 'this method')} is not allowed here`,
  not_found: (d) => (typeof d['path'] === 'string' ? `Nothing is served at ${JSON.stringify(d['path'])}` : 'Not found'),
  table_not_found: (d) => `Table ${JSON.stringify(d['table'] ?? '')} does not exist`,
  item_not_found: () => 'The item does not exist',
  item_deleted: () => 'The item has been deleted',
  id_mismatch: () => 'The id in the body does not match the id in the URL',
  id_conflict: () => 'An item with this id already exists',
  invalid_json: () => 'The request body is not valid JSON',
  invalid_item: (d) => str(d['reason'], 'The request body is not a valid item'),
  invalid_id: (d) => str(d['reason'], 'The id is not valid'),
  reserved_property: (d) => `The property ${JSON.stringify(d['property'] ?? '')} is reserved`,
  unauthorized: () => 'Valid credentials are required',
  unsupported_media_type: () => 'The request body must be application/json',
  payload_too_large: (d) => `The request body is larger than ${String(d['limit'] ?? 'the limit')} bytes`,
  invalid_filter: (d) => `Invalid $filter at position ${String(d['position'] ?? 0)}: ${str(d['reason'], 'syntax error')}`,
  invalid_query: (d) => str(d['reason'], 'Invalid query option'),
  top_too_large: (d) => `You cannot request more than ${String(d['maxTop'] ?? '')} records`,
  storage_full: () => 'Local storage is full',
  pending_operations: (d) => `Table ${JSON.stringify(d['table'] ?? '')} has pending operations`,
  invalid_pull_query: (d) => str(d['reason'], 'A pull query may only hold a $filter'),
  invalid_purge: (d) => str(d['reason'], 'Invalid purge options'),
  invalid_server_row: (d) => str(d['reason'], 'The server sent rows without a usable updatedAt'),
  conflict_not_found: (d) => `No conflict ${JSON.stringify(d['conflictId'] ?? '')}`,
  operation_not_found: (d) => `No failed operation ${JSON.stringify(d['seq'] ?? '')}`,
  internal_error: () => 'Internal error',
};

/** An expected failure with a stable code; details carry the facts (position, table, status...). */
export class SyncError extends Error {
  readonly code: SyncErrorCode;
  readonly details: Details;
  constructor(code: SyncErrorCode, details: Details = {}) {
    super(messages[code](details));
    this.name = 'SyncError';
    this.code = code;
    this.details = details;
  }
}

/** The HTTP status each code answers with on the wire. */
export const statusOf: { readonly [C in SyncErrorCode]: number } = {
  invalid_api_version: 400,
  method_not_allowed: 405,
  not_found: 404,
  table_not_found: 404,
  item_not_found: 404,
  item_deleted: 410,
  id_mismatch: 400,
  id_conflict: 409,
  invalid_json: 400,
  invalid_item: 400,
  invalid_id: 400,
  reserved_property: 400,
  unauthorized: 401,
  unsupported_media_type: 415,
  payload_too_large: 413,
  invalid_filter: 400,
  invalid_query: 400,
  top_too_large: 400,
  storage_full: 507,
  pending_operations: 409,
  invalid_pull_query: 400,
  invalid_purge: 400,
  invalid_server_row: 502,
  conflict_not_found: 404,
  operation_not_found: 404,
  internal_error: 500,
};

/** The wire body of an error: `{error, code}` plus `position` for invalid_filter (PROTOCOL.md §2.4). */
export function errorBody(error: SyncError): { error: string; code: SyncErrorCode; position?: number } {
  const position = error.details['position'];
  return typeof position === 'number'
    ? { error: error.message, code: error.code, position }
    : { error: error.message, code: error.code };
}

export const isSyncError = (value: unknown): value is SyncError => value instanceof SyncError;
