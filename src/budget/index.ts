export { budget, type Budget, type BudgetLimit, type BudgetLimitStatus, type BudgetOptions, type BudgetThresholdEvent } from './budget.js';
export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { memoryStore, type MemoryStoreOptions } from './memory-store.js';
export type { BudgetStore, CounterAmount, CounterState, ReserveRequest, ReserveResult, StoreCounter, StoreWindow } from './store.js';
export type { BudgetWindow, DurationString } from './windows.js';
export type { LimitScope } from './scope.js';
export { estimateInputTokens, loadTokenizer, tokenizerFamily, type EstimateOptions, type InputEstimate, type TokenizerFamily } from './estimate.js';
