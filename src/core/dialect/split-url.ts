/** An absolute URL cut into the pieces the dialect needs; `query` has no `?`, the fragment is dropped. */
export interface UrlParts {
  /** `scheme://host[:port]`, empty for a relative URL. */
  readonly origin: string;
  /** The raw (still percent-encoded) path. */
  readonly path: string;
  /** The raw query string without `?`; empty when there is none. */
  readonly query: string;
}

/** Splits a URL by hand (`URL` is not in core's ES2022 lib). */
export function splitUrl(url: string): UrlParts {
  const hash = url.indexOf('#');
  const noHash = hash < 0 ? url : url.slice(0, hash);
  const mark = noHash.indexOf('?');
  const beforeQuery = mark < 0 ? noHash : noHash.slice(0, mark);
  const query = mark < 0 ? '' : noHash.slice(mark + 1);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/.exec(beforeQuery);
  const origin = scheme ? scheme[0] : '';
  const path = beforeQuery.slice(origin.length) || '/';
  return { origin, path, query };
}
