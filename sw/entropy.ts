/** The Entropy port over `crypto.getRandomValues`. */
import type { Entropy } from '../src/engine/ports.js';

export function createEntropy(crypto: Crypto): Entropy {
  return {
    randomBytes: () => crypto.getRandomValues(new Uint8Array(16)),
    jitter: () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32,
  };
}

/** A hex id from 16 random bytes (the worker's boot id). */
export const randomHex = (entropy: Entropy): string =>
  Array.from(entropy.randomBytes(), (b) => b.toString(16).padStart(2, '0')).join('');
