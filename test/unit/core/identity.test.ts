import { describe, expect, test } from 'vitest';
import { identityOf, mayPush } from '../../../src/core/identity.js';

/** base64url of UTF-8 text, built with Node's Buffer (the test runs in Node; the code under test may not). */
const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const jwt = (payload: unknown): string => `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify(payload))}.sig`;

describe('identity', () => {
  const alice = jwt({ iss: 'https://issuer', sub: 'alice' });
  const bob = jwt({ iss: 'https://issuer', sub: 'bob' });
  test.each([
    { name: 'a bearer token gives iss|sub', authorization: `Bearer ${alice}`, zumo: null, want: 'https://issuer|alice' },
    { name: 'the scheme is case-insensitive', authorization: `bearer  ${alice} `, zumo: null, want: 'https://issuer|alice' },
    { name: 'X-ZUMO-AUTH alone', authorization: null, zumo: bob, want: 'https://issuer|bob' },
    { name: 'Authorization wins over X-ZUMO-AUTH', authorization: `Bearer ${alice}`, zumo: bob, want: 'https://issuer|alice' },
    { name: 'an undecodable Authorization falls back to X-ZUMO-AUTH', authorization: 'Basic dXNlcjpwYXNz', zumo: bob, want: 'https://issuer|bob' },
    { name: 'no credentials', authorization: null, zumo: null, want: null },
    { name: 'a token without iss keeps the separator', authorization: `Bearer ${jwt({ sub: 's' })}`, zumo: null, want: '|s' },
    { name: 'UTF-8 claims decode', authorization: `Bearer ${jwt({ iss: 'ïss', sub: 'ü🙂' })}`, zumo: null, want: 'ïss|ü🙂' },
    { name: 'padded and standard base64 are accepted', authorization: null, zumo: `x.${Buffer.from('{"sub":"~~~>>>??"}').toString('base64')}.y`, want: '|~~~>>>??' },
    { name: 'two segments are not a JWT', authorization: `Bearer a.${b64url('{"sub":"s"}')}`, zumo: null, want: null },
    { name: 'a payload that is not JSON', authorization: `Bearer a.${b64url('not json')}.c`, zumo: null, want: null },
    { name: 'a payload that is not an object', authorization: `Bearer a.${b64url('"s"')}.c`, zumo: null, want: null },
    { name: 'a payload without sub', authorization: `Bearer ${jwt({ iss: 'i' })}`, zumo: null, want: null },
    { name: 'an empty sub', authorization: `Bearer ${jwt({ iss: 'i', sub: '' })}`, zumo: null, want: null },
    { name: 'characters outside base64url', authorization: 'Bearer a.b*c.d', zumo: null, want: null },
    { name: 'an impossible base64 length', authorization: 'Bearer a.abcde.d', zumo: null, want: null },
    { name: 'bytes that are not UTF-8', authorization: `Bearer a.${Buffer.from([0xff, 0xfe]).toString('base64url')}.c`, zumo: null, want: null },
  ])('U-17: $name', ({ authorization, zumo, want }) => {
    expect(identityOf({ ...(authorization === null ? {} : { authorization }), ...(zumo === null ? {} : { zumoAuth: zumo }) })).toBe(want);
  });

  test.each([
    { name: 'an op without identity goes under any credentials', op: null, current: 'i|bob', want: true },
    { name: 'an op without identity goes without credentials', op: null, current: null, want: true },
    { name: 'the same identity goes', op: 'i|alice', current: 'i|alice', want: true },
    { name: 'another identity waits', op: 'i|alice', current: 'i|bob', want: false },
    { name: 'no current credentials wait', op: 'i|alice', current: null, want: false },
  ])('U-17: $name', ({ op, current, want }) => {
    expect(mayPush({ identity: op }, current)).toBe(want);
  });
});
