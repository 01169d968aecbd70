/** The Clock port over `Date.now` and `setTimeout`. */
import type { Clock } from '../src/engine/ports.js';

export const createClock = (): Clock => ({
  now: () => Date.now(),
  after(ms, task) {
    const timer = setTimeout(task, ms);
    return () => clearTimeout(timer);
  },
});
