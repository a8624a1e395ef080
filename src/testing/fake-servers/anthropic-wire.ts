import type { Fault, RecordedRequest, ResolvedReply } from './types.js';
import { chunkText, sseFrame, type WireProtocol } from './wire-protocol.js';

/** Error `type` the Messages API uses for each status (`error.type` in the error body). */
const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'conflict_error',
  413: 'request_too_large',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  500: 'api_error',
  501: 'api_error',
  502: 'api_error',
  503: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const ERROR_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Invalid request',
  401: 'invalid x-api-key',
  402: 'Your credit balance is too low to access the Anthropic API.',
  403: 'Your API key does not have permission to use the specified resource.',
  404: 'model: not found',
  408: 'Request timed out',
  413: 'Request exceeds the maximum allowed number of bytes.',
  429: 'Number of request tokens has exceeded your per-minute rate limit',
  500: 'Internal server error',
  503: 'Service unavailable',
  504: 'Request timed out',
  529: 'Overloaded',
};

const PREFILL_REJECTED = 'This model does not support assistant message prefill. The conversation must end with a user message.';

let requestCounter = 0;
const requestIds = new WeakMap<RecordedRequest, string>();

function requestIdOf(request: RecordedRequest): string {
  let id = requestIds.get(request);
  if (!id) {
    requestCounter += 1;
    id = `req_fake${String(requestCounter).padStart(20, '0')}`;
    requestIds.set(request, id);
  }
  return id;
}

function messageIdOf(reply: ResolvedReply): string {
  return `msg_fake${reply.id.padStart(16, '0')}`;
}

/** A fixed-shape stand-in for the opaque signature Anthropic attaches to thinking. */
function signatureOf(reply: ResolvedReply): string {
  return Buffer.from(`fake-signature:${reply.id}`).toString('base64');
}

function stopReasonOf(reply: ResolvedReply): string {
  return reply.finishReason ?? (reply.toolCalls.length > 0 ? 'tool_use' : 'end_turn');
}

function stopSequenceOf(stopReason: string, request: RecordedRequest): string | null {
  if (stopReason !== 'stop_sequence') return null;
  const seqs = request.body?.['stop_sequences'];
  return Array.isArray(seqs) && typeof seqs[0] === 'string' ? seqs[0] : null;
}

function stopDetailsOf(stopReason: string): Record<string, unknown> | null {
  return stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null;
}

/** Anthropic's `input_tokens` excludes cached tokens; the unified count includes them. */
function uncachedInput(reply: ResolvedReply): number {
  const u = reply.usage;
  return Math.max(0, u.inputTokens - u.cacheReadTokens - u.cacheWriteTokens);
}

function fullUsage(reply: ResolvedReply): Record<string, unknown> {
  const u = reply.usage;
  return {
    input_tokens: uncachedInput(reply),
    output_tokens: u.outputTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cacheReadTokens,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
    output_tokens_details: u.reasoningTokens > 0 ? { thinking_tokens: u.reasoningTokens } : null,
    server_tool_use: null,
    service_tier: 'standard',
    inference_geo: 'global',
    speed: null,
  };
}

/** Splits a tool call's JSON into a few fragments, the way the API streams `partial_json`. */
function jsonFragments(json: string): string[] {
  if (json.length <= 4) return [json];
  const size = Math.ceil(json.length / 3);
  const out: string[] = [];
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size));
  return out;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const block of content as Array<Record<string, unknown>>) {
    if (block?.['type'] === 'text' && typeof block['text'] === 'string') out += block['text'];
    else if (block?.['type'] === 'tool_result') out += textOf(block['content']);
  }
  return out;
}

function messagesOf(body: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  const m = body?.['messages'];
  return Array.isArray(m) ? (m as Array<Record<string, unknown>>) : [];
}

function endsWithPrefill(request: RecordedRequest): boolean {
  const messages = messagesOf(request.body);
  return messages[messages.length - 1]?.['role'] === 'assistant';
}

/**
 * The Anthropic Messages wire as SDK 1.12 sees it: `POST /v1/messages`, `x-api-key` or Bearer auth,
 * every SSE event named with an `event:` line (the SDK drops unnamed ones), a `ping`, thinking with a
 * `signature_delta`, tool input as `input_json_delta` fragments, cumulative usage in `message_delta`,
 * and `message_stop` as the terminal frame. A trailing assistant turn (prefill) is accepted.
 */
export const anthropicWire: WireProtocol = {
  name: 'anthropic',

  route(method, url, body) {
    const path = url.split('?', 1)[0];
    if (method !== 'POST' || path !== '/v1/messages') return undefined;
    const model = typeof body?.['model'] === 'string' ? (body['model'] as string) : undefined;
    return { stream: body?.['stream'] === true, model };
  },

  authorized(headers) {
    const key = headers['x-api-key'];
    if (typeof key === 'string' && key.trim() !== '') return true;
    const auth = headers['authorization'];
    return typeof auth === 'string' && /^Bearer\s+\S+/i.test(auth);
  },

  lastUserText(body) {
    const messages = messagesOf(body);
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]!['role'] === 'user') return textOf(messages[i]!['content']);
    }
    return '';
  },

  promptChars(body) {
    let n = textOf(body?.['system']).length;
    for (const m of messagesOf(body)) n += textOf(m['content']).length;
    return n;
  },

  json(reply, request) {
    const content: unknown[] = [];
    if (reply.reasoning !== undefined) content.push({ type: 'thinking', thinking: reply.reasoning, signature: signatureOf(reply) });
    if (reply.text !== '' || (reply.toolCalls.length === 0 && reply.reasoning === undefined)) {
      content.push({ type: 'text', text: reply.text, citations: null });
    }
    for (const t of reply.toolCalls) content.push({ type: 'tool_use', id: t.id, name: t.name, input: t.arguments, caller: { type: 'direct' } });
    const stopReason = stopReasonOf(reply);
    return {
      id: messageIdOf(reply),
      type: 'message',
      role: 'assistant',
      model: reply.model,
      content,
      stop_reason: stopReason,
      stop_sequence: stopSequenceOf(stopReason, request),
      stop_details: stopDetailsOf(stopReason),
      container: null,
      diagnostics: null,
      usage: fullUsage(reply),
    };
  },

  frames(reply, request) {
    const frames: string[] = [];
    const u = reply.usage;
    frames.push(
      sseFrame(
        {
          type: 'message_start',
          message: {
            id: messageIdOf(reply),
            type: 'message',
            role: 'assistant',
            model: reply.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            stop_details: null,
            container: null,
            diagnostics: null,
            usage: {
              input_tokens: uncachedInput(reply),
              output_tokens: 1,
              cache_creation_input_tokens: u.cacheWriteTokens,
              cache_read_input_tokens: u.cacheReadTokens,
              cache_creation: { ephemeral_5m_input_tokens: u.cacheWriteTokens, ephemeral_1h_input_tokens: 0 },
              output_tokens_details: null,
              server_tool_use: null,
              service_tier: 'standard',
              inference_geo: 'global',
              speed: null,
            },
          },
        },
        'message_start',
      ),
    );
    frames.push(sseFrame({ type: 'ping' }, 'ping'));

    let index = 0;
    if (reply.reasoning !== undefined) {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }, 'content_block_start'));
      for (const piece of chunkText(reply.reasoning, reply.chunkSize)) {
        frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } }, 'content_block_delta'));
      }
      frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: signatureOf(reply) } }, 'content_block_delta'));
      frames.push(sseFrame({ type: 'content_block_stop', index }, 'content_block_stop'));
      index += 1;
    }
    if (reply.text !== '') {
      frames.push(sseFrame({ type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } }, 'content_block_start'));
      for (const piece of chunkText(reply.text, reply.chunkSize)) {
        frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }, 'content_block_delta'));
      }
      frames.push(sseFrame({ type: 'content_block_stop', index }, 'content_block_stop'));
      index += 1;
    }
    for (const t of reply.toolCalls) {
      frames.push(
        sseFrame({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: t.id, name: t.name, input: {}, caller: { type: 'direct' } } }, 'content_block_start'),
      );
      // The API opens with an empty fragment before the real ones.
      for (const piece of ['', ...jsonFragments(JSON.stringify(t.arguments))]) {
        frames.push(sseFrame({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }, 'content_block_delta'));
      }
      frames.push(sseFrame({ type: 'content_block_stop', index }, 'content_block_stop'));
      index += 1;
    }

    const stopReason = stopReasonOf(reply);
    const usage = fullUsage(reply);
    frames.push(
      sseFrame(
        {
          type: 'message_delta',
          delta: { stop_reason: stopReason, stop_sequence: stopSequenceOf(stopReason, request), stop_details: stopDetailsOf(stopReason), container: null },
          usage: {
            output_tokens: usage['output_tokens'],
            input_tokens: usage['input_tokens'],
            cache_creation_input_tokens: usage['cache_creation_input_tokens'],
            cache_read_input_tokens: usage['cache_read_input_tokens'],
            output_tokens_details: usage['output_tokens_details'],
            server_tool_use: null,
          },
        },
        'message_delta',
      ),
    );
    frames.push(sseFrame({ type: 'message_stop' }, 'message_stop'));
    return { frames, terminal: 1 };
  },

  errorResponse(fault, request) {
    const type = fault.code ?? ERROR_TYPES[fault.status] ?? (fault.status >= 500 ? 'api_error' : 'invalid_request_error');
    let message = fault.message ?? ERROR_MESSAGES[fault.status] ?? `HTTP ${fault.status}`;
    // The real service rejects a trailing assistant turn on models without prefill support.
    if (fault.message === undefined && fault.status === 400 && endsWithPrefill(request)) message = PREFILL_REJECTED;
    return { body: { type: 'error', error: { type, message }, request_id: requestIdOf(request) } };
  },

  inBandErrorFrame(fault: Extract<Fault, { type: 'in-band-error' }>) {
    const type = fault.code ?? 'overloaded_error';
    const message = fault.message ?? (type === 'overloaded_error' ? 'Overloaded' : 'Internal server error');
    return sseFrame({ type: 'error', error: { type, message } }, 'error');
  },

  responseHeaders(request) {
    return { 'request-id': requestIdOf(request), 'anthropic-organization-id': '00000000-0000-4000-8000-000000000000' };
  },
};
