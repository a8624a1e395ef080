/**
 * Token usage in one vocabulary across providers:
 * `inputTokens` includes cached tokens (read and write are broken out as subsets),
 * `outputTokens` includes reasoning tokens (broken out as a subset).
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** Subset of `inputTokens` read from the provider's prompt cache. */
  cacheReadTokens: number;
  /** Subset of `inputTokens` written to the provider's prompt cache. */
  cacheWriteTokens: number;
  /** Subset of `outputTokens` spent on reasoning / thinking. */
  reasoningTokens: number;
}
