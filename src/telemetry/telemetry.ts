import { context, diag, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type MeterProvider, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import type { AttemptObserver, AttemptStart, CallObserver, Instrumentation } from '../core/instrumentation.js';
import type { AttemptRecord } from '../types/attempt.js';
import type { CallContext } from '../types/middleware.js';
import type { ChatResponse } from '../types/response.js';
import type { FinishEvent, StreamEvent } from '../types/stream-event.js';
import { attemptEndAttributes, errorType, metadataAttributes, requestAttributes } from './attributes.js';
import { inputContent, OutputCollector, resolveContentCapture, toJson, type ContentCapture } from './content-capture.js';
import type { TelemetryInstruments } from './metrics.js';
import * as N from './names.js';
import { OtelHandles } from './otel-handles.js';
import { genAiProviderName, type ProviderInfo } from './provider-name.js';
import { addRoutingEvents } from './routing-events.js';
import { resolveSemconvMode, type SemconvMode } from './semconv-mode.js';

export interface TelemetryOptions {
  /**
   * Message content on attempt spans (`gen_ai.input.messages`, `gen_ai.output.messages`,
   * `gen_ai.system_instructions`). `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, when set
   * to a recognised value, wins over this option. @default false
   */
  captureContent?: ContentCapture;
  /**
   * Which names to write. When unset, `OTEL_SEMCONV_STABILITY_OPT_IN` decides (its token
   * `gen_ai_latest_experimental` selects `latest_experimental`); when set, the env var is ignored.
   * @default 'default' (the GenAI conventions v1.41)
   */
  semconv?: SemconvMode;
  /**
   * Request metadata keys copied onto the call span and switchyard's own metrics
   * (`switchyard.cost`, `switchyard.attempts`) as `switchyard.metadata.<key>`. Keep them
   * low-cardinality and free of personal data; `user` and `session` are left out on purpose.
   * @default ['team', 'feature']
   */
  metadataAttributes?: readonly string[];
  /** Emit spans. @default true */
  traces?: boolean;
  /** Emit metrics. @default true */
  metrics?: boolean;
  /**
   * Record `gen_ai.client.operation.time_per_output_chunk`: one value per streamed chunk after the
   * first, buffered and recorded when the attempt ends. @default true
   */
  chunkMetrics?: boolean;
  /** Overrides `gen_ai.provider.name`; return undefined to keep the built-in mapping. */
  providerName?: (info: ProviderInfo) => string | undefined;
  /** Use this tracer provider instead of the global one. */
  tracerProvider?: TracerProvider;
  /** Use this meter provider instead of the global one. */
  meterProvider?: MeterProvider;
  /** Where the `OTEL_*` variables are read from, once, when `telemetry()` is called. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Settings shared by every call of one telemetry instance. */
interface Settings {
  mode: SemconvMode;
  capture: boolean;
  chunkMetrics: boolean;
  metadataKeys: readonly string[];
  /** `gen_ai.provider.name`; remembered per registration name unless `remember` is false. */
  providerName(info: ProviderInfo, remember?: boolean): string;
}

const DEFAULT_METADATA_KEYS: readonly string[] = ['team', 'feature'];

/**
 * OpenTelemetry spans and metrics for every gateway call, following the GenAI semantic conventions:
 * an INTERNAL span per call (child of the span active when the call started) with one CLIENT span
 * `chat {model}` per provider attempt under it, and the `gen_ai.client.*` metrics. Uses only
 * `@opentelemetry/api`: nothing is emitted until the host registers an SDK, and until then a call
 * costs two identity checks. Pass it as `createGateway({ instrumentation: [telemetry()] })`.
 */
export function telemetry(options: TelemetryOptions = {}): Instrumentation {
  const env = options.env ?? (typeof process !== 'undefined' ? process.env : {});
  const mode = resolveSemconvMode(options.semconv, env);
  const names = new Map<string, string>();
  const custom = options.providerName;
  const settings: Settings = {
    mode,
    capture: resolveContentCapture(options.captureContent, env),
    chunkMetrics: options.chunkMetrics ?? true,
    metadataKeys: options.metadataAttributes ?? DEFAULT_METADATA_KEYS,
    providerName(info, remember = true) {
      // One adapter per registration name, so the name is worked out once per provider.
      let name = names.get(info.provider);
      if (name === undefined) {
        name = custom?.(info) ?? genAiProviderName(info);
        if (remember) names.set(info.provider, name);
      }
      return name;
    },
  };
  const handles = new OtelHandles({
    traces: options.traces ?? true,
    metrics: options.metrics ?? true,
    tracerProvider: options.tracerProvider,
    meterProvider: options.meterProvider,
    mode,
  });
  return {
    startCall(ctx) {
      handles.refresh();
      if (!handles.tracer && !handles.instruments) return undefined;
      try {
        return new CallTelemetry(ctx, handles.tracer, handles.instruments, settings);
      } catch (err) {
        return failed(err);
      }
    },
  };
}

/** Follows one gateway call: its span, and the attempts under it. */
class CallTelemetry implements CallObserver {
  private readonly span: Span | undefined;
  private readonly recording: boolean;
  /** The host's context with the call span in it: every attempt span's parent. */
  private readonly spanContext: Context | undefined;
  /** Metadata attributes for the call span and switchyard's own metrics. */
  private readonly metadata: Attributes | undefined;
  private attempts = 0;

  constructor(
    private readonly ctx: CallContext,
    private readonly tracer: Tracer | undefined,
    private readonly instruments: TelemetryInstruments | undefined,
    private readonly settings: Settings,
  ) {
    if (settings.metadataKeys.length > 0) {
      const m: Attributes = {};
      metadataAttributes(ctx.metadata, settings.metadataKeys, m);
      this.metadata = m;
    }
    if (!tracer) {
      this.recording = false;
      return;
    }
    // Called synchronously from gateway.chat / gateway.stream, so this is the caller's context.
    const parent = context.active();
    const span = tracer.startSpan(`switchyard chat ${ctx.requestedModel}`, { kind: SpanKind.INTERNAL }, parent);
    this.span = span;
    this.recording = span.isRecording();
    this.spanContext = trace.setSpan(parent, span);
    if (this.recording) {
      span.setAttributes({
        ...this.metadata,
        [N.ATTR_SY_CALL_ID]: ctx.id,
        [N.ATTR_SY_MODE]: ctx.mode,
        [N.ATTR_SY_REQUEST_MODEL]: ctx.requestedModel,
      });
    }
  }

  startAttempt(start: AttemptStart): AttemptObserver | undefined {
    try {
      return this.openAttempt(start);
    } catch (err) {
      return failed(err);
    }
  }

  private openAttempt(start: AttemptStart): AttemptObserver {
    const { target, kind, server, ctx } = start;
    const index = this.attempts++;
    const s = this.settings;
    // What sampling and the metrics need: set when the span is created.
    const base: Attributes = {
      [N.ATTR_OPERATION_NAME]: 'chat',
      [N.ATTR_PROVIDER_NAME]: s.providerName({ provider: target.provider, kind, server }),
      [N.ATTR_REQUEST_MODEL]: target.model,
    };
    if (server) {
      base[N.ATTR_SERVER_ADDRESS] = server.address;
      if (server.port !== undefined) base[N.ATTR_SERVER_PORT] = server.port;
    }

    let span: Span | undefined;
    let recording = false;
    if (this.tracer) {
      span = this.tracer.startSpan(`chat ${target.model}`, { kind: SpanKind.CLIENT, attributes: base }, this.spanContext);
      recording = span.isRecording();
      if (recording) span.setAttributes(this.attemptStartAttributes(start, index, base[N.ATTR_PROVIDER_NAME] as string));
    }

    const instruments = this.instruments;
    const streamMetrics = instruments !== undefined && s.chunkMetrics && ctx.mode === 'stream';
    const output = recording && s.capture ? new OutputCollector() : undefined;
    let gaps: number[] | undefined;
    let last = 0;
    const mode = s.mode;
    const metadata = this.metadata;

    const observer: AttemptObserver = {
      end(record: AttemptRecord, finish: FinishEvent | undefined) {
        try {
          endAttempt(record, finish);
        } catch (err) {
          failed(err);
        }
      },
    };
    const endAttempt = (record: AttemptRecord, finish: FinishEvent | undefined): void => {
      if (span) {
        try {
          if (recording) {
            const attrs: Attributes = {};
            attemptEndAttributes(record, finish, mode, attrs);
            if (output && (finish || !output.empty)) {
              const json = toJson(output.messages(finish));
              if (json !== undefined) attrs[N.ATTR_OUTPUT_MESSAGES] = json;
            }
            span.setAttributes(attrs);
            if (record.outcome !== 'success') span.setStatus({ code: SpanStatusCode.ERROR, message: record.error?.message ?? record.outcome });
          }
        } finally {
          span.end();
        }
      }
      if (instruments) {
        const attributes: Attributes = { ...base };
        if (finish?.responseModel !== undefined) attributes[N.ATTR_RESPONSE_MODEL] = finish.responseModel;
        if (record.outcome !== 'success') attributes[N.ATTR_ERROR_TYPE] = record.error ? errorType(record.error) : '_OTHER';
        instruments.recordAttempt({ record, attributes, extra: metadata, chunkGaps: gaps });
      }
    };
    if (streamMetrics) {
      // A timestamp and a push per chunk; the histogram records happen when the attempt ends.
      observer.firstToken = () => {
        last = performance.now();
      };
      observer.chunk = () => {
        const now = performance.now();
        (gaps ??= []).push((now - last) / 1000);
        last = now;
      };
    }
    if (output) observer.event = (ev: StreamEvent) => output.add(ev);
    if (recording) {
      // Spans the SDK or HTTP instrumentation create during the call nest under this attempt.
      const attemptContext = trace.setSpan(this.spanContext ?? context.active(), span!);
      observer.run = (fn) => context.with(attemptContext, fn);
    }
    return observer;
  }

  /** Everything else a recording attempt span gets at start. */
  private attemptStartAttributes(start: AttemptStart, index: number, providerName: string): Attributes {
    const { ctx, target, kind } = start;
    const attrs: Attributes = {};
    requestAttributes(ctx.request, ctx.mode === 'stream', attrs);
    attrs[N.ATTR_SY_TARGET] = target.id;
    attrs[N.ATTR_SY_ATTEMPT_INDEX] = index;
    attrs[N.ATTR_SY_CIRCUIT_STATE] = ctx.health.get(target.id).circuit;
    if (providerName === 'openai' && kind === 'openai') attrs[N.ATTR_OPENAI_API_TYPE] = 'chat_completions';
    // A conversation id only when the caller gave a real one; never invented.
    const session = ctx.metadata.session;
    if (typeof session === 'string' && session !== '') attrs[N.ATTR_CONVERSATION_ID] = session;
    if (this.settings.capture) {
      const { system, messages } = inputContent(ctx.request, kind);
      const input = toJson(messages);
      if (input !== undefined) attrs[N.ATTR_INPUT_MESSAGES] = input;
      const instructions = system && toJson(system);
      if (instructions) attrs[N.ATTR_SYSTEM_INSTRUCTIONS] = instructions;
    }
    return attrs;
  }

  end(response: ChatResponse | undefined, error: unknown): void {
    try {
      this.finish(response, error);
    } catch (err) {
      failed(err);
    }
  }

  private finish(response: ChatResponse | undefined, error: unknown): void {
    const ctx = this.ctx;
    let skipped = 0;
    for (const a of ctx.attempts) if (a.outcome === 'skipped') skipped++;
    if (skipped > 0 && this.instruments) this.countSkipped();
    const span = this.span;
    if (!span) return;
    if (this.recording) {
      const attrs: Attributes = { [N.ATTR_SY_ATTEMPT_COUNT]: ctx.attempts.length };
      if (skipped > 0) attrs[N.ATTR_SY_ATTEMPT_SKIPPED] = skipped;
      if (response) {
        attrs[N.ATTR_SY_RESPONSE_TARGET] = response.target.id;
        if (response.cost) attrs[N.ATTR_SY_COST_TOTAL] = response.cost.total;
      }
      if (ctx.routing.length > 0) {
        // `ctx.startedAt` is a performance.now() reading; routing times are relative to it.
        const callStartEpochMs = Date.now() - (performance.now() - ctx.startedAt);
        addRoutingEvents(span, ctx.routing, callStartEpochMs, attrs);
      }
      if (!response) {
        attrs[N.ATTR_ERROR_TYPE] = errorType(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      span.setAttributes(attrs);
    }
    span.end();
  }

  /** Attempts the circuit breaker refused never reach startAttempt; count them from the call's log. */
  private countSkipped(): void {
    for (const a of this.ctx.attempts) {
      if (a.outcome !== 'skipped') continue;
      const { target } = a;
      let kind = '';
      try {
        kind = this.ctx.resolve(target.id)?.kind ?? '';
      } catch {
        // unknown provider: the registration name stands in
      }
      this.instruments!.recordSkipped({
        ...this.metadata,
        [N.ATTR_OPERATION_NAME]: 'chat',
        [N.ATTR_PROVIDER_NAME]: this.settings.providerName({ provider: target.provider, kind, server: undefined }, false),
        [N.ATTR_REQUEST_MODEL]: target.model,
        [N.ATTR_ERROR_TYPE]: a.error ? errorType(a.error) : 'circuit_open',
      });
    }
  }
}

/**
 * Telemetry never fails a call: the core calls observers without a guard, so anything thrown here
 * (a custom `providerName`, content that will not serialise) is reported through `diag` instead.
 */
function failed(err: unknown): undefined {
  diag.error('switchyard telemetry failed; the call goes on without it', err);
  return undefined;
}
