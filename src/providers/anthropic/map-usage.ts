import type { Usage } from '../../types/usage.js';
import { makeUsage } from '../shared/usage.js';

/** The usage fields of a Message, a `message_start`, or a cumulative `message_delta`. */
export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * Anthropic's `input_tokens` excludes the cached prompt: the full prompt is input + cache read +
 * cache write. `output_tokens` already includes thinking, which `thinking_tokens` breaks out.
 */
export function mapUsage(usage: AnthropicUsageLike | null | undefined): Usage | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return makeUsage({
    inputTokens: (usage.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
  });
}
