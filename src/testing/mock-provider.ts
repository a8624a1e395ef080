import { providerErrorFromStatus, parseRetryAfter } from '../errors/from-status.js';
import { abortableSleep } from '../core/abortable-sleep.js';
import { StreamTruncatedError } from '../errors/provider-error.js';
import { makeUsage } from '../providers/shared/usage.js';
import type { FinishReason } from '../types/finish-reason.js';
import type { AdapterCallOptions, AdapterResult, ProviderAdapter, ProviderCapabilities } from '../types/provider-adapter.js';
import type { NormalizedRequest } from '../types/request.js';
import type { ResponseContentPart } from '../types/response.js';
import type { StreamEvent } from '../types/stream-event.js';
import type { Usage } from '../types/usage.js';

/** One scripted answer of a mock provider. */
export interface MockResponse {
  text?: string;
  reasoning?: string;
  toolCalls?: Array<{ id?: string; name: string; arguments: unknown }>;
  finishReason?: FinishReason;
  rawFinishReason?: string;
  /** Usage to report; `null`: report none (as a stream that never sends a usage chunk). */
  usage?: Partial<Usage> | null;
  model?: string;
  /** Text pieces for streams (default: the text as one piece). */
  chunks?: string[];
  /** Wait before answering (ms). 0 or absent: no timer at all. */
  latencyMs?: number;
  /** Wait between streamed chunks (ms). */
  chunkDelayMs?: number;
  /** Fail instead of answering: an HTTP-like status with headers, or any error to throw. */
  error?: { status: number; message?: string; code?: string; headers?: Record<string, string> } | Error;
  /** For streams: fail after this many chunks were delivered (uses `error`, or a truncation). */
  failAfterChunks?: number;
}

/** What the mock saw for each call. */
export interface MockCall {
  mode: 'generate' | 'stream';
  model: string;
  provider: string;
  request: NormalizedRequest;
  /** The attempt's signal as the mock received it (absent when nothing could cancel the call). */
  signal: AbortSignal | undefined;
  /** Whether that signal has fired (read live). */
  readonly aborted: boolean;
}

export interface MockProviderOptions {
  /** Answers in order; when exhausted, `fallback` (default: echo the last user message). */
  responses?: Array<MockResponse | ((request: NormalizedRequest, call: MockCall) => MockResponse)>;
  fallback?: MockResponse | ((request: NormalizedRequest, call: MockCall) => MockResponse);
  kind?: string;
  capabilities?: ProviderCapabilities;
}

export interface MockProvider extends ProviderAdapter {
  /** Every call, in order. */
  readonly calls: MockCall[];
  /** Appends answers to the script. */
  enqueue(...responses: Array<MockResponse | ((request: NormalizedRequest, call: MockCall) => MockResponse)>): void;
  reset(): void;
}

/**
 * A deterministic in-memory provider for unit tests: scripted answers and sequences, errors with
 * status and headers, latency, streamed chunks, and a record of every call. Without delays it
 * schedules no timers.
 */
export function mockProvider(options: MockProviderOptions = {}): MockProvider {
  const script = [...(options.responses ?? [])];
  const calls: MockCall[] = [];
  const fallback = options.fallback ?? ((req: NormalizedRequest) => ({ text: `Echo: ${lastUserText(req)}` }));

  const next = (request: NormalizedRequest, call: MockCall): MockResponse => {
    const item = script.length > 0 ? script.shift()! : fallback;
    return typeof item === 'function' ? item(request, call) : item;
  };

  const record = (mode: MockCall['mode'], request: NormalizedRequest, opts: AdapterCallOptions): MockCall => {
    const signal = opts.signal;
    // A getter, not a listener: long-lived signals collect no listeners, and a late abort still shows.
    const call: MockCall = {
      mode,
      model: opts.target.model,
      provider: opts.target.provider,
      request,
      signal,
      get aborted() {
        return signal?.aborted ?? false;
      },
    };
    calls.push(call);
    return call;
  };

  const fail = (r: MockResponse, opts: AdapterCallOptions): Error => {
    if (r.error instanceof Error) return r.error;
    const e = r.error!;
    const init: Parameters<typeof providerErrorFromStatus>[0] = {
      provider: opts.target.provider,
      model: opts.target.model,
      status: e.status,
      message: e.message ?? `mock error ${e.status}`,
    };
    if (e.code !== undefined) init.providerCode = e.code;
    const retryAfterMs = parseRetryAfter(e.headers);
    if (retryAfterMs !== undefined) init.retryAfterMs = retryAfterMs;
    return providerErrorFromStatus(init);
  };

  const adapter: MockProvider = {
    kind: options.kind ?? 'mock',
    capabilities: options.capabilities ?? { assistantPrefill: true },
    calls,
    enqueue: (...r) => {
      script.push(...r);
    },
    reset: () => {
      script.length = 0;
      calls.length = 0;
    },

    async generate(request, opts) {
      const call = record('generate', request, opts);
      const r = next(request, call);
      if (r.latencyMs) await abortableSleep(r.latencyMs, opts.signal);
      opts.signal?.throwIfAborted();
      if (r.error && r.failAfterChunks === undefined) throw fail(r, opts);
      return toResult(r, opts);
    },

    stream(request, opts) {
      return streamAnswer(record('stream', request, opts), request, opts);
    },
  };

  async function* streamAnswer(call: MockCall, request: NormalizedRequest, opts: AdapterCallOptions): AsyncGenerator<StreamEvent> {
      const r = next(request, call);
      if (r.latencyMs) await abortableSleep(r.latencyMs, opts.signal);
      opts.signal?.throwIfAborted();
      if (r.error && r.failAfterChunks === undefined) throw fail(r, opts);
      const result = toResult(r, opts);
      const pieces = r.chunks ?? (r.text ? [r.text] : []);
      let sent = 0;
      const gate = async (): Promise<void> => {
        if (r.failAfterChunks !== undefined && sent >= r.failAfterChunks) {
          throw r.error ? fail(r, opts) : new StreamTruncatedError({ provider: opts.target.provider, model: opts.target.model, message: 'mock stream cut' });
        }
        if (sent > 0 && r.chunkDelayMs) await abortableSleep(r.chunkDelayMs, opts.signal);
        opts.signal?.throwIfAborted();
        sent++;
      };
      if (r.reasoning) {
        await gate();
        yield { type: 'reasoning-delta', text: r.reasoning };
      }
      for (const text of pieces) {
        await gate();
        yield { type: 'text-delta', text };
      }
      let index = 0;
      for (const part of result.content) {
        if (part.type !== 'tool-call') continue;
        await gate();
        yield { type: 'tool-call-start', index, id: part.id, name: part.name };
        yield { type: 'tool-call-delta', index, id: part.id, argumentsDelta: part.argumentsText };
        yield { type: 'tool-call-end', index, id: part.id, name: part.name, arguments: part.arguments, argumentsText: part.argumentsText };
        index++;
      }
      await gate();
      const finish: StreamEvent = {
        type: 'finish',
        finishReason: result.finishReason,
        rawFinishReason: result.rawFinishReason,
        usage: result.usage,
        responseId: result.id,
        responseModel: result.model,
        target: opts.target,
        requestId: undefined,
        raw: undefined,
      };
      yield finish;
  }
  return adapter;
}

let mockIds = 0;

function toResult(r: MockResponse, opts: AdapterCallOptions): AdapterResult {
  const content: ResponseContentPart[] = [];
  if (r.reasoning) content.push({ type: 'reasoning', text: r.reasoning });
  const text = r.text ?? (r.chunks ? r.chunks.join('') : '');
  if (text) content.push({ type: 'text', text });
  (r.toolCalls ?? []).forEach((tc, i) => {
    const argumentsText = JSON.stringify(tc.arguments ?? {});
    content.push({ type: 'tool-call', id: tc.id ?? `mock_call_${i}`, name: tc.name, arguments: tc.arguments ?? {}, argumentsText });
  });
  const u = r.usage ?? {};
  const usage = r.usage === null ? undefined : makeUsage({
    inputTokens: u.inputTokens ?? 10,
    outputTokens: u.outputTokens ?? Math.max(1, Math.ceil(text.length / 4)),
    cacheReadTokens: u.cacheReadTokens ?? 0,
    cacheWriteTokens: u.cacheWriteTokens ?? 0,
    reasoningTokens: u.reasoningTokens ?? 0,
  });
  return {
    id: `mock-${++mockIds}`,
    model: r.model ?? opts.target.model,
    content,
    finishReason: r.finishReason ?? (r.toolCalls?.length ? 'tool-calls' : 'stop'),
    rawFinishReason: r.rawFinishReason ?? r.finishReason ?? (r.toolCalls?.length ? 'tool-calls' : 'stop'),
    usage,
    requestId: undefined,
    raw: { mock: true, ...r, error: undefined },
  };
}

function lastUserText(req: NormalizedRequest): string {
  for (let i = req.messages.length - 1; i >= 0; i--) {
    const m = req.messages[i]!;
    if (m.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    return m.content.map((p) => (p.type === 'text' ? p.text : '')).join('');
  }
  return '';
}
