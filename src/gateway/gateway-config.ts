import type { MiddlewareInput } from '../types/middleware.js';
import type { ProviderAdapter } from '../types/provider-adapter.js';

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
}
