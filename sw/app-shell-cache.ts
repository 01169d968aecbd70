/**
 * The app shell's runtime cache (DESIGN.md §5): same-origin GET navigations and static
 * subresources go to the network first and fall back to their cached copy when it fails, so an
 * offline reload or an installed app's cold start still shows the page. A document stored here
 * also brings its web app manifest and the icons and start URL that manifest names, which the
 * browser fetches only when it checks installability or launches the installed app.
 */
import { manifestFilesOf, manifestUrlOf } from './web-manifest.js';

/** The Cache Storage name of this version; a new name retires the old cache on `activate`. */
export const SHELL_CACHE = 'tablesync-shell-v1';

const SHELL_PREFIX = 'tablesync-shell-';
/** F-15: a response to a request carrying a token is never stored. */
const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'x-zumo-auth'];
const STATIC_DESTINATIONS: readonly string[] = ['document', 'script', 'style', 'image', 'font', 'manifest'];

/** The parts of a request that decide whether the shell cache takes it. */
export type ShellRequest = Pick<Request, 'method' | 'url' | 'mode' | 'destination' | 'headers'>;

/** The slice of Cache Storage the shell cache uses (`self.caches` fits). */
export interface ShellCacheStorage {
  open(name: string): Promise<Pick<Cache, 'match' | 'put'>>;
  keys(): Promise<string[]>;
  delete(name: string): Promise<boolean>;
}

/** What the shell cache is built from. */
export interface AppShellCacheOptions {
  readonly caches: ShellCacheStorage;
  readonly fetch: (request: Request) => Promise<Response>;
  /** The worker's origin: nothing else is cached. */
  readonly origin: string;
  /** The page served to an offline navigation with no copy of its own (the scope's start page). */
  readonly startUrl: string;
  /** False (`shell=off`): nothing is handled and `activate` removes every shell cache. */
  readonly enabled: boolean;
  readonly onError: (error: unknown) => void;
}

/** A network-first cache for the app shell. */
export interface AppShellCache {
  /** Whether a request is the shell's: a same-origin GET navigation or static file, outside `/tables`, carrying no `Authorization` or `X-ZUMO-AUTH`. */
  handles(request: ShellRequest): boolean;
  /** The network's response (a storable one copied to the cache, with a document's manifest files, settled in `stored`), else the cached copy, else a network error. */
  respond(request: Request): { readonly response: Promise<Response>; readonly stored: Promise<void> };
  /** Stores those of `urls` (and the start page) that are the shell's and not yet cached, a page's files loaded before the worker controlled it, with the manifest a stored document links to and its files. */
  warm(urls: readonly string[]): Promise<void>;
  /** Deletes the shell caches of other versions (all of them when disabled). */
  activate(): Promise<void>;
}

const isTablePath = (pathname: string): boolean => pathname === '/tables' || pathname.startsWith('/tables/');

const urlOf = (value: string): URL | null => {
  try {
    return new URL(value);
  } catch {
    return null;
  }
};

const noStore = (response: Response): boolean =>
  (response.headers.get('cache-control') ?? '').split(',').some((directive) => directive.trim().toLowerCase() === 'no-store');

/**
 * Only a plain 200 is kept (opaque responses are 0): Cache.put refuses 206, and a redirected response
 * replayed to a navigation is a network error in Chromium.
 */
const isStorable = (response: Response): boolean =>
  response.status === 200 && !response.redirected && !noStore(response);

/** Deletes every shell cache but `keep`: those of other versions, or all of them from a worker without the shell. */
export async function dropShellCaches(caches: Pick<ShellCacheStorage, 'keys' | 'delete'>, keep: string | null): Promise<void> {
  const stale = (await caches.keys()).filter((name) => name.startsWith(SHELL_PREFIX) && name !== keep);
  await Promise.all(stale.map((name) => caches.delete(name)));
}

/** Builds the shell cache; it opens nothing until a request or `activate` needs it. */
export function createAppShellCache(options: AppShellCacheOptions): AppShellCache {
  const open = () => options.caches.open(SHELL_CACHE);
  /** Manifest URLs learned from documents in this worker's life: their fresh copies bring new icons along. */
  const manifests = new Set<string>();

  const isOwnFile = (value: string): boolean => {
    const url = urlOf(value);
    return url !== null && url.origin === options.origin && !isTablePath(url.pathname);
  };

  async function cached(request: Request): Promise<Response | undefined> {
    const cache = await open();
    const own = await cache.match(request);
    if (own !== undefined || request.mode !== 'navigate') return own;
    return cache.match(options.startUrl);
  }

  /** Fetches and stores `url` unless a copy is cached; resolves with a readable copy of what was stored (else undefined). */
  async function storeIfMissing(url: string): Promise<Response | undefined> {
    const cache = await open();
    if ((await cache.match(url)) !== undefined) return undefined;
    const response = await options.fetch(new Request(url)).catch(() => null);
    if (response === null || !isStorable(response)) return undefined;
    const copy = response.clone();
    await cache.put(url, response);
    return copy;
  }

  /** Stores the files a manifest names that are not cached yet (an icon never changes its URL lightly). */
  async function keepManifestFiles(manifestUrl: string, manifest: Response): Promise<void> {
    const files = manifestFilesOf(await manifest.json().catch(() => null), manifestUrl).filter(isOwnFile);
    await Promise.all(files.map((url) => storeIfMissing(url)));
  }

  /** A stored document's manifest (fetched if not cached) and the files it names. */
  async function keepManifestOf(documentUrl: string, document: Response): Promise<void> {
    if (!(document.headers.get('content-type') ?? '').toLowerCase().includes('html')) return;
    const manifestUrl = manifestUrlOf(await document.text(), documentUrl);
    if (manifestUrl === null || !isOwnFile(manifestUrl)) return;
    manifests.add(manifestUrl);
    const manifest = (await storeIfMissing(manifestUrl)) ?? (await (await open()).match(manifestUrl));
    if (manifest !== undefined) await keepManifestFiles(manifestUrl, manifest);
  }

  /** What a stored response brings along: a document its manifest, a manifest its files. */
  function follow(request: Request): ((copy: Response) => Promise<void>) | null {
    if (request.mode === 'navigate') return (copy) => keepManifestOf(request.url, copy);
    if (request.destination === 'manifest' || manifests.has(request.url)) return (copy) => keepManifestFiles(request.url, copy);
    return null;
  }

  return {
    handles(request) {
      if (!options.enabled || request.method !== 'GET' || CREDENTIAL_HEADERS.some((name) => request.headers.has(name))) return false;
      if (!isOwnFile(request.url)) return false;
      return request.mode === 'navigate' || STATIC_DESTINATIONS.includes(request.destination);
    },

    respond(request) {
      const then = follow(request);
      // Cloned as the response arrives, before the page can start reading its body.
      const network = options.fetch(request).then((fresh) => {
        const storable = isStorable(fresh);
        return { fresh, copy: storable ? fresh.clone() : null, read: storable && then !== null ? fresh.clone() : null };
      });
      // With no copy, a network error as without the worker (a rejected respondWith is an uncaught error).
      const response = network.then(
        ({ fresh }) => fresh,
        async () => (await cached(request).catch(() => undefined)) ?? Response.error(),
      );
      const stored = network
        .then(
          async ({ copy, read }) => {
            if (copy !== null) await (await open()).put(request, copy);
            if (read !== null && then !== null) await then(read);
          },
          () => undefined,
        )
        .catch(options.onError);
      return { response, stored };
    },

    async warm(urls) {
      if (!options.enabled) return;
      const wanted = [...new Set([options.startUrl, ...urls])].filter(isOwnFile);
      await Promise.all(
        wanted.map(async (url) => {
          const stored = await storeIfMissing(url);
          if (stored !== undefined) await keepManifestOf(url, stored);
        }),
      );
    },

    activate: () => dropShellCaches(options.caches, options.enabled ? SHELL_CACHE : null),
  };
}
