import type { AuthHeaders } from './engine-types.js';

/** The app's latest credentials, in worker memory only (F-15, U-18). */
export interface Credentials {
  /** Takes `authorization` / `x-zumo-auth` from an app request's lowercased headers; true when they changed. */
  capture(headers: Readonly<Record<string, string>>): boolean;
  /** `setAuth`: replaces them (always counting as new credentials) or clears them. */
  set(headers: AuthHeaders | null): void;
  current(): AuthHeaders;
  /** Headers to stamp on an upstream request at send time. */
  outbound(): Record<string, string>;
  /** Bumped whenever new credentials arrive (a needs-auth stop waits for a newer one, U-13). */
  readonly generation: number;
}

/** Credentials held in a closure, never persisted or logged. */
export function createCredentials(): Credentials {
  let auth: AuthHeaders = {};
  let generation = 0;
  const same = (a: AuthHeaders, b: AuthHeaders): boolean => a.authorization === b.authorization && a.zumoAuth === b.zumoAuth;
  return {
    capture(headers) {
      const authorization = headers['authorization'];
      const zumoAuth = headers['x-zumo-auth'];
      if (authorization === undefined && zumoAuth === undefined) return false;
      const next: AuthHeaders = {
        ...(authorization === undefined ? {} : { authorization }),
        ...(zumoAuth === undefined ? {} : { zumoAuth }),
      };
      if (same(next, auth)) return false;
      auth = next;
      generation++;
      return true;
    },
    set(headers) {
      auth = headers === null ? {} : { ...headers };
      if (headers !== null) generation++;
    },
    current: () => auth,
    outbound() {
      const out: Record<string, string> = {};
      if (auth.authorization !== undefined) out['authorization'] = auth.authorization;
      if (auth.zumoAuth !== undefined) out['x-zumo-auth'] = auth.zumoAuth;
      return out;
    },
    get generation() {
      return generation;
    },
  };
}
