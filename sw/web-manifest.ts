/**
 * What the app shell must keep for an installed app to launch offline: the web app manifest a
 * document links to, and the files that manifest names (its icons and start URL). Pure: text in,
 * absolute URLs out; a worker has no DOMParser, so the document's tags are read with a small scanner.
 */

const LINK_TAG = /<link\b[^>]*>/gi;
const BASE_TAG = /<base\b[^>]*>/i;
const ATTRIBUTE = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', quot: '"', apos: "'", lt: '<', gt: '>' };

const decodeEntities = (value: string): string =>
  value.replace(/&(#x[0-9a-f]+|#\d+|amp|quot|apos|lt|gt);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return ENTITIES[lower] ?? whole;
  });

/** The attributes of one start tag, names lowercased (the first of a repeated name wins, as in HTML). */
function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const inner = tag.replace(/^<\w+/, '').replace(/\/?>$/, '');
  for (const match of inner.matchAll(ATTRIBUTE)) {
    const name = (match[1] ?? '').toLowerCase();
    if (!attributes.has(name)) attributes.set(name, decodeEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attributes;
}

const resolve = (href: string, base: string): string | null => {
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return null;
  }
};

/** The absolute URL of the first `<link rel="manifest" href>` of an HTML document (honouring `<base href>`), else null. */
export function manifestUrlOf(html: string, documentUrl: string): string | null {
  // Comments and scripts may hold tags that are not the document's.
  const text = html.replace(/<!--[\s\S]*?-->/g, '').replace(/<script\b[\s\S]*?<\/script\s*>/gi, '');
  const baseHref = attributesOf(BASE_TAG.exec(text)?.[0] ?? '<base>').get('href');
  const base = (baseHref !== undefined && resolve(baseHref, documentUrl)) || documentUrl;
  for (const [tag] of text.matchAll(LINK_TAG)) {
    const attributes = attributesOf(tag);
    const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/);
    const href = attributes.get('href');
    if (rel.includes('manifest') && href !== undefined && href.trim() !== '') return resolve(href, base);
  }
  return null;
}

/** The absolute URLs a manifest names for launching: its `icons[].src` and its `start_url` (relative to the manifest). */
export function manifestFilesOf(manifest: unknown, manifestUrl: string): string[] {
  if (typeof manifest !== 'object' || manifest === null) return [];
  const { icons, start_url: startUrl } = manifest as { icons?: unknown; start_url?: unknown };
  const sources = Array.isArray(icons) ? icons.map((icon: unknown) => (typeof icon === 'object' && icon !== null ? (icon as { src?: unknown }).src : undefined)) : [];
  const files = [...sources, startUrl]
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
    .map((value) => resolve(value, manifestUrl))
    .filter((url): url is string => url !== null);
  return [...new Set(files)];
}
