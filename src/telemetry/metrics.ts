import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import type { AttemptRecord } from '../types/attempt.js';
import type { Usage } from '../types/usage.js';
import * as N from './names.js';
import type { SemconvMode } from './semconv-mode.js';

// The instruments, created once per meter and semconv mode, and what one attempt records into them.
// Everything is recorded when the attempt ends (per-chunk gaps are buffered until then), so the SDK's
// per-record cost (it hashes the attribute set on every record) stays off the per-chunk path.

/** What an attempt hands the recorder when it ends. */
export interface AttemptMeasurement {
  record: AttemptRecord;
  /** Operation, provider, request/response model, server, `error.type` on failure. */
  attributes: Attributes;
  /** Extra attributes for switchyard's own counters (metadata keys). */
  extra: Attributes | undefined;
  /** Seconds between consecutive content chunks after the first (streams). */
  chunkGaps: readonly number[] | undefined;
}

interface LatestTokenInstruments {
  usageInput: Counter;
  usageOutput: Counter;
  usageCacheRead: Counter;
  usageCacheWrite: Counter;
  usageReasoning: Counter;
  operationInput: Histogram;
  operationOutput: Histogram;
}

export class TelemetryInstruments {
  private readonly duration: Histogram;
  private readonly timeToFirstChunk: Histogram;
  private readonly timePerOutputChunk: Histogram;
  /** v1.41 `gen_ai.client.token.usage` (default mode only). */
  private readonly tokenUsage: Histogram | undefined;
  /** HEAD token counters and histograms (latest-experimental mode only). */
  private readonly latest: LatestTokenInstruments | undefined;
  private readonly costHistogram: Histogram;
  private readonly costCounter: Counter;
  private readonly attempts: Counter;

  constructor(meter: Meter, mode: SemconvMode) {
    const latest = mode === 'latest_experimental';
    const seconds = { unit: 's', advice: { explicitBucketBoundaries: [...N.DURATION_BUCKETS] } };
    const tokens = { unit: '{token}', advice: { explicitBucketBoundaries: [...N.TOKEN_BUCKETS] } };
    this.duration = meter.createHistogram(latest ? N.METRIC_INFERENCE_DURATION : N.METRIC_OPERATION_DURATION, {
      description: 'GenAI operation duration (one value per provider attempt).',
      ...seconds,
    });
    this.timeToFirstChunk = meter.createHistogram(latest ? N.METRIC_INFERENCE_TIME_TO_FIRST_CHUNK : N.METRIC_TIME_TO_FIRST_CHUNK, {
      description: 'Time from sending a streaming request to receiving the first chunk.',
      ...seconds,
    });
    this.timePerOutputChunk = meter.createHistogram(latest ? N.METRIC_INFERENCE_TIME_PER_OUTPUT_CHUNK : N.METRIC_TIME_PER_OUTPUT_CHUNK, {
      description: 'Time between consecutive chunks of a streaming response, after the first.',
      ...seconds,
    });
    if (latest) {
      const counter = (name: string, description: string): Counter => meter.createCounter(name, { unit: '{token}', description });
      this.latest = {
        usageInput: counter(N.METRIC_INFERENCE_USAGE_INPUT, 'Input tokens (cached included).'),
        usageOutput: counter(N.METRIC_INFERENCE_USAGE_OUTPUT, 'Output tokens (reasoning included).'),
        usageCacheRead: counter(N.METRIC_INFERENCE_USAGE_CACHE_READ, 'Input tokens read from the prompt cache.'),
        usageCacheWrite: counter(N.METRIC_INFERENCE_USAGE_CACHE_WRITE, 'Input tokens written to the prompt cache.'),
        usageReasoning: counter(N.METRIC_INFERENCE_USAGE_REASONING, 'Output tokens spent on reasoning.'),
        operationInput: meter.createHistogram(N.METRIC_INFERENCE_OPERATION_INPUT, { description: 'Input tokens per operation.', ...tokens }),
        operationOutput: meter.createHistogram(N.METRIC_INFERENCE_OPERATION_OUTPUT, { description: 'Output tokens per operation.', ...tokens }),
      };
    } else {
      this.tokenUsage = meter.createHistogram(N.METRIC_TOKEN_USAGE, { description: 'Tokens used per operation, by token type.', ...tokens });
    }
    this.costHistogram = meter.createHistogram(N.METRIC_OPERATION_COST, {
      unit: 'USD',
      description: 'Cost of one provider attempt, priced from the local price table.',
      advice: { explicitBucketBoundaries: [...N.COST_BUCKETS] },
    });
    this.costCounter = meter.createCounter(N.METRIC_SY_COST, { unit: 'USD', description: 'Money spent on provider attempts.' });
    this.attempts = meter.createCounter(N.METRIC_SY_ATTEMPTS, { unit: '{attempt}', description: 'Provider attempts, by outcome.' });
  }

  /** Records everything one attempt measured. */
  recordAttempt(m: AttemptMeasurement): void {
    const { record, attributes } = m;
    this.duration.record(record.latencyMs / 1000, attributes);
    if (record.mode === 'stream' && record.timeToFirstTokenMs !== undefined) {
      this.timeToFirstChunk.record(record.timeToFirstTokenMs / 1000, attributes);
      if (m.chunkGaps) for (const gap of m.chunkGaps) this.timePerOutputChunk.record(gap, attributes);
    }
    this.recordTokens(record.usage, attributes);
    const own: Attributes = { ...attributes, ...m.extra, [N.ATTR_SY_ATTEMPT_OUTCOME]: record.outcome };
    this.attempts.add(1, own);
    if (record.cost) {
      const costAttributes: Attributes = { ...attributes, [N.ATTR_USAGE_COST_CURRENCY]: record.cost.currency, [N.ATTR_USAGE_COST_SOURCE]: 'local' };
      this.costHistogram.record(record.cost.total, costAttributes);
      delete own[N.ATTR_SY_ATTEMPT_OUTCOME];
      this.costCounter.add(record.cost.total, own);
    }
  }

  /** An attempt the circuit breaker refused: never started, so only counted. */
  recordSkipped(attributes: Attributes): void {
    this.attempts.add(1, { ...attributes, [N.ATTR_SY_ATTEMPT_OUTCOME]: 'skipped' });
  }

  private recordTokens(usage: Usage | undefined, attributes: Attributes): void {
    if (this.tokenUsage) {
      // v1.41: once per token type, billable counts, only when usage came back; no error.type.
      if (!usage) return;
      const base = withoutErrorType(attributes);
      this.tokenUsage.record(usage.inputTokens, { ...base, [N.ATTR_TOKEN_TYPE]: 'input' });
      this.tokenUsage.record(usage.outputTokens, { ...base, [N.ATTR_TOKEN_TYPE]: 'output' });
      return;
    }
    const l = this.latest!;
    // HEAD: the counters for every operation (0 with modality `unknown` when no usage came back);
    // the per-operation histograms only when usage is known. We have no per-modality breakdown.
    const counted = { ...withoutErrorType(attributes), [N.ATTR_TOKEN_MODALITY]: 'unknown' };
    l.usageInput.add(usage?.inputTokens ?? 0, counted);
    l.usageOutput.add(usage?.outputTokens ?? 0, counted);
    if (!usage) return;
    l.usageCacheRead.add(usage.cacheReadTokens, counted);
    l.usageCacheWrite.add(usage.cacheWriteTokens, counted);
    l.usageReasoning.add(usage.reasoningTokens, counted);
    l.operationInput.record(usage.inputTokens, attributes);
    l.operationOutput.record(usage.outputTokens, attributes);
  }
}

function withoutErrorType(attributes: Attributes): Attributes {
  if (!(N.ATTR_ERROR_TYPE in attributes)) return attributes;
  const copy = { ...attributes };
  delete copy[N.ATTR_ERROR_TYPE];
  return copy;
}
