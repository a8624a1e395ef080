// The public API of switchyard. Everything a user touches is exported from here; test helpers live
// in `switchyard/testing`.

export { createGateway, type Gateway } from './gateway/create-gateway.js';
export type { GatewayConfig, AliasConfig } from './gateway/gateway-config.js';
export { ChatStream } from './core/chat-stream.js';
export { wrapOpenAI } from './openai-compat/wrap-openai.js';
export type { OpenAIFacade, OpenAICompletionsFacade, OpenAIFacadeOptions } from './openai-compat/openai-facade.js';
export type { OpenAICompatStream } from './openai-compat/to-openai-chunks.js';
export type { OpenAICompatRequestOptions } from './openai-compat/from-openai-params.js';

export { openai, type OpenAIAdapterOptions } from './providers/openai/openai-adapter.js';
export { anthropic, type AnthropicAdapterOptions } from './providers/anthropic/anthropic-adapter.js';
export { gemini, type GeminiAdapterOptions } from './providers/gemini/gemini-adapter.js';

export { split, splitChooser, type SplitArm, type SplitArms, type SplitKey, type SplitOptions, type ResolvedSplitArm, type SplitChoice, type SplitChooser } from './routing/split.js';
export { loadBalance, type LoadBalanceStrategy, type LoadBalanceTarget, type LoadBalanceOptions } from './routing/load-balance.js';

export {
  fallback,
  type FallbackOptions,
  type FallbackTarget,
  type FallbackAction,
  type FallbackPolicy,
  type FallbackErrorInfo,
  type BackoffOptions,
  type InterruptMode,
} from './routing/fallback.js';
export { defaultFallbackAction } from './routing/fallback-policy.js';
export { hedge, type HedgeOptions, type HedgeDelay, type HedgePercentileDelay } from './routing/hedge.js';

export { telemetry, genAiProviderName, type TelemetryOptions, type ContentCapture, type SemconvMode, type ProviderInfo } from './telemetry/index.js';

export { pricing, defaultPricing, type Pricing, type PricingOptions } from './cost/pricing.js';
export { computeCost } from './cost/compute-cost.js';
export type { ModelPrice, PriceTier, PricePeriod, PriceInput, TokenRates, ModelRates } from './cost/price-types.js';
export { usageReport, type UsageReport, type UsageReportOptions, type UsageRow, type UsageSnapshot } from './usage/usage-report.js';
export { usageHook, type UsageHookOptions } from './usage/usage-hook.js';
export type { UsageRecord } from './usage/usage-record.js';

export {
  redactPII,
  createRedactor,
  createStreamRestorer,
  detect,
  PIIBlockedError,
  RedactionSession,
  type RedactPIIOptions,
  type RedactorOptions,
  type PiiAction,
  type PiiCounts,
  type PiiType,
  type BuiltinPiiType,
  type PiiSpan,
  type CustomDetector,
  type AllowEntry,
  type DetectOptions,
} from './pii/index.js';

export {
  budget,
  rateLimit,
  memoryStore,
  type Budget,
  type BudgetLimit,
  type BudgetLimitStatus,
  type BudgetOptions,
  type BudgetThresholdEvent,
  type RateLimitOptions,
  type MemoryStoreOptions,
  type BudgetStore,
  type CounterAmount,
  type CounterState,
  type ReserveRequest,
  type ReserveResult,
  type StoreCounter,
  type StoreWindow,
  type BudgetWindow,
  type DurationString,
  type LimitScope,
  estimateInputTokens,
  loadTokenizer,
  tokenizerFamily,
  type EstimateOptions,
  type InputEstimate,
  type TokenizerFamily,
} from './budget/index.js';

export {
  audit,
  auditHash,
  jsonlFileSink,
  AuditSinkError,
  type AuditOptions,
  type AuditSink,
  type AuditRecord,
  type AuditAttempt,
  type AuditError,
  type AuditPolicies,
  type AuditTarget,
  type AuditJson,
  type AuditSinkFailure,
  type JsonlFileSink,
  type JsonlFileSinkOptions,
} from './audit/index.js';

export * from './errors/index.js';

export type * from './types/request.js';
export type * from './types/response.js';
export type * from './types/stream-event.js';
export type * from './types/usage.js';
export type * from './types/finish-reason.js';
export type * from './types/target.js';
export type * from './types/attempt.js';
export type * from './types/provider-adapter.js';
export type * from './types/middleware.js';
export type * from './types/guard.js';
export type * from './types/json-schema.js';
export type * from './types/routing.js';
export type * from './types/cost.js';
export type { Instrumentation, CallObserver, AttemptObserver, AttemptStart, Pricer } from './core/instrumentation.js';
export type { CircuitBreakerOptions, CircuitStateChange } from './core/target-health.js';
