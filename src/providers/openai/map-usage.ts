import type { Usage } from '../../types/usage.js';
import { makeUsage } from '../shared/usage.js';

/** The usage object of a completion or of the final stream chunk, including compatible servers' extras. */
export interface OpenAIUsageLike {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek reports its cache hits here instead of `prompt_tokens_details`. */
  prompt_cache_hit_tokens?: number | null;
}

/**
 * OpenAI already counts the way switchyard does: `prompt_tokens` includes cached (and cache-written)
 * tokens and `completion_tokens` includes reasoning tokens, so no arithmetic is needed.
 */
export function mapUsage(usage: OpenAIUsageLike | null | undefined): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  return makeUsage({
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? 0,
    cacheWriteTokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
    reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  });
}
