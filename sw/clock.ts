/** The Clock port over `Date.now`. */
import type { Clock } from '../src/engine/ports.js';

export const createClock = (): Clock => ({ now: () => Date.now() });
