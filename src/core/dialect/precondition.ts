import type { Precondition } from './types.js';

/** The `ETag` of a version: quoted, with `"` escaped as `\"` (PROTOCOL.md §2.2). */
export const formatETag = (version: string): string => `"${version.replace(/"/g, '\\"')}"`;

/** One member of an entity-tag list: separators, an optional weak prefix, then a quoted tag (to its close, or the end) or a bare token. */
const LIST_MEMBER = /[ \t,]*(w\/)?(?:"((?:\\"|[^"])*)"?[^,]*|([^,]*))/giy;

/**
 * Reads an `If-Match` / `If-None-Match` value (S-18): `*`, or a comma list of entity tags whose
 * quotes are stripped and `\"` unescaped; weak tags `W/"…"` are dropped, as they never match; an
 * unquoted token is taken as the version itself. An absent or blank header is null.
 */
export function parsePrecondition(header: string | undefined): Precondition | null {
  if (header === undefined || header.trim() === '') return null;
  const versions: string[] = [];
  for (const [, weak, quoted, bare = ''] of header.matchAll(LIST_MEMBER)) {
    const tag = quoted?.replace(/\\"/g, '"') ?? bare.trim();
    if (weak !== undefined || (quoted === undefined && tag === '')) continue;
    if (tag === '*') return { kind: 'any' };
    versions.push(tag);
  }
  return { kind: 'tags', versions };
}

/**
 * Whether an `If-Match` passes against a row (S-17, S-18, F-10): no precondition always does, `*`
 * does for an existing row, a tag list when it names one of `versions` (the row's version on the
 * server, its known versions in the façade).
 */
export function ifMatchPasses(precondition: Precondition | null, versions: readonly string[] | null): boolean {
  if (precondition === null) return true;
  if (versions === null) return false;
  if (precondition.kind === 'any') return true;
  return precondition.versions.some((v) => versions.includes(v));
}

/** Whether an `If-None-Match` hits a row of this version, so a GET by id answers 304 (S-14, F-06). */
export function ifNoneMatchHits(precondition: Precondition | null, version: string | null): boolean {
  if (precondition === null || version === null) return false;
  return precondition.kind === 'any' || precondition.versions.includes(version);
}

/**
 * The conflict status of a write against a row whose acceptable versions are `versions` (S-17,
 * S-18, S-19, F-10, F-12): 412 when `If-Match` fails, 409 when a v2 PATCH body `version` (given
 * only without `If-Match`) is not among them, null when the write may go ahead.
 */
export function conflictStatusOf(
  preconditions: { readonly ifMatch: Precondition | null; readonly expectedVersion: string | null },
  versions: readonly string[],
): 409 | 412 | null {
  if (!ifMatchPasses(preconditions.ifMatch, versions)) return 412;
  if (preconditions.expectedVersion !== null && !versions.includes(preconditions.expectedVersion)) return 409;
  return null;
}
