import type { Target, Usage } from '../../src/index.js';

export function target(provider: string, model: string): Target {
  return { provider, model, id: `${provider}/${model}` };
}

/** Usage in switchyard's vocabulary: input includes cache read/write, output includes reasoning. */
export function usage(u: Partial<Usage> & { inputTokens: number; outputTokens: number }): Usage {
  return {
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    totalTokens: u.inputTokens + u.outputTokens,
    ...u,
  };
}

/** USD for `tokens` at `perMillion` USD per 1M tokens. */
export function usd(tokens: number, perMillion: number): number {
  return (tokens * perMillion) / 1e6;
}
