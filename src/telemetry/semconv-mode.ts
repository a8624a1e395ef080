// Which generation of the GenAI conventions to write. Every GenAI name is still "Development"; the
// last release (v1.41) is what backends read today, so it is the default. The
// `OTEL_SEMCONV_STABILITY_OPT_IN` token `gen_ai_latest_experimental` asks for the newest names
// instead (and, per the rule that goes with it, not the old ones as well).

/**
 * - `default`: the v1.41 names (`gen_ai.usage.cache_creation.input_tokens`,
 *   `gen_ai.client.operation.duration`, `gen_ai.client.token.usage`, …).
 * - `latest_experimental`: the unreleased HEAD names (`gen_ai.usage.cache_write.input_tokens`,
 *   `gen_ai.client.inference.*` metrics, `gen_ai.usage.cost.amount`/`currency`/`source`).
 */
export type SemconvMode = 'default' | 'latest_experimental';

export const SEMCONV_OPT_IN_ENV = 'OTEL_SEMCONV_STABILITY_OPT_IN';
const LATEST_TOKEN = 'gen_ai_latest_experimental';

/** The mode: a forced one wins; otherwise the env var's comma-separated tokens decide. */
export function resolveSemconvMode(forced: SemconvMode | undefined, env: Readonly<Record<string, string | undefined>>): SemconvMode {
  if (forced !== undefined) return forced;
  const raw = env[SEMCONV_OPT_IN_ENV];
  if (!raw) return 'default';
  for (const token of raw.split(',')) if (token.trim().toLowerCase() === LATEST_TOKEN) return 'latest_experimental';
  return 'default';
}
