export { SwitchyardError } from './switchyard-error.js';
export { ConfigError } from './config-error.js';
export { InvalidRequestError } from './invalid-request-error.js';
export { AbortError, CircuitOpenError, DeadlineExceededError, FallbackExhaustedError, StreamInterruptedError, type DeliveredContent } from './call-errors.js';
export * from './provider-error.js';
export { providerErrorFromStatus, parseRetryAfter, type StatusErrorInit } from './from-status.js';
export { BudgetExceededError, GovernanceStoreError, RateLimitExceededError, type BudgetExceededInit, type BudgetMetric, type RateLimitExceededInit } from './governance-errors.js';
