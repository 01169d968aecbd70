// Builds dist/ for the engine suites unless it is newer than every source: in `npm test` the
// browser project's setup has built it a moment before (TESTING.md §12 rule 4: build once).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLES, buildAll } from '../../scripts/build.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const newestSource = (): number =>
  Math.max(
    ...['src', 'sw'].flatMap((dir) =>
      readdirSync(path.join(root, dir), { recursive: true })
        .map(String)
        .filter((file) => file.endsWith('.ts'))
        .map((file) => statSync(path.join(root, dir, file)).mtimeMs),
    ),
  );

function isFresh(): boolean {
  const outputs = BUNDLES.map((b) => path.join(root, 'dist', b.fileName));
  if (!outputs.every((file) => existsSync(file))) return false;
  return Math.min(...outputs.map((file) => statSync(file).mtimeMs)) > newestSource();
}

export default async function setup(): Promise<void> {
  if (!isFresh()) await buildAll();
}
