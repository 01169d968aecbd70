import type { Op } from './op.js';

/**
 * The identity of the app's credentials: `iss|sub` of the JWT in `Authorization: Bearer …`, else in `X-ZUMO-AUTH`;
 * null when neither holds a decodable token with a string `sub`. Never throws (§3.4 step 9, U-17).
 */
export function identityOf({ authorization, zumoAuth }: { readonly authorization?: string; readonly zumoAuth?: string }): string | null {
  const bearer = authorization === undefined ? undefined : /^\s*bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  return (bearer === undefined ? null : identityOfJwt(bearer)) ?? (zumoAuth === undefined ? null : identityOfJwt(zumoAuth.trim()));
}

/** True when the op may be sent under the current identity: it recorded none, or the same one (U-17). */
export function mayPush(op: Pick<Op, 'identity'>, currentIdentity: string | null): boolean {
  return op.identity === null || op.identity === currentIdentity;
}

function identityOfJwt(token: string): string | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const text = decodeBase64Url(parts[1] ?? '');
  if (text === null) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const { iss, sub } = payload as { iss?: unknown; sub?: unknown };
  if (typeof sub !== 'string' || sub === '') return null;
  return `${typeof iss === 'string' ? iss : ''}|${sub}`;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** base64url (padding optional; `+` `/` accepted too) → UTF-8 text, by hand: `src/core` has neither `atob` nor `TextDecoder`. */
function decodeBase64Url(input: string): string | null {
  const text = input.replace(/=+$/, '');
  if (text.length % 4 === 1) return null;
  let escaped = '';
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = char === '+' ? 62 : char === '/' ? 63 : ALPHABET.indexOf(char);
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      escaped += '%' + ((buffer >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  try {
    return decodeURIComponent(escaped);
  } catch {
    return null;
  }
}
