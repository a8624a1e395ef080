import type { Usage } from '../../types/usage.js';

/** Builds a Usage from counts already in switchyard's vocabulary (input includes cache, output includes reasoning). */
export function makeUsage(parts: {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}): Usage {
  return {
    inputTokens: parts.inputTokens,
    outputTokens: parts.outputTokens,
    totalTokens: parts.inputTokens + parts.outputTokens,
    cacheReadTokens: parts.cacheReadTokens ?? 0,
    cacheWriteTokens: parts.cacheWriteTokens ?? 0,
    reasoningTokens: parts.reasoningTokens ?? 0,
  };
}
