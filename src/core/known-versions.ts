import type { Precondition } from './dialect/types.js';

/** How many pushed versions a row remembers (PROTOCOL.md §3.2). */
export const MAX_KNOWN_VERSIONS = 16;

/**
 * The known versions after a pulled or adopted server row: `[version]`, unless this device already knows it (an
 * echo of its own write), which keeps the list (§3.2, L-05, U-11, F-11).
 */
export function adoptServerVersion(known: readonly string[], version: string | null): readonly string[] {
  if (version === null) return [];
  return known.includes(version) ? known : [version];
}

/** The known versions after a `server` resolution: only the server row's (K-03). */
export function resetKnownVersions(version: string | null): readonly string[] {
  return version === null ? [] : [version];
}

/** The known versions after a successful push: the new version appended, the newest 16 kept (§3.4 step 6, F-11). */
export function appendPushedVersion(known: readonly string[], version: string | null): readonly string[] {
  if (version === null || known.at(-1) === version) return known;
  const next = [...known.filter((v) => v !== version), version];
  return next.length > MAX_KNOWN_VERSIONS ? next.slice(next.length - MAX_KNOWN_VERSIONS) : next;
}

/** True when the façade's `If-Match` passes: absent, `*`, or one tag among the known versions (F-10, F-11). */
export function passes(precondition: Precondition | null, known: readonly string[]): boolean {
  if (precondition === null || precondition.kind === 'any') return true;
  return precondition.versions.some((v) => known.includes(v));
}
