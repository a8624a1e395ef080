import type { Attributes } from '@opentelemetry/api';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { AttemptRecord } from '../types/attempt.js';
import type { Cost } from '../types/cost.js';
import type { FinishReason } from '../types/finish-reason.js';
import type { NormalizedRequest, RequestMetadata } from '../types/request.js';
import type { FinishEvent } from '../types/stream-event.js';
import type { Usage } from '../types/usage.js';
import * as N from './names.js';
import type { SemconvMode } from './semconv-mode.js';

// Building attribute sets for spans and metrics. Called only when a span records or a meter is real.

/** Canonical finish reasons of the conventions' output-message schema. */
export type CanonicalFinishReason = 'stop' | 'length' | 'tool_call' | 'content_filter' | 'error';

const FINISH: Readonly<Record<Exclude<FinishReason, 'other'>, CanonicalFinishReason>> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_call',
  'content-filter': 'content_filter',
};

/**
 * The finish reason as the conventions spell it. `other` (a provider reason with no common meaning,
 * e.g. Anthropic `pause_turn`) has no canonical value: the provider's own, lowercased, is more useful
 * than a wrong one (the span attribute has no enum).
 */
export function finishReasonValue(reason: FinishReason, raw: string | undefined): string {
  if (reason === 'other') return raw ? raw.toLowerCase() : 'other';
  return FINISH[reason];
}

/**
 * Low-cardinality `error.type`: a SwitchyardError's stable `code` (`rate_limited`, `server_error`,
 * `aborted`, `deadline_exceeded`, …), else the error's class name, else `_OTHER`.
 */
export function errorType(err: unknown): string {
  if (err instanceof SwitchyardError) return err.code;
  if (err instanceof Error) return err.name || err.constructor.name || '_OTHER';
  return '_OTHER';
}

/** `gen_ai.output.type` for a requested format (absent when none was requested). */
function outputType(request: NormalizedRequest): string | undefined {
  const f = request.responseFormat;
  if (!f) return undefined;
  return f.type === 'text' ? 'text' : 'json';
}

/** The request parameters of an attempt, written at span start (recording spans only). */
export function requestAttributes(request: NormalizedRequest, stream: boolean, out: Attributes): void {
  if (request.maxTokens !== undefined) out[N.ATTR_REQUEST_MAX_TOKENS] = request.maxTokens;
  if (request.temperature !== undefined) out[N.ATTR_REQUEST_TEMPERATURE] = request.temperature;
  if (request.topP !== undefined) out[N.ATTR_REQUEST_TOP_P] = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) out[N.ATTR_REQUEST_STOP_SEQUENCES] = request.stop;
  if (request.seed !== undefined) out[N.ATTR_REQUEST_SEED] = request.seed;
  const n = choiceCount(request);
  if (n !== undefined && n !== 1) out[N.ATTR_REQUEST_CHOICE_COUNT] = n;
  if (stream) out[N.ATTR_REQUEST_STREAM] = true;
  const type = outputType(request);
  if (type) out[N.ATTR_OUTPUT_TYPE] = type;
}

/** A choice count passed through provider options (OpenAI `n`, Gemini `candidateCount`). */
function choiceCount(request: NormalizedRequest): number | undefined {
  const po = request.providerOptions;
  if (!po) return undefined;
  for (const key in po) {
    const o = po[key]!;
    const n = o.n ?? o.candidateCount;
    if (typeof n === 'number') return n;
  }
  return undefined;
}

/** Token usage in the conventions' vocabulary (input includes cache, output includes reasoning). */
export function usageAttributes(usage: Usage, mode: SemconvMode, out: Attributes): void {
  out[N.ATTR_USAGE_INPUT_TOKENS] = usage.inputTokens;
  out[N.ATTR_USAGE_OUTPUT_TOKENS] = usage.outputTokens;
  if (usage.cacheReadTokens > 0) out[N.ATTR_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cacheReadTokens;
  if (usage.cacheWriteTokens > 0) {
    out[mode === 'latest_experimental' ? N.ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS : N.ATTR_USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cacheWriteTokens;
  }
  if (usage.reasoningTokens > 0) out[N.ATTR_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoningTokens;
}

/**
 * Cost of one attempt: `gen_ai.usage.cost` (USD) always; under the latest-experimental opt-in also
 * HEAD's `gen_ai.usage.cost.amount` / `.currency` / `.source` (`local`: priced from our own table).
 */
export function costAttributes(cost: Cost, mode: SemconvMode, out: Attributes): void {
  out[N.ATTR_USAGE_COST] = cost.total;
  if (mode === 'latest_experimental') {
    out[N.ATTR_USAGE_COST_AMOUNT] = cost.total;
    out[N.ATTR_USAGE_COST_CURRENCY] = cost.currency;
    out[N.ATTR_USAGE_COST_SOURCE] = 'local';
  }
}

/** What an attempt's end adds to its span. */
export function attemptEndAttributes(record: AttemptRecord, finish: FinishEvent | undefined, mode: SemconvMode, out: Attributes): void {
  out[N.ATTR_SY_ATTEMPT_OUTCOME] = record.outcome;
  if (finish) {
    if (finish.responseId !== undefined) out[N.ATTR_RESPONSE_ID] = finish.responseId;
    if (finish.responseModel !== undefined) out[N.ATTR_RESPONSE_MODEL] = finish.responseModel;
    out[N.ATTR_RESPONSE_FINISH_REASONS] = [finishReasonValue(finish.finishReason, finish.rawFinishReason)];
    if (finish.rawFinishReason !== undefined) out[N.ATTR_SY_RAW_FINISH_REASON] = finish.rawFinishReason;
  } else {
    // HEAD: a choice that ended without a reason (failure, cancellation) reports `error`.
    out[N.ATTR_RESPONSE_FINISH_REASONS] = ['error'];
  }
  const usage = record.usage;
  if (usage) usageAttributes(usage, mode, out);
  if (record.cost) costAttributes(record.cost, mode, out);
  if (record.mode === 'stream' && record.timeToFirstTokenMs !== undefined) out[N.ATTR_RESPONSE_TIME_TO_FIRST_CHUNK] = record.timeToFirstTokenMs / 1000;
  const error = record.error;
  if (record.outcome !== 'success' && error) {
    out[N.ATTR_ERROR_TYPE] = errorType(error);
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number') out[N.ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  }
}

/**
 * Copies the chosen metadata keys as `switchyard.metadata.<key>`. Only strings, finite numbers,
 * booleans and arrays of strings are copied: objects could carry anything.
 */
export function metadataAttributes(metadata: Readonly<RequestMetadata>, keys: readonly string[], out: Attributes): void {
  for (const key of keys) {
    const v = metadata[key];
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[N.ATTR_SY_METADATA_PREFIX + key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[N.ATTR_SY_METADATA_PREFIX + key] = v as string[];
  }
}
