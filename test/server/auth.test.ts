import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createAuthVerifier } from '../../src/server/auth.js';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunningServer } from '../../src/server/start-server.js';
import { createClient, DIALECTS, type Client } from './support/client.js';
import { DATABASES } from './support/databases.js';
import { startTestServer } from './support/test-server.js';

const SECRET = 'test-secret-at-least-32-bytes-long!!';
const key = new TextEncoder().encode(SECRET);

async function token(claims: { sub?: string; exp?: number; secret?: Uint8Array }): Promise<string> {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
  jwt = jwt.setExpirationTime(claims.exp ?? '1h');
  return jwt.sign(claims.secret ?? key);
}

describe.each(DATABASES)('auth and owner scoping on %s', (kind) => {
  let server: RunningServer;
  let dispose: () => Promise<void>;
  let api: Client;
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  beforeAll(async () => {
    ({ server, dispose } = await startTestServer(kind, 'auth', {
      auth: { secret: SECRET },
      tables: [{ name: 'notes', ownerColumn: 'userId' }, { name: 'secrets', ownerColumn: true }, { name: 'open', auth: false }],
    }));
    api = createClient(server.url);
    alice = { authorization: `Bearer ${await token({ sub: 'alice' })}` };
    bob = { 'x-zumo-auth': await token({ sub: 'bob' }) };
  });
  afterAll(async () => dispose());
  beforeEach(async () => server.reset());

  describe.each(DIALECTS)('%s', (dialect) => {
    test.each([
      { name: 'no token', headers: async (): Promise<Record<string, string>> => ({}) },
      { name: 'a token signed with another key', headers: async () => ({ authorization: `Bearer ${await token({ sub: 'x', secret: new TextEncoder().encode('another-secret-of-32-bytes-length!!') })}` }) },
      { name: 'an expired token', headers: async () => ({ authorization: `Bearer ${await token({ sub: 'x', exp: Math.floor(Date.now() / 1000) - 60 })}` }) },
      { name: 'a token without a subject', headers: async () => ({ authorization: `Bearer ${await token({})}` }) },
      { name: 'a malformed token', headers: async () => ({ 'x-zumo-auth': 'not.a.jwt' }) },
      { name: 'a Basic credential', headers: async () => ({ authorization: 'Basic YWxpY2U6cHc=' }) },
    ])(`S-37: $name gets 401 unauthorized with WWW-Authenticate: Bearer (${dialect})`, async ({ headers }) => {
      const h = await headers();
      for (const [method, path, body] of [['GET', '/tables/notes', undefined], ['POST', '/tables/notes', { text: 'x' }], ['GET', '/tables/secrets/a', undefined]] as const) {
        const r = await api(method, path, { dialect, headers: h, ...(body ? { body } : {}) });
        expect([r.status, r.body.code]).toEqual([401, 'unauthorized']);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
      }
      expect((await api('GET', '/tables/notes', { dialect, headers: alice })).body).toEqual(dialect === 'v2' ? [] : { items: [] });
    });

    test(`S-37: a valid token in Authorization: Bearer or X-ZUMO-AUTH passes; a table without auth needs none (${dialect})`, async () => {
      expect((await api('GET', '/tables/notes', { dialect, headers: alice })).status).toBe(200);
      expect((await api('GET', '/tables/notes', { dialect, headers: bob })).status).toBe(200);
      expect((await api('POST', '/tables/open', { dialect, body: { text: 'x' } })).status).toBe(201);
    });

    test(`S-38: user B never lists, reads, updates or deletes user A's rows (${dialect})`, async () => {
      const a = await api('POST', '/tables/notes', { dialect, headers: alice, body: { id: 'n1', text: 'mine', userId: 'bob' } });
      expect(a.status).toBe(201);
      expect(a.body.userId).toBe('alice'); // the token's subject, whatever the body says
      await api('POST', '/tables/notes', { dialect, headers: alice, body: { id: 'n2', text: 'gone' } });
      await api('DELETE', '/tables/notes/n2', { dialect, headers: alice });
      const b = await api('POST', '/tables/notes', { dialect, headers: bob, body: { id: 'b1', text: 'bobs' } });
      expect(b.status).toBe(201);

      const list = await api('GET', '/tables/notes?__includeDeleted=true&$inlinecount=allpages', { dialect, headers: bob });
      expect((dialect === 'v2' ? list.body.results : list.body.items).map((r: { id: string }) => r.id)).toEqual(['b1']);
      expect(list.body.count).toBe(1);
      const filtered = await api('GET', `/tables/notes?$filter=${encodeURIComponent("userId eq 'alice' or id eq 'n1'")}`, { dialect, headers: bob });
      expect(filtered.text).not.toContain('n1');
      for (const [method, path, body] of [
        ['GET', '/tables/notes/n1', undefined],
        ['GET', '/tables/notes/n2?__includeDeleted=true', undefined],
        ['PATCH', '/tables/notes/n1', { text: 'hacked' }],
        ['PUT', '/tables/notes/n1', { text: 'hacked' }],
        ['PUT', '/tables/notes/n2?__includedeleted=true', { text: 'hacked' }],
        ['DELETE', '/tables/notes/n1', undefined],
        ['POST', '/tables/notes/n2', undefined],
      ] as const) {
        const r = await api(method, path, { dialect, headers: { ...bob, 'if-match': '*' }, ...(body ? { body } : {}) });
        expect([method, path, r.status, r.body.code]).toEqual([method, path, 404, 'item_not_found']);
      }
      const steal = await api('POST', '/tables/notes', { dialect, headers: bob, body: { id: 'n1', text: 'mine now' } });
      expect([steal.status, steal.body.code]).toEqual([409, 'id_conflict']);
      expect(steal.text).not.toContain('mine"');
      const mine = await api('GET', '/tables/notes/n1', { dialect, headers: alice });
      expect(mine.body).toEqual(a.body);
    });

    test(`S-38: a hidden owner column keeps rows apart without showing the owner (${dialect})`, async () => {
      const a = await api('POST', '/tables/secrets', { dialect, headers: alice, body: { id: 's1', text: 'x', owner: 'bob' } });
      expect(a.status).toBe(201);
      expect(a.body).not.toHaveProperty('owner', 'alice');
      expect((await api('GET', '/tables/secrets/s1', { dialect, headers: bob })).status).toBe(404);
      expect((await api('GET', '/tables/secrets/s1', { dialect, headers: alice })).status).toBe(200);
    });
  });
});

test('S-37: a token is verified against a JWKS URL, with issuer and audience checked', async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
  const jwks = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  try {
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`;
    const verify = createAuthVerifier({ jwksUrl, issuer: 'https://issuer.example', audience: 'tablesync' });
    if (verify === null) throw new Error('auth should be on');
    const sign = (iss: string, aud: string) =>
      new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('carol').setIssuer(iss).setAudience(aud).setExpirationTime('1h').sign(privateKey);
    const good = await verify({ authorization: `Bearer ${await sign('https://issuer.example', 'tablesync')}` });
    expect(good).toEqual({ ok: true, value: { subject: 'carol' } });
    for (const bad of [await sign('https://evil.example', 'tablesync'), await sign('https://issuer.example', 'other')]) {
      const r = await verify({ 'x-zumo-auth': bad });
      expect(r.ok ? 'ok' : r.error.code).toBe('unauthorized');
    }
  } finally {
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
  }
});
