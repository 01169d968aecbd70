/**
 * A held conflict field by field (base, mine, theirs) and the Resolution a person's picks make:
 * every pick mine is `{kind:'client'}`, every pick theirs `{kind:'server'}`, a mix `{kind:'merge', value}`
 * (PROTOCOL.md §3.5, K-04, K-03, K-06). No DOM here.
 */
import type { Conflict, Resolution, Row } from '../../protocol.js';

/** Which side a field's value is taken from. */
export type Side = 'mine' | 'theirs';

type Value = Row[string];

/** One app field of a conflict. */
export interface FieldDiff {
  readonly name: string;
  /** `undefined`: the row lacks the field (or there is no such row). */
  readonly base: Value | undefined;
  readonly mine: Value | undefined;
  readonly theirs: Value | undefined;
  readonly mineChanged: boolean;
  readonly theirsChanged: boolean;
  /** Both sides hold the same value: there is nothing to pick. */
  readonly agreed: boolean;
  /** The side a 3-way merge takes (the one that changed); when both changed differently, mine. */
  readonly suggested: Side;
}

const SYSTEM_PROPERTIES: readonly string[] = ['id', 'createdAt', 'updatedAt', 'version', 'deleted'];

/** A missing field counts as null, as in the engine's merge (PROTOCOL.md §2.4 rule 1). */
const valueOf = (row: Row | null, name: string): Value => (row !== null && Object.hasOwn(row, name) ? (row[name] ?? null) : null);
const shown = (row: Row | null, name: string): Value | undefined => (row !== null && Object.hasOwn(row, name) ? row[name] : undefined);

/** The server row when it is a live row (not missing, not a tombstone). */
export const liveServerRow = (conflict: Pick<Conflict, 'serverRow'>): Row | null =>
  conflict.serverRow !== null && conflict.serverRow['deleted'] !== true ? conflict.serverRow : null;

/** True when both sides hold a row, so fields can be picked one by one. */
export const canPickFields = (conflict: Pick<Conflict, 'localRow' | 'serverRow'>): boolean => conflict.localRow !== null && liveServerRow(conflict) !== null;

/** The app fields of base, mine and theirs, in name order. */
export function fieldsOf(conflict: Pick<Conflict, 'baseRow' | 'localRow' | 'serverRow' | 'opKind'>): FieldDiff[] {
  const base = conflict.opKind === 'insert' ? null : conflict.baseRow;
  const mine = conflict.localRow;
  const theirs = liveServerRow(conflict);
  const names = new Set<string>();
  for (const row of [base, mine, theirs]) for (const name of Object.keys(row ?? {})) if (!SYSTEM_PROPERTIES.includes(name)) names.add(name);
  return [...names].sort().map((name) => {
    const b = valueOf(base, name), m = valueOf(mine, name), t = valueOf(theirs, name);
    const mineChanged = m !== b, theirsChanged = t !== b;
    return {
      name,
      base: shown(base, name),
      mine: shown(mine, name),
      theirs: shown(theirs, name),
      mineChanged,
      theirsChanged,
      agreed: m === t,
      suggested: theirsChanged && !mineChanged ? 'theirs' : 'mine',
    };
  });
}

/** The picks a 3-way merge would make, for the fields there is something to pick. */
export const suggestedPicks = (fields: readonly FieldDiff[]): Map<string, Side> =>
  new Map(fields.filter((field) => !field.agreed).map((field) => [field.name, field.suggested]));

/** The resolution for `picks` (fields without a pick take their suggestion). */
export function resolutionFor(conflict: Conflict, picks: ReadonlyMap<string, Side>): Resolution {
  const fields = fieldsOf(conflict).filter((field) => !field.agreed);
  const sides = fields.map((field) => picks.get(field.name) ?? field.suggested);
  const theirs = liveServerRow(conflict);
  // Nothing differs: the server already holds this row, and taking it costs no request.
  if (fields.length === 0 && theirs !== null) return { kind: 'server' };
  if (!canPickFields(conflict) || sides.every((side) => side === 'mine')) return { kind: 'client' };
  if (sides.every((side) => side === 'theirs')) return { kind: 'server' };
  const mine = conflict.localRow ?? {};
  const server = theirs ?? {};
  const value: Record<string, Value> = {};
  // The server's system properties, as the engine's merge preset keeps them; the id is forced anyway (K-06).
  for (const name of SYSTEM_PROPERTIES) if (Object.hasOwn(server, name)) value[name] = server[name] ?? null;
  value['id'] = conflict.itemId;
  for (const field of fieldsOf(conflict)) {
    const from = field.agreed || (picks.get(field.name) ?? field.suggested) === 'mine' ? mine : server;
    if (Object.hasOwn(from, field.name)) value[field.name] = from[field.name] ?? null;
  }
  return { kind: 'merge', value };
}
