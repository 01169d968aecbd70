import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { SyncError } from '../core/errors.js';
import { fail, ok, type Result } from '../core/result.js';

/** JWT settings: an HS256 shared secret, or a JWKS URL; issuer and audience checked when given. */
export interface AuthOptions {
  readonly secret?: string;
  readonly jwksUrl?: string;
  readonly issuer?: string;
  readonly audience?: string;
}

/** The caller a valid token names. */
export interface Caller {
  readonly subject: string;
}

/** Verifies the bearer token of a request's headers (lowercased names). */
export type AuthVerifier = (headers: Readonly<Record<string, string | undefined>>) => Promise<Result<Caller>>;

/** The token from `Authorization: Bearer <jwt>` or `X-ZUMO-AUTH: <jwt>` (PROTOCOL.md §2.1), or null. */
export function bearerToken(headers: Readonly<Record<string, string | undefined>>): string | null {
  const authorization = headers['authorization'];
  const match = authorization === undefined ? null : /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  if (match?.[1] !== undefined) return match[1];
  const zumo = headers['x-zumo-auth']?.trim();
  return zumo === undefined || zumo === '' ? null : zumo;
}

/** A verifier over `jose`, or null when no secret or JWKS is configured (auth off). */
export function createAuthVerifier(options: AuthOptions | undefined): AuthVerifier | null {
  if (options === undefined || (options.secret === undefined && options.jwksUrl === undefined)) return null;
  const key: Uint8Array | JWTVerifyGetKey =
    options.secret !== undefined ? new TextEncoder().encode(options.secret) : createRemoteJWKSet(new URL(options.jwksUrl ?? ''));
  const verifyOptions = {
    ...(options.secret !== undefined ? { algorithms: ['HS256'] } : {}),
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    ...(options.audience !== undefined ? { audience: options.audience } : {}),
  };
  return async (headers) => {
    const token = bearerToken(headers);
    if (token === null) return fail(new SyncError('unauthorized', { reason: 'no token' }));
    try {
      const { payload } =
        key instanceof Uint8Array ? await jwtVerify(token, key, verifyOptions) : await jwtVerify(token, key, verifyOptions);
      if (typeof payload.sub !== 'string' || payload.sub === '') return fail(new SyncError('unauthorized', { reason: 'no subject' }));
      return ok({ subject: payload.sub });
    } catch {
      return fail(new SyncError('unauthorized', { reason: 'invalid token' }));
    }
  };
}
