import { describe, expect, test } from 'vitest';
import { errorResponse, formatError } from '../../../../src/core/dialect/format-error.js';
import { ERROR_CODES, SyncError, type SyncErrorCode } from '../../../../src/core/errors.js';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('error responses', () => {
  const cases = [
    { id: 'S-39', code: 'invalid_query', details: {}, status: 400, extra: {} },
    { id: 'S-30', code: 'top_too_large', details: { maxTop: 1000 }, status: 400, extra: {} },
    { id: 'S-03', code: 'invalid_api_version', details: { version: 'x' }, status: 400, extra: {} },
    { id: 'S-05', code: 'table_not_found', details: { table: 'x' }, status: 404, extra: {} },
    { id: 'S-05', code: 'method_not_allowed', details: { method: 'PATCH', allow: 'GET, POST' }, status: 405, extra: { allow: 'GET, POST' } },
    { id: 'S-05', code: 'method_not_allowed', details: { method: 'TRACE' }, status: 405, extra: { allow: 'GET, POST, PATCH, PUT, DELETE' } },
    { id: 'S-37', code: 'unauthorized', details: {}, status: 401, extra: { 'www-authenticate': 'Bearer' } },
    { id: 'S-12', code: 'payload_too_large', details: { limit: 10 }, status: 413, extra: {} },
    { id: 'S-12', code: 'unsupported_media_type', details: {}, status: 415, extra: {} },
    { id: 'S-15', code: 'item_deleted', details: {}, status: 410, extra: {} },
    { id: 'F-14', code: 'storage_full', details: {}, status: 507, extra: {} },
  ] as const;
  test.each(cases)('$id: $code answers $status with {error, code}', ({ code, details, status, extra }) => {
    const response = formatError(new SyncError(code, details));
    expect(response.status).toBe(status);
    expect(response.headers).toEqual({ 'content-type': JSON_TYPE, 'cache-control': 'no-cache', ...extra });
    expect(response.body).toEqual({ error: expect.stringMatching(/.+/) as unknown, code });
    expect(errorResponse(code, details)).toEqual(response);
  });

  test('S-36: invalid_filter carries the position', () => {
    expect(errorResponse('invalid_filter', { position: 4 }).body).toEqual({ error: expect.any(String) as unknown, code: 'invalid_filter', position: 4 });
  });
});

describe('every error code', () => {
  const codes = Object.keys(ERROR_CODES) as SyncErrorCode[];
  test.each(codes)('S-39: %s answers a 4xx/5xx application/json {error, code}', (code) => {
    const response = formatError(new SyncError(code));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers['content-type']).toBe(JSON_TYPE);
    const body = response.body as { error: unknown; code: unknown };
    expect(body.code).toBe(code);
    expect(typeof body.error === 'string' && body.error.length > 0).toBe(true);
  });
});
