import type { MiddlewareInput } from '../types/middleware.js';
import type { ProviderAdapter } from '../types/provider-adapter.js';
import type { CircuitBreakerOptions } from '../core/target-health.js';
import type { Instrumentation, Pricer } from '../core/instrumentation.js';
import type { TelemetryOptions } from '../telemetry/telemetry.js';

/**
 * An alias: a name callers use instead of `provider/model`.
 * - a string: another model string (`'openai/gpt-4.1-mini'` or another alias);
 * - an array: route middleware that chooses targets itself (e.g. a fallback chain);
 * - an object: a default target plus route middleware that runs only for this alias.
 */
export type AliasConfig = string | MiddlewareInput[] | { target?: string; middleware?: MiddlewareInput[] };

export interface GatewayConfig {
  /** Adapters over the host's own SDK clients, by the name used in `provider/model`. */
  providers: Record<string, ProviderAdapter>;
  models?: Record<string, AliasConfig>;
  /** Gateway-wide layers, outermost first; they run for every call, before any alias's own layers. */
  middleware?: MiddlewareInput[];
  defaults?: {
    /** Whole-call deadline in ms for calls that set none. */
    timeout?: number;
  };
  /**
   * Circuit breakers, one per target, shared by every call of this gateway. On by default with
   * conservative thresholds; `false` turns them off.
   */
  circuitBreaker?: CircuitBreakerOptions | false;
  /**
   * Most attempts in flight at once, keyed by provider name or `provider/model`. Attempts over the
   * limit queue, for at most as long as their call's deadline.
   */
  concurrency?: Record<string, number>;
  /**
   * OpenTelemetry GenAI spans and metrics through `@opentelemetry/api`. On by default (near-free
   * when no OTel SDK is registered); `false` turns it off. Don't also pass `telemetry()` in
   * `instrumentation`, or everything is recorded twice.
   */
  telemetry?: TelemetryOptions | false;
  /**
   * Prices every attempt (cost on attempts, stream finishes and responses). Default: the built-in
   * table generated from @pydantic/genai-prices; pass `pricing({ prices, deployments })` to add or
   * override prices, or `false` for no cost at all.
   */
  pricing?: Pricer | false;
  /** Observers of every call and attempt (usage reports, your own). */
  instrumentation?: Instrumentation[];
}
