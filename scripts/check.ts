// `npm run check`: typecheck every layer under its own lib (the purity fence), then lint import boundaries.
import { spawnSync } from 'node:child_process';

const projects = ['src/core', 'src/engine', 'src/server', 'src/client', 'sw', 'tsconfig.tools.json'];
let failed = false;
for (const project of projects) {
  const run = spawnSync('npx', ['tsc', '--noEmit', '-p', project], { stdio: 'inherit' });
  console.log(`${run.status === 0 ? 'ok  ' : 'FAIL'} tsc -p ${project}`);
  failed ||= run.status !== 0;
}
const lint = spawnSync('npx', ['eslint', '--max-warnings=0', '.'], { stdio: 'inherit' });
console.log(`${lint.status === 0 ? 'ok  ' : 'FAIL'} eslint`);
process.exit(failed || lint.status !== 0 ? 1 : 0);
