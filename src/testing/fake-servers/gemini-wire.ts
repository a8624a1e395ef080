import type { RecordedRequest, ResolvedReply } from './types.js';
import { chunkText, sseFrame, type WireProtocol } from './wire-protocol.js';

/*
 * The Gemini Developer API (`generativelanguage.googleapis.com`) as @google/genai 2.x sees it.
 *
 * Script conventions beyond the shared `FakeReply`:
 * - `finishReason: 'prompt:SAFETY'` (any `prompt:<blockReason>`) answers as a blocked prompt:
 *   no candidates, `promptFeedback.blockReason`.
 * - A `status` fault's `code` is the `google.rpc` status name when it is one (`RESOURCE_EXHAUSTED`,
 *   `UNAVAILABLE`, …); any other code goes into a `google.rpc.ErrorInfo` detail as its `reason`
 *   (`API_KEY_INVALID`, `PROHIBITED_CONTENT`, …).
 * - A `retry-after` / `retry-after-ms` header on a status fault becomes `google.rpc.RetryInfo.retryDelay`
 *   in the body (the real API sends no such header; the fake server still echoes the fault's headers).
 */

const ROUTE = /^\/(?:v1beta|v1|v1alpha)\/((?:models|tunedModels)\/[^/:?]+):(generateContent|streamGenerateContent)(?:\?(.*))?$/;
const API_KEY_INVALID_MESSAGE = 'API key not valid. Please pass a valid API key.';
const BLOCKED_PREFIX = 'prompt:';

const RPC_TO_HTTP: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  UNKNOWN: 500,
  INTERNAL: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

const HTTP_TO_RPC: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

// Messages the real service sends for each status.
const RPC_MESSAGES: Record<string, string> = {
  INVALID_ARGUMENT: 'Request contains an invalid argument.',
  FAILED_PRECONDITION: 'User location is not supported for the API use.',
  UNAUTHENTICATED: 'Request had invalid authentication credentials.',
  PERMISSION_DENIED: 'The caller does not have permission',
  RESOURCE_EXHAUSTED:
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  INTERNAL: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  UNAVAILABLE: 'The model is overloaded. Please try again later.',
  DEADLINE_EXCEEDED: 'Deadline expired before operation could complete.',
};

type Json = Record<string, unknown>;

interface WireContent {
  role?: unknown;
  parts?: unknown;
}

export const geminiWire: WireProtocol = {
  name: 'gemini',

  route(method, url) {
    if (method !== 'POST') return undefined;
    const m = ROUTE.exec(url);
    if (!m) return undefined;
    const stream = m[2] === 'streamGenerateContent';
    // The SDK always asks for SSE; without alt=sse the service would answer a JSON array.
    if (stream && new URLSearchParams(m[3] ?? '').get('alt') !== 'sse') return undefined;
    const name = decodeURIComponent(m[1]!);
    return { stream, model: name.startsWith('models/') ? name.slice('models/'.length) : name };
  },

  authorized(headers) {
    const key = headers['x-goog-api-key'];
    return typeof key === 'string' && key.trim() !== '';
  },

  lastUserText(body) {
    const contents = contentsOf(body);
    for (let i = contents.length - 1; i >= 0; i--) {
      const c = contents[i]!;
      if (c.role !== undefined && c.role !== 'user') continue;
      const text = partsOf(c)
        .map((p) => (typeof p.text === 'string' ? p.text : ''))
        .join('');
      if (text !== '') return text;
    }
    return '';
  },

  promptChars(body) {
    let chars = 0;
    const system = body?.systemInstruction as WireContent | undefined;
    const all = system ? [system, ...contentsOf(body)] : contentsOf(body);
    for (const c of all) {
      for (const p of partsOf(c)) {
        if (typeof p.text === 'string') chars += p.text.length;
        else if (p.functionCall) chars += JSON.stringify(p.functionCall).length;
        else if (p.functionResponse) chars += JSON.stringify(p.functionResponse).length;
      }
    }
    if (body?.tools) chars += JSON.stringify(body.tools).length;
    return chars;
  },

  json(reply) {
    const blockReason = blockReasonOf(reply);
    if (blockReason) return blockedResponse(reply, blockReason);
    const parts: Json[] = [];
    if (reply.reasoning) parts.push({ text: reply.reasoning, thought: true });
    if (reply.text !== '') parts.push({ text: reply.text });
    parts.push(...functionCallParts(reply));
    return envelope(reply, finalCandidate(reply, { content: parts.length > 0 ? { parts, role: 'model' } : { role: 'model' } }), fullUsage(reply));
  },

  frames(reply) {
    return { frames: streamChunks(reply, true).map((c) => sseFrame(c)), terminal: 0 };
  },

  framesWithoutFinish(reply) {
    return streamChunks(reply, false).map((c) => sseFrame(c));
  },

  errorResponse(fault, request) {
    const body = errorBody(fault.status, fault.code, fault.message, fault.headers, request);
    // Real streaming errors come as text/event-stream with a plain JSON body, so the SDK does not
    // parse them and wraps the raw text in a second error object.
    return { body, headers: { 'content-type': request.stream ? 'text/event-stream' : 'application/json; charset=UTF-8' } };
  },

  inBandErrorFrame(fault) {
    const rpc = fault.code !== undefined && fault.code in RPC_TO_HTTP ? fault.code : 'INTERNAL';
    const error: Json = { code: RPC_TO_HTTP[rpc], message: fault.message ?? RPC_MESSAGES[rpc] ?? 'Internal error encountered.', status: rpc };
    if (fault.code !== undefined && !(fault.code in RPC_TO_HTTP)) error.details = [errorInfo(fault.code)];
    return sseFrame({ error });
  },

  responseHeaders() {
    // What generativelanguage.googleapis.com sends; note there is no request id header.
    return {
      server: 'scaffolding on HTTPServer2',
      'server-timing': 'gfet4t7; dur=1',
      vary: 'Origin, X-Origin, Referer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'x-xss-protection': '0',
      'x-gemini-service-tier': 'standard',
    };
  },
};

function contentsOf(body: Json | undefined): WireContent[] {
  const contents = body?.contents;
  return Array.isArray(contents) ? (contents as WireContent[]) : [];
}

function partsOf(content: WireContent): Array<{ text?: unknown; functionCall?: unknown; functionResponse?: unknown }> {
  return Array.isArray(content.parts) ? (content.parts as Array<{ text?: unknown }>) : [];
}

function blockReasonOf(reply: ResolvedReply): string | undefined {
  return reply.finishReason?.startsWith(BLOCKED_PREFIX) ? reply.finishReason.slice(BLOCKED_PREFIX.length) : undefined;
}

/** Tool calls keep Gemini's `STOP`; the caller tells them apart by the parts. */
function finishReasonOf(reply: ResolvedReply): string {
  return reply.finishReason ?? 'STOP';
}

/** A `CONTINUATION` finish comes with the token to resume from, which the SDK would follow on its own. */
function finalCandidate(reply: ResolvedReply, candidate: Json): Json {
  const finishReason = finishReasonOf(reply);
  const final: Json = { ...candidate, finishReason, index: 0 };
  if (finishReason === 'CONTINUATION') final.continuationToken = Buffer.from(`fake-continuation-${reply.id}`).toString('base64');
  return final;
}

function responseIdOf(reply: ResolvedReply): string {
  return Buffer.from(`fake-gemini-response-${reply.id}`).toString('base64url');
}

function envelope(reply: ResolvedReply, candidate: Json, usageMetadata: Json): Json {
  return { candidates: [candidate], usageMetadata, modelVersion: reply.model, responseId: responseIdOf(reply) };
}

function blockedResponse(reply: ResolvedReply, blockReason: string): Json {
  return { promptFeedback: { blockReason }, usageMetadata: promptUsage(reply), modelVersion: reply.model, responseId: responseIdOf(reply) };
}

/** Developer API function calls carry no id; the first one of a turn carries the thought signature. */
function functionCallParts(reply: ResolvedReply): Json[] {
  return reply.toolCalls.map((t, i) => {
    const part: Json = { functionCall: { name: t.name, args: t.arguments } };
    if (i === 0) part.thoughtSignature = Buffer.from(`fake-signature-${reply.id}`).toString('base64');
    return part;
  });
}

/** Prompt counts only: what every chunk but the last reports. `promptTokenCount` includes cached tokens. */
function promptUsage(reply: ResolvedReply): Json {
  const { inputTokens, cacheReadTokens } = reply.usage;
  const usage: Json = { promptTokenCount: inputTokens, totalTokenCount: inputTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: inputTokens }] };
  if (cacheReadTokens > 0) {
    usage.cachedContentTokenCount = cacheReadTokens;
    usage.cacheTokensDetails = [{ modality: 'TEXT', tokenCount: cacheReadTokens }];
  }
  return usage;
}

/** Gemini's convention: `candidatesTokenCount` excludes thoughts, which are `thoughtsTokenCount`. */
function fullUsage(reply: ResolvedReply): Json {
  const { inputTokens, outputTokens, reasoningTokens } = reply.usage;
  const candidates = Math.max(0, outputTokens - reasoningTokens);
  const usage = promptUsage(reply);
  usage.candidatesTokenCount = candidates;
  usage.totalTokenCount = inputTokens + candidates + reasoningTokens;
  usage.candidatesTokensDetails = [{ modality: 'TEXT', tokenCount: candidates }];
  if (reasoningTokens > 0) usage.thoughtsTokenCount = reasoningTokens;
  return usage;
}

/**
 * Thought chunks, then text chunks, then all function calls in one chunk. The last chunk carries
 * `finishReason` and the full counts; after function calls it is a separate chunk with an empty
 * text part, as the service often sends it.
 */
function streamChunks(reply: ResolvedReply, withFinish: boolean): Json[] {
  const blockReason = blockReasonOf(reply);
  if (blockReason) return [blockedResponse(reply, blockReason)];
  const candidates: Json[] = [];
  for (const piece of chunkText(reply.reasoning ?? '', reply.chunkSize)) candidates.push(modelParts([{ text: piece, thought: true }]));
  for (const piece of chunkText(reply.text, reply.chunkSize)) candidates.push(modelParts([{ text: piece }]));
  if (reply.toolCalls.length > 0) {
    candidates.push(modelParts(functionCallParts(reply)));
    candidates.push(modelParts([{ text: '' }]));
  }
  if (candidates.length === 0) candidates.push(modelParts([{ text: '' }]));
  const last = candidates.length - 1;
  return candidates.map((candidate, i) => {
    if (i === last && withFinish) return envelope(reply, finalCandidate(reply, candidate), fullUsage(reply));
    return envelope(reply, candidate, promptUsage(reply));
  });
}

function modelParts(parts: Json[]): Json {
  return { content: { parts, role: 'model' } };
}

function errorInfo(reason: string): Json {
  return { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } };
}

function errorBody(
  httpStatus: number,
  code: string | undefined,
  message: string | undefined,
  headers: Record<string, string> | undefined,
  request: RecordedRequest,
): Json {
  // The shared server answers missing credentials with 401 (and a generic message); the real API
  // says so as a 400 INVALID_ARGUMENT whose ErrorInfo reason is API_KEY_INVALID.
  if ((httpStatus === 401 && code === undefined) || code === 'API_KEY_INVALID') {
    const text = code === 'API_KEY_INVALID' && message !== undefined ? message : API_KEY_INVALID_MESSAGE;
    return {
      error: {
        code: 400,
        message: text,
        status: 'INVALID_ARGUMENT',
        details: [errorInfo('API_KEY_INVALID'), { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: text }],
      },
    };
  }
  const isRpcName = code !== undefined && code in RPC_TO_HTTP;
  const status = isRpcName ? code : (HTTP_TO_RPC[httpStatus] ?? (httpStatus >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION'));
  const details: Json[] = [];
  if (code !== undefined && !isRpcName) details.push(errorInfo(code));
  const retryDelay = retryDelayOf(headers);
  if (status === 'RESOURCE_EXHAUSTED') {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
          quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
          quotaDimensions: { location: 'global', model: request.model ?? 'unknown-model' },
          quotaValue: '10',
        },
      ],
    });
    details.push({ '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] });
  }
  if (retryDelay !== undefined) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
  const error: Json = { code: httpStatus, message: message ?? defaultMessage(status, request), status };
  if (details.length > 0) error.details = details;
  return { error };
}

function defaultMessage(status: string, request: RecordedRequest): string {
  if (status === 'NOT_FOUND') {
    return `models/${request.model ?? 'unknown-model'} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`;
  }
  return RPC_MESSAGES[status] ?? 'Internal error encountered.';
}

/** `google.protobuf.Duration` JSON: seconds with an `s` suffix. */
function retryDelayOf(headers: Record<string, string> | undefined): string | undefined {
  if (!headers) return undefined;
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && Number.isFinite(Number(ms))) return `${Number(ms) / 1000}s`;
  const secs = headers['retry-after'];
  if (secs !== undefined && Number.isFinite(Number(secs))) return `${Number(secs)}s`;
  return undefined;
}
