/**
 * What an attempt (or a whole call) cost, in USD, broken down by the token classes of the usage
 * vocabulary. The parts add up to `total`. `input` is uncached input; `output` excludes reasoning.
 */
export interface Cost {
  currency: 'USD';
  total: number;
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}
