import { isSystemProperty, SYSTEM_PROPERTIES, type FieldValue, type Item } from './item.js';

/** A 3-way merge's answer: the merged row, or the app fields both sides changed differently. */
export type MergeResult =
  | { readonly kind: 'merged'; readonly value: Item }
  | { readonly kind: 'conflict'; readonly fields: readonly string[] };

/**
 * Merges the app fields of `local` and `server` against `base` (`null` for an insert: `{}`): per field the side that
 * differs from base wins, equal changes merge, different changes on both sides conflict; system properties come
 * from `server` (K-07). A missing field counts as `null` (§2.4 rule 1).
 */
export function mergeRows(base: Item | null, local: Item, server: Item): MergeResult {
  const from = base ?? {};
  const names = new Set<string>();
  for (const row of [from, local, server]) for (const name of Object.keys(row)) if (!isSystemProperty(name)) names.add(name);
  const merged: Record<string, FieldValue> = {};
  const conflicts: string[] = [];
  for (const name of [...names].sort()) {
    const b = valueOf(from, name), l = valueOf(local, name), s = valueOf(server, name);
    const side = l === s || s === b ? local : l === b ? server : null;
    if (side === null) conflicts.push(name);
    else if (Object.hasOwn(side, name)) merged[name] = valueOf(side, name);
  }
  if (conflicts.length > 0) return { kind: 'conflict', fields: conflicts };
  const system: Record<string, FieldValue> = {};
  for (const name of SYSTEM_PROPERTIES) {
    if (Object.hasOwn(server, name)) system[name] = valueOf(server, name);
    else if (name === 'id' && Object.hasOwn(local, name)) system[name] = valueOf(local, name);
  }
  return { kind: 'merged', value: { ...system, ...merged } };
}

function valueOf(row: Item, name: string): FieldValue {
  return Object.hasOwn(row, name) ? (row[name] ?? null) : null;
}
