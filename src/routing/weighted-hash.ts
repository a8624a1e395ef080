// Weighted choices for the routing layers: weighted rendezvous (highest-random-weight) hashing for
// sticky assignment, and plain weighted random picks. Pure functions over plain arrays so `split` and
// `loadBalance` (and their tests) share one implementation.

const TWO_POW_32 = 4_294_967_296;
const TWO_POW_53 = 9_007_199_254_740_992;

/** Murmur3's 32-bit finalizer: a full-avalanche bijection on 32 bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A fast non-cryptographic 53-bit hash of a string (two 32-bit lanes, murmur-style mixing), continuing
 * from `seed` (another `hash53` result) so "this key for this arm" costs one pass over the key. Not for
 * anything adversarial: it only has to spread keys evenly and independently per seed.
 */
export function hash53(text: string, seed = 0): number {
  let h1 = (0x9e3779b9 ^ (seed >>> 0)) >>> 0;
  let h2 = (0x7f4a7c15 ^ Math.floor(seed / TWO_POW_32)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // The rotations carry high bits back into the low ones, which multiplication alone never does.
    h1 = Math.imul(h1 ^ c, 0xcc9e2d51);
    h1 = (h1 << 15) | (h1 >>> 17);
    h2 = Math.imul(h2 ^ c, 0x1b873593);
    h2 = (h2 << 13) | (h2 >>> 19);
    h1 = (h1 + h2) | 0;
  }
  h1 = fmix32(h1 ^ text.length);
  h2 = fmix32((h2 + h1) | 0);
  h1 = fmix32((h1 + h2) | 0);
  return (h2 & 0x1f_ffff) * TWO_POW_32 + h1;
}

/** A 53-bit hash as a uniform number in (0, 1]; never 0, so `-Math.log(u)` is finite. */
export function unitFromHash(hash: number): number {
  return (hash + 1) / TWO_POW_53;
}

/** One option of a weighted choice. `seed` is `hash53` of the option's stable identity. */
export interface WeightedOption {
  readonly weight: number;
  readonly seed: number;
}

/**
 * Weighted rendezvous hashing: the index of the option with the highest score `weight / -ln(u)`,
 * where `u` is uniform from hashing `key` with the option's seed. Each option wins a share of keys
 * equal to its share of the total weight; a key's winner depends only on the key and the options, so
 * it is the same every time; raising one option's weight (or adding an option) only moves keys to
 * that option, never between the others. Options with weight 0 never win. Returns -1 when no option
 * has a positive weight.
 */
export function rendezvousIndex(key: string, options: readonly WeightedOption[]): number {
  let best = -1;
  // Compare -ln(u) / weight and keep the smallest: the same order as weight / -ln(u), without a division by zero.
  let bestScore = Infinity;
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    if (!(o.weight > 0)) continue;
    const score = -Math.log(unitFromHash(hash53(key, o.seed))) / o.weight;
    if (best === -1 || score < bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return best;
}

/**
 * A weighted random index among `indices` (all of `weights` when omitted), using `random()` in [0, 1).
 * Weights of 0 are never picked. Returns -1 when no weight is positive.
 */
export function weightedRandomIndex(weights: readonly number[], random: () => number, indices?: readonly number[]): number {
  const n = indices ? indices.length : weights.length;
  let total = 0;
  for (let j = 0; j < n; j++) total += weights[indices ? indices[j]! : j]!;
  if (!(total > 0)) return -1;
  let r = random() * total;
  let last = -1;
  for (let j = 0; j < n; j++) {
    const i = indices ? indices[j]! : j;
    const w = weights[i]!;
    if (!(w > 0)) continue;
    last = i;
    r -= w;
    if (r < 0) return i;
  }
  // Floating-point sums can leave r a hair above 0 at the end: the last positive weight takes it.
  return last;
}
