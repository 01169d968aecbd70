// `npm run check`: typecheck every layer under its own lib (the purity fence), then lint import boundaries.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const projects = ['src/core', 'src/engine', 'src/server', 'src/client', 'sw', 'tsconfig.tools.json', 'test/unit/sw'];
let failed = false;
const hasSources = (dir: string): boolean =>
  !existsSync(dir) || !dir.startsWith('src/') || readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.ts') && !String(f).endsWith('tsconfig.json'));
for (const project of projects) {
  if (!hasSources(project)) {
    console.log(`skip tsc -p ${project} (no sources yet)`);
    continue;
  }
  const run = spawnSync('npx', ['tsc', '--noEmit', '-p', project], { stdio: 'inherit' });
  console.log(`${run.status === 0 ? 'ok  ' : 'FAIL'} tsc -p ${project}`);
  failed ||= run.status !== 0;
}
const lint = spawnSync('npx', ['eslint', '--max-warnings=0', '.'], { stdio: 'inherit' });
console.log(`${lint.status === 0 ? 'ok  ' : 'FAIL'} eslint`);
process.exit(failed || lint.status !== 0 ? 1 : 0);
