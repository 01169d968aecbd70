// Builds dist/ once for the browser suite (TESTING.md §12 rule 4).
import { buildAll } from '../../scripts/build.js';

export default async function setup(): Promise<void> {
  await buildAll();
}
