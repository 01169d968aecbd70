import { describe, expect, test } from 'vitest';
import { SyncError, errorBody, statusOf } from '../../../src/core/errors.js';

describe('errors', () => {
  test('S-39: every error body has a non-empty message and its code', () => {
    const error = new SyncError('top_too_large', { maxTop: 1000 });
    expect(errorBody(error)).toEqual({ error: 'You cannot request more than 1000 records', code: 'top_too_large' });
    expect(statusOf(error.code)).toBe(400);
  });
  test('S-36: invalid_filter bodies carry the position', () => {
    const body = errorBody(new SyncError('invalid_filter', { position: 7, reason: 'unexpected token' }));
    expect(body.position).toBe(7);
    expect(body.code).toBe('invalid_filter');
  });
});
