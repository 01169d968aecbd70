import { SyncError } from '../errors.js';
import type { FieldValue, Item } from '../item.js';
import { fail, ok, type Result } from '../result.js';

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Parses `$select`: a comma list of field names (PROTOCOL.md §2.2), duplicates dropped, else `invalid_query`. */
export function parseSelect(text: string): Result<readonly string[]> {
  const fields: string[] = [];
  for (const part of text.split(',')) {
    const name = part.trim();
    if (!FIELD_NAME.test(name)) return fail(new SyncError('invalid_query', { reason: `Invalid $select field ${JSON.stringify(name)}` }));
    if (!fields.includes(name)) fields.push(name);
  }
  return ok(fields);
}

/** The item with only the selected fields it has (S-32); a field it lacks stays absent. */
export function project(item: Item, fields: readonly string[]): Item {
  const out: Record<string, FieldValue> = {};
  for (const name of fields) {
    const value = item[name];
    if (Object.hasOwn(item, name) && value !== undefined) out[name] = value;
  }
  return out;
}
