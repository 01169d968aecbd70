/** Enough of source maps (v3) to name a generated line and column by its source file and line: a profile's frames in our bundles. */

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one segment's base64 VLQ fields. */
function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Where a generated position came from. */
export interface SourcePosition {
  readonly source: string;
  /** 1-based. */
  readonly line: number;
}

export interface SourceMapLookup {
  /** `line` and `column` 0-based, as CDP gives them. */
  lookup(line: number, column: number): SourcePosition | null;
}

export function parseSourceMap(json: string): SourceMapLookup {
  const map = JSON.parse(json) as { sources: string[]; mappings: string };
  const lines: { col: number; source: number; line: number }[][] = [];
  let source = 0, srcLine = 0, srcCol = 0, name = 0;
  for (const text of map.mappings.split(';')) {
    const segments: { col: number; source: number; line: number }[] = [];
    let col = 0;
    for (const segment of text.split(',')) {
      if (segment === '') continue;
      const f = decodeVlq(segment);
      col += f[0] ?? 0;
      if (f.length >= 4) {
        source += f[1] ?? 0;
        srcLine += f[2] ?? 0;
        srcCol += f[3] ?? 0;
        if (f.length >= 5) name += f[4] ?? 0;
        segments.push({ col, source, line: srcLine });
      }
    }
    lines.push(segments);
  }
  return {
    lookup(line, column) {
      const segments = lines[line];
      if (!segments || segments.length === 0) return null;
      let best: { source: number; line: number } | null = null;
      for (const s of segments) {
        if (s.col > column) break;
        best = s;
      }
      best ??= segments[0] ?? null;
      if (best === null) return null;
      const file = map.sources[best.source] ?? '?';
      return { source: file.replace(/^(\.\.\/)+/, ''), line: best.line + 1 };
    },
  };
}
