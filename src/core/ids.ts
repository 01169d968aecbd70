import { SyncError } from './errors.js';
import { fail, ok, type Result } from './result.js';
import { isStorableText } from './storable-text.js';

/** Characters an id must not contain (PROTOCOL.md §2.2, as [js] checks them). */
const FORBIDDEN = /[+"/?\\`\u0000-\u001f\u007f-\u009f]/u;

const invalid = (reason: string): Result<never> => fail(new SyncError('invalid_id', { reason }));

/**
 * Checks an item id against PROTOCOL.md §2.2 (S-08): a string of 1–255 characters, not all
 * whitespace, without `+ " / ? \` backtick, control characters or unpaired surrogates, and not `.` or `..`.
 */
export function validateId(value: unknown): Result<string> {
  if (typeof value !== 'string') return invalid('The id must be a string');
  const length = [...value].length;
  if (length === 0) return invalid('The id must not be empty');
  if (length > 255) return invalid('The id must be at most 255 characters long');
  if (value.trim() === '') return invalid('The id must not be only whitespace');
  if (value === '.' || value === '..') return invalid('The id must not be "." or ".."');
  const bad = FORBIDDEN.exec(value);
  if (bad) return invalid(`The id must not contain ${JSON.stringify(bad[0])}`);
  if (!isStorableText(value)) return invalid('The id must not hold an unpaired surrogate');
  return ok(value);
}

/** A lowercase UUIDv4 made from 16 random bytes the caller supplies (core has no randomness). */
export function uuidV4(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new Error(`uuidV4 needs 16 bytes, got ${bytes.length}`);
  const b = Array.from(bytes);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
