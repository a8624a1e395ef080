import type { Target } from '../types/target.js';

// Largest `max_tokens` each model family accepts, as published by the providers in late 2026
// (first match wins, so specific names come before their family). Budgets never set `maxTokens`
// above these; override or extend with budget({ maxOutputTokens }).
const LIMITS: ReadonlyArray<readonly [RegExp, number]> = [
  // OpenAI
  [/^gpt-5/, 128_000],
  [/^gpt-4\.1/, 32_768],
  [/^gpt-4\.5/, 16_384],
  [/^(chatgpt-)?gpt-4o/, 16_384],
  [/^gpt-4-turbo|^gpt-4-\d{4}-preview/, 4_096],
  [/^gpt-4/, 8_192],
  [/^gpt-3\.5/, 4_096],
  [/^o1-mini/, 65_536],
  [/^o\d/, 100_000],
  // Anthropic
  [/claude-3-haiku|claude-3-opus|claude-3-sonnet|claude-2|claude-instant/, 4_096],
  [/claude-3[-.]5/, 8_192],
  [/claude-3-7-sonnet/, 64_000],
  [/claude-opus-4(-0|-1|-2025|$)/, 32_000],
  [/claude-(opus|sonnet|haiku)-4/, 64_000],
  // Google
  [/gemini-1\.|gemini-2\.0/, 8_192],
  [/gemini-2\.5|gemini-3/, 65_536],
];

/** The largest output a model accepts, when known. */
export function knownMaxOutputTokens(target: Target): number | undefined {
  const model = target.model.startsWith('models/') ? target.model.slice(7) : target.model;
  for (const [re, n] of LIMITS) if (re.test(model)) return n;
  return undefined;
}
