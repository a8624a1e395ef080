import type { BudgetLimit } from '../../src/index.js';

/** $0.2 a day: about 100 calls of 1,000 tokens at $2/M output. */
export const CAP = 0.2;
export const sharedLimits: BudgetLimit[] = [{ name: 'daily', usd: CAP, window: 'day' }];
