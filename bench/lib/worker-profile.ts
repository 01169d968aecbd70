/**
 * A CPU profile of a service worker while something runs (CDP Profiler over `withWorkerSession`),
 * folded to self time per source location, our bundles' frames named through their source maps.
 * "(idle)" is the worker waiting: on IndexedDB, the network, or the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseSourceMap, type SourceMapLookup } from './source-map.js';
import { withWorkerSession, type OpenSession } from './worker-cdp.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one source location. */
export interface HotSpot {
  readonly where: string;
  readonly ms: number;
  readonly share: number;
}

/** Profiles the worker at `urlPrefix` while `during` runs; the top `limit` locations by self time. */
export async function profileWorker(open: OpenSession, urlPrefix: string, distDir: string, during: () => Promise<void>, limit = 12): Promise<{ totalMs: number; spots: HotSpot[] }> {
  const profile = await withWorkerSession(open, urlPrefix, async (call) => {
    await call('Profiler.enable');
    await call('Profiler.setSamplingInterval', { interval: 250 });
    await call('Profiler.start');
    let failure: unknown = null;
    await during().catch((error: unknown) => (failure = error ?? new Error('profiled work failed')));
    const { profile } = await call<{ profile: Profile }>('Profiler.stop');
    await call('Profiler.disable');
    if (failure !== null) throw failure;
    return profile;
  });
  const maps = new Map<string, SourceMapLookup | null>();
  const mapFor = (url: string): SourceMapLookup | null => {
    const file = path.basename(new URL(url, 'http://x').pathname);
    if (!maps.has(file)) {
      const mapFile = path.join(distDir, `${file}.map`);
      maps.set(file, fs.existsSync(mapFile) ? parseSourceMap(fs.readFileSync(mapFile, 'utf8')) : null);
    }
    return maps.get(file) ?? null;
  };
  const name = (node: ProfileNode): string => {
    const f = node.callFrame;
    if (f.url === '') return f.functionName || '(native)';
    const at = mapFor(f.url)?.lookup(f.lineNumber, f.columnNumber);
    return at ? `${at.source}:${at.line}` : `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    const node = byId.get(id);
    const key = node === undefined ? '?' : name(node);
    self.set(key, (self.get(key) ?? 0) + us);
  });
  const spots = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([where, us]) => ({ where, ms: us / 1000, share: us / Math.max(1, totalUs) }));
  return { totalMs: totalUs / 1000, spots };
}
