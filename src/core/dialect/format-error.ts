import { SyncError, errorBody, statusOf, type SyncErrorCode } from '../errors.js';
import { baseHeaders } from './response-headers.js';
import type { TableResponse } from './types.js';

/**
 * An error answer (S-39): `{"error", "code"}` (+ `position` for `invalid_filter`) with the code's
 * status; 405 adds `Allow` from `details.allow`, 401 adds `WWW-Authenticate: Bearer` (S-05, S-37).
 */
export function formatError(error: SyncError): TableResponse {
  const headers = baseHeaders(true);
  const allow = error.details['allow'];
  if (error.code === 'method_not_allowed') headers['allow'] = typeof allow === 'string' ? allow : 'GET, POST, PATCH, PUT, DELETE';
  if (error.code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
  return { status: statusOf(error.code), headers, body: errorBody(error) };
}

/** Shorthand for `formatError(new SyncError(code, details))`. */
export const errorResponse = (code: SyncErrorCode, details: Readonly<Record<string, unknown>> = {}): TableResponse =>
  formatError(new SyncError(code, details));
