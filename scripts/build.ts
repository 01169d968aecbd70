// `npm run build` (and the browser suite's globalSetup): the three bundles of DESIGN.md §3, one
// Vite library build each, because an IIFE build takes exactly one entry (TESTING.md §10).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type InlineConfig } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** One output of the build. */
export interface BundleSpec {
  readonly entry: string;
  readonly format: 'es' | 'iife';
  readonly fileName: string;
  /** Module ids replaced by others (tests swap the engine for a stub). */
  readonly alias?: Readonly<Record<string, string>>;
}

/** The shipped bundles, relative to the repository root. */
export const BUNDLES: readonly BundleSpec[] = [
  { entry: 'sw/index.ts', format: 'iife', fileName: 'tablesync-sw.js' },
  // `tablesync/sw`: installTablesync(options) for module workers and bundlers.
  { entry: 'sw/module.ts', format: 'es', fileName: 'tablesync-sw.mjs' },
  { entry: 'src/client/script.ts', format: 'iife', fileName: 'tablesync.js' },
  { entry: 'src/client/index.ts', format: 'es', fileName: 'tablesync.mjs' },
  // Loaded by the drop-in only for a page that uses the elements; the npm export `./elements`.
  { entry: 'src/client/elements/index.ts', format: 'es', fileName: 'tablesync-elements.js' },
];

/** The Vite config of one bundle: minified, es2022, sourcemaps, debug logging compiled out. */
export function bundleConfig(spec: BundleSpec, outDir = path.join(root, 'dist')): InlineConfig {
  return {
    configFile: false,
    root,
    mode: 'production',
    logLevel: 'warn',
    publicDir: false,
    define: { 'import.meta.env.DEV': 'false' },
    resolve: {
      alias: Object.entries(spec.alias ?? {}).map(([find, replacement]) => ({ find, replacement })),
    },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      sourcemap: true,
      lib: {
        entry: path.join(root, spec.entry),
        formats: [spec.format],
        fileName: () => spec.fileName,
        ...(spec.format === 'iife' ? { name: spec.fileName.replace(/\W+(\w)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()).replace(/Js$/, '') } : {}),
      },
    },
  };
}

/** Emits the npm entry's declarations to `<outDir>/types` (about 2 s, so the test build skips it). */
function emitTypes(outDir: string): void {
  const args = ['tsc', '-p', 'src/client', '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--rootDir', 'src', '--outDir', path.join(outDir, 'types')];
  const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error('declaration emit failed');
}

/** Builds `dist/tablesync-sw.js`, `dist/tablesync.js`, `dist/tablesync.mjs` and `dist/tablesync-elements.js` (and, with `types`, their declarations). */
export async function buildAll(options: { readonly outDir?: string; readonly types?: boolean } = {}): Promise<void> {
  const outDir = options.outDir ?? path.join(root, 'dist');
  for (const spec of BUNDLES) await build(bundleConfig(spec, outDir));
  if (options.types === true) emitTypes(outDir);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await buildAll({ types: true });
}
