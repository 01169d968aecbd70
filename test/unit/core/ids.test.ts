import { describe, expect, test } from 'vitest';
import { uuidV4, validateId } from '../../../src/core/ids.js';

describe('validateId', () => {
  const valid = [
    { name: 'a plain id', id: 'abc-123' },
    { name: 'one character', id: 'a' },
    { name: '255 characters', id: 'x'.repeat(255) },
    { name: '255 astral characters', id: '😀'.repeat(255) },
    { name: 'inner spaces', id: ' a b ' },
    { name: 'three dots', id: '...' },
    { name: 'a UUID', id: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    { name: 'a quote mark of another kind', id: "it's" },
  ];
  test.each(valid)('S-08: accepts $name', ({ id }) => {
    expect(validateId(id)).toEqual({ ok: true, value: id });
  });

  const invalid = [
    { name: 'the empty string', id: '' },
    { name: 'only whitespace', id: ' \t ' },
    { name: '"."', id: '.' },
    { name: '".."', id: '..' },
    { name: 'a slash', id: 'a/b' },
    { name: 'a plus', id: 'a+b' },
    { name: 'a double quote', id: 'a"b' },
    { name: 'a question mark', id: 'a?b' },
    { name: 'a backslash', id: 'a\\b' },
    { name: 'a backtick', id: 'a`b' },
    { name: 'U+0000', id: 'a\u0000' },
    { name: 'U+001F', id: 'a\u001f' },
    { name: 'U+007F', id: 'a\u007f' },
    { name: 'U+009F', id: 'a\u009f' },
    { name: '256 characters', id: 'x'.repeat(256) },
    { name: 'a lone high surrogate', id: 'a\ud800' },
    { name: 'a lone low surrogate', id: '\udc00a' },
    { name: 'a number', id: 42 },
    { name: 'null', id: null },
    { name: 'an object', id: { id: 'a' } },
  ];
  test.each(invalid)('S-08: rejects $name with invalid_id and a reason', ({ id }) => {
    const result = validateId(id);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_id');
    expect(typeof result.error.details['reason']).toBe('string');
  });
});

describe('uuidV4', () => {
  const cases = [
    { name: 'all zero bytes', bytes: new Uint8Array(16), want: '00000000-0000-4000-8000-000000000000' },
    { name: 'all 0xff bytes', bytes: new Uint8Array(16).fill(0xff), want: 'ffffffff-ffff-4fff-bfff-ffffffffffff' },
    {
      name: 'counting bytes',
      bytes: Uint8Array.from({ length: 16 }, (_, i) => i * 17),
      want: '00112233-4455-4677-8899-aabbccddeeff',
    },
  ];
  test.each(cases)('S-07: $name give a lowercase UUIDv4', ({ bytes, want }) => {
    const before = Array.from(bytes);
    const id = uuidV4(bytes);
    expect(id).toBe(want);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.|:-]{0,126}$/);
    expect(validateId(id).ok).toBe(true);
    expect(Array.from(bytes)).toEqual(before);
  });

  test('S-07: refuses anything but 16 bytes', () => {
    expect(() => uuidV4(new Uint8Array(15))).toThrow(/16 bytes/);
  });
});
