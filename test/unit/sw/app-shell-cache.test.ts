// The app-shell cache's rules over an in-memory Cache Storage: which requests it takes, what it
// stores (never a token's response, F-15), what it answers offline, and which versions it retires.
import { describe, expect, test, vi } from 'vitest';
import { SHELL_CACHE, createAppShellCache, type ShellCacheStorage, type ShellRequest } from '../../../sw/app-shell-cache.js';

const origin = 'https://app.example';

/** Cache Storage in memory, keyed by URL (no Vary), enough for these rules. */
function memoryCaches(initial: Readonly<Record<string, Readonly<Record<string, string>>>> = {}) {
  const stores = new Map<string, Map<string, Response>>();
  for (const [name, entries] of Object.entries(initial))
    stores.set(name, new Map(Object.entries(entries).map(([url, body]) => [url, new Response(body)])));
  const keyOf = (request: RequestInfo | URL): string => (request instanceof Request ? request.url : String(request));
  const caches: ShellCacheStorage = {
    async open(name) {
      const store = stores.get(name) ?? new Map<string, Response>();
      stores.set(name, store);
      return {
        match: async (request: RequestInfo | URL) => store.get(keyOf(request))?.clone(),
        put: async (request: RequestInfo | URL, response: Response) => void store.set(keyOf(request), response),
      };
    },
    keys: async () => [...stores.keys()],
    delete: async (name) => stores.delete(name),
  };
  const bodyOf = (name: string, url: string) => stores.get(name)?.get(url)?.clone().text();
  return { caches, stores, bodyOf };
}

/** A request as the worker sees it; Node refuses to construct `mode: 'navigate'`, so it is set after. */
function request(url: string, options: { mode?: RequestMode; destination?: RequestDestination; method?: string; headers?: Record<string, string> } = {}): Request {
  const made = new Request(new URL(url, origin), { method: options.method ?? 'GET', ...(options.headers ? { headers: options.headers } : {}) });
  Object.defineProperty(made, 'mode', { value: options.mode ?? 'no-cors' });
  Object.defineProperty(made, 'destination', { value: options.destination ?? '' });
  return made;
}

const navigation = (url: string) => request(url, { mode: 'navigate', destination: 'document' });

function shellWith(network: (request: Request) => Promise<Response>, caches: ShellCacheStorage, enabled = true) {
  const onError = vi.fn();
  const shell = createAppShellCache({ caches, fetch: network, origin, startUrl: `${origin}/`, enabled, onError });
  return { shell, onError };
}

const offline = () => Promise.reject(new TypeError('Failed to fetch'));

describe('handles', () => {
  const cases: readonly { name: string; request: ShellRequest; want: boolean }[] = [
    { name: 'a navigation', request: navigation('/'), want: true },
    { name: 'a navigation with a query', request: navigation('/?list=2'), want: true },
    ...(['script', 'style', 'image', 'font', 'manifest'] as const).map((destination) => ({
      name: `a ${destination}`,
      request: request('/file', { destination }),
      want: true,
    })),
    { name: 'a fetch() from page code (no destination)', request: request('/data.json'), want: false },
    { name: 'a POST navigation', request: request('/', { mode: 'navigate', destination: 'document', method: 'POST' }), want: false },
    { name: 'a HEAD', request: request('/app.js', { destination: 'script', method: 'HEAD' }), want: false },
    { name: 'another origin', request: request('https://cdn.example/lib.js', { destination: 'script' }), want: false },
    { name: 'a /tables read, even as a navigation', request: navigation('/tables/todoitem'), want: false },
    { name: 'the /tables root', request: navigation('/tables'), want: false },
    { name: 'F-15: a request carrying Authorization', request: request('/app.js', { destination: 'script', headers: { Authorization: 'Bearer t' } }), want: false },
    { name: 'F-15: a request carrying X-ZUMO-AUTH', request: request('/app.js', { destination: 'script', headers: { 'X-ZUMO-AUTH': 't' } }), want: false },
  ];
  const { shell } = shellWith(offline, memoryCaches().caches);
  test.each(cases)('$name → $want', ({ request: r, want }) => {
    expect(shell.handles(r)).toBe(want);
  });

  test('shell=off: nothing is handled', () => {
    expect(shellWith(offline, memoryCaches().caches, false).shell.handles(navigation('/'))).toBe(false);
  });
});

describe('online: network first, storable responses copied', () => {
  test('a 200 is answered from the network and stored', async () => {
    const { caches, bodyOf } = memoryCaches({ [SHELL_CACHE]: { [`${origin}/app.js`]: 'old' } });
    const { shell, onError } = shellWith(async () => new Response('new', { status: 200 }), caches);
    const { response, stored } = shell.respond(request('/app.js', { destination: 'script' }));
    expect(await (await response).text()).toBe('new');
    await stored;
    expect(await bodyOf(SHELL_CACHE, `${origin}/app.js`)).toBe('new');
    expect(onError).not.toHaveBeenCalled();
  });

  const redirected = () => Object.defineProperty(new Response('moved'), 'redirected', { value: true }) as Response;
  const unstorable = [
    { name: 'Cache-Control: no-store', make: () => new Response('x', { headers: { 'Cache-Control': 'private, No-Store' } }) },
    { name: 'a 404', make: () => new Response('x', { status: 404 }) },
    { name: 'a 500', make: () => new Response('x', { status: 500 }) },
    { name: 'a 206', make: () => new Response('x', { status: 206 }) },
    { name: 'a redirected response', make: redirected },
  ];
  test.each(unstorable)('$name is answered but not stored', async ({ make }) => {
    const { caches, stores } = memoryCaches();
    const { shell } = shellWith(async () => make(), caches);
    const { response, stored } = shell.respond(request('/page', { destination: 'document' }));
    expect(await (await response).text()).toBe(make === redirected ? 'moved' : 'x');
    await stored;
    expect(stores.get(SHELL_CACHE)?.size ?? 0).toBe(0);
  });

  test('a failed cache write is reported and the response still served', async () => {
    const failing: ShellCacheStorage = {
      open: async () => ({ match: async () => undefined, put: async () => Promise.reject(new DOMException('full', 'QuotaExceededError')) }),
      keys: async () => [],
      delete: async () => false,
    };
    const { shell, onError } = shellWith(async () => new Response('ok'), failing);
    const { response, stored } = shell.respond(request('/style.css', { destination: 'style' }));
    expect(await (await response).text()).toBe('ok');
    await stored;
    expect(onError).toHaveBeenCalledOnce();
  });
});

describe('offline: the cached copy', () => {
  const cached = { [SHELL_CACHE]: { [`${origin}/`]: 'start page', [`${origin}/app.js`]: 'script', [`${origin}/about`]: 'about' } };

  test('a subresource or navigation with a copy gets it', async () => {
    const { shell } = shellWith(offline, memoryCaches(cached).caches);
    expect(await (await shell.respond(request('/app.js', { destination: 'script' })).response).text()).toBe('script');
    expect(await (await shell.respond(navigation('/about')).response).text()).toBe('about');
  });

  test('a navigation with no copy of its own gets the start page', async () => {
    const { shell } = shellWith(offline, memoryCaches(cached).caches);
    expect(await (await shell.respond(navigation('/?list=2')).response).text()).toBe('start page');
  });

  test('with no copy, a network error as without the worker (subresource, or navigation without a start page)', async () => {
    const { shell } = shellWith(offline, memoryCaches({ [SHELL_CACHE]: { [`${origin}/app.js`]: 'script' } }).caches);
    expect((await shell.respond(request('/missing.png', { destination: 'image' })).response).type).toBe('error');
    const { response, stored } = shell.respond(navigation('/somewhere'));
    expect((await response).type).toBe('error');
    await expect(stored).resolves.toBeUndefined();
  });
});

describe('activate', () => {
  const names = { 'tablesync-shell-v0': {}, [SHELL_CACHE]: {}, 'the-apps-own-cache': {} };

  test('removes other shell versions and keeps the current one and the app’s caches', async () => {
    const { caches } = memoryCaches(names);
    await shellWith(offline, caches).shell.activate();
    expect(await caches.keys()).toEqual([SHELL_CACHE, 'the-apps-own-cache']);
  });

  test('shell=off: removes every shell cache', async () => {
    const { caches } = memoryCaches(names);
    await shellWith(offline, caches, false).shell.activate();
    expect(await caches.keys()).toEqual(['the-apps-own-cache']);
  });
});

describe('warm: files a page loaded before the worker controlled it', () => {
  test('stores the shell’s files and the start page, skipping cached, foreign, /tables and unstorable ones', async () => {
    const { caches, stores, bodyOf } = memoryCaches({ [SHELL_CACHE]: { [`${origin}/style.css`]: 'kept' } });
    const fetched: string[] = [];
    const network = async (r: Request) => {
      fetched.push(r.url);
      if (r.url.endsWith('/private.js')) return new Response('x', { headers: { 'Cache-Control': 'no-store' } });
      if (r.url.endsWith('/gone.png')) return new Response('x', { status: 404 });
      return new Response(`fresh ${new URL(r.url).pathname}`);
    };
    const { shell } = shellWith(network, caches);
    await shell.warm([
      `${origin}/index.html`,
      `${origin}/app.js`,
      `${origin}/app.js`,
      `${origin}/style.css`,
      `${origin}/private.js`,
      `${origin}/gone.png`,
      `${origin}/tables/todoitem`,
      'https://cdn.example/lib.js',
      'not a url',
    ]);
    expect(fetched.sort()).toEqual([`${origin}/`, `${origin}/app.js`, `${origin}/gone.png`, `${origin}/index.html`, `${origin}/private.js`]);
    expect([...(stores.get(SHELL_CACHE)?.keys() ?? [])].sort()).toEqual([`${origin}/`, `${origin}/app.js`, `${origin}/index.html`, `${origin}/style.css`]);
    expect(await bodyOf(SHELL_CACHE, `${origin}/style.css`)).toBe('kept');
  });

  test('offline, nothing is stored and nothing throws; shell=off stores nothing', async () => {
    const { caches, stores } = memoryCaches();
    await shellWith(offline, caches).shell.warm([`${origin}/app.js`]);
    await shellWith(async () => new Response('x'), caches, false).shell.warm([`${origin}/app.js`]);
    expect(stores.get(SHELL_CACHE)?.size ?? 0).toBe(0);
  });
});

describe('the manifest a stored document links to, and the files it names (installed app offline)', () => {
  const html = (head: string) => new Response(`<!doctype html><html><head>${head}</head><body></body></html>`, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  const manifest = {
    name: 'Todo',
    start_url: '/?source=pwa',
    icons: [{ src: '/icon.svg' }, { src: 'icons/192.png', sizes: '192x192' }, { src: 'https://cdn.example/512.png' }, { src: '/icons/192.png' }],
  };
  /** A site: `/` links to `/app/manifest.json`, which names its icons and start URL; every file is recorded when fetched. */
  function site(overrides: Readonly<Record<string, () => Response>> = {}) {
    const fetched: string[] = [];
    const files: Record<string, () => Response> = {
      '/': () => html('<link rel="stylesheet" href="/style.css"><link rel="manifest" href="/app/manifest.json">'),
      '/app/manifest.json': () => Response.json(manifest, { headers: { 'content-type': 'application/manifest+json' } }),
      ...overrides,
    };
    const network = async (r: Request) => {
      const url = new URL(r.url);
      fetched.push(url.pathname + url.search);
      return (files[url.pathname] ?? (() => new Response(`file ${url.pathname}`)))();
    };
    return { network, fetched };
  }
  const storedPaths = (stores: Map<string, Map<string, Response>>) =>
    [...(stores.get(SHELL_CACHE)?.keys() ?? [])].map((url) => new URL(url).pathname + new URL(url).search).sort();

  test('warm: a document brings its manifest, the manifest its same-origin icons and start URL (relative to the manifest)', async () => {
    const { caches, stores } = memoryCaches();
    const { network, fetched } = site();
    await shellWith(network, caches).shell.warm([`${origin}/`]);
    expect(storedPaths(stores)).toEqual(['/', '/?source=pwa', '/app/icons/192.png', '/app/manifest.json', '/icon.svg', '/icons/192.png']);
    expect(fetched.filter((p) => p === '/app/manifest.json')).toHaveLength(1);
  });

  test('a navigation answered by the network brings them too; cached files are not fetched again', async () => {
    const { caches, stores } = memoryCaches({ [SHELL_CACHE]: { [`${origin}/icon.svg`]: 'svg' } });
    const { network, fetched } = site();
    const { shell, onError } = shellWith(network, caches);
    await shell.respond(navigation('/')).stored;
    expect(storedPaths(stores)).toEqual(['/', '/?source=pwa', '/app/icons/192.png', '/app/manifest.json', '/icon.svg', '/icons/192.png']);
    expect(fetched).not.toContain('/icon.svg');
    expect(onError).not.toHaveBeenCalled();
  });

  test('a manifest the browser fetches (network first) brings the icons it newly names', async () => {
    const { caches, stores } = memoryCaches();
    const { network } = site({ '/app/manifest.json': () => Response.json({ icons: [{ src: '/new-icon.png' }] }) });
    const { shell } = shellWith(network, caches);
    await shell.respond(request('/app/manifest.json', { destination: 'manifest' })).stored;
    expect(storedPaths(stores)).toEqual(['/app/manifest.json', '/new-icon.png']);
  });

  const quiet = [
    { name: 'no manifest link', page: () => html('<link rel="icon" href="/icon.svg">') },
    { name: 'a foreign manifest', page: () => html('<link rel="manifest" href="https://other.example/m.json">') },
    { name: 'a manifest that is not JSON', page: () => html('<link rel="manifest" href="/bad.json">') },
    { name: 'a document that is not HTML', page: () => new Response('<link rel="manifest" href="/app/manifest.json">', { headers: { 'content-type': 'text/plain' } }) },
  ];
  test.each(quiet)('$name: only the document is stored, and nothing is reported', async ({ page }) => {
    const { caches, stores } = memoryCaches();
    const { network } = site({ '/': page, '/bad.json': () => new Response('{nope', { headers: { 'content-type': 'application/json' } }) });
    const { shell, onError } = shellWith(network, caches);
    await shell.warm([`${origin}/`]);
    expect(storedPaths(stores).filter((p) => p !== '/bad.json')).toEqual(['/']);
    expect(onError).not.toHaveBeenCalled();
  });
});
