import { randomBytes } from 'node:crypto';
import type { Fault, RecordedRequest, ResolvedReply } from './types.js';
import { chunkText, sseFrame, type WireProtocol } from './wire-protocol.js';

// `/v1/chat/completions` (OpenAI and compatible servers) or Azure's deployment path, which needs `api-version`.
const OPENAI_PATH = /^\/v1\/chat\/completions(?:\?.*)?$/;
const AZURE_PATH = /^\/openai\/deployments\/([^/?]+)\/chat\/completions\?(?:.*&)?api-version=[^&]+/;

interface ErrorBody {
  message: string;
  type: string | null;
  param: string | null;
  code: string | null;
}

function isAzure(request: RecordedRequest): boolean {
  return request.url.startsWith('/openai/deployments/');
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const p of content) if (p && typeof p === 'object' && (p as { type?: unknown }).type === 'text') out += String((p as { text?: unknown }).text ?? '');
  return out;
}

function messagesOf(body: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  const m = body?.messages;
  return Array.isArray(m) ? (m as Array<Record<string, unknown>>) : [];
}

function finishReasonOf(reply: ResolvedReply): string {
  return reply.finishReason ?? (reply.toolCalls.length > 0 ? 'tool_calls' : 'stop');
}

/** Usage in OpenAI's convention: prompt includes cached tokens, completion includes reasoning tokens. */
function usageOf(reply: ResolvedReply): Record<string, unknown> {
  const u = reply.usage;
  const promptDetails: Record<string, number> = { cached_tokens: u.cacheReadTokens, audio_tokens: 0 };
  if (u.cacheWriteTokens > 0) promptDetails.cache_write_tokens = u.cacheWriteTokens;
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: {
      reasoning_tokens: u.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

const AZURE_FILTER_RESULTS = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

/** The body OpenAI (or Azure) sends for an error status. */
function errorBodyFor(status: number, code: string | undefined, message: string | undefined, request: RecordedRequest): ErrorBody {
  switch (status) {
    case 400:
      if (code === 'context_length_exceeded') {
        return {
          message: message ?? "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
          type: 'invalid_request_error',
          param: 'messages',
          code,
        };
      }
      if (code === 'content_filter') {
        return {
          message:
            message ??
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
          type: null,
          param: 'prompt',
          code,
        };
      }
      return { message: message ?? 'Invalid request.', type: 'invalid_request_error', param: null, code: code ?? null };
    case 401: {
      const auth = request.headers.authorization;
      if (!auth && !request.headers['api-key']) {
        return {
          message:
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
          type: 'invalid_request_error',
          param: null,
          code: null,
        };
      }
      return { message: message ?? 'Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: code ?? 'invalid_api_key' };
    }
    case 403:
      return { message: message ?? 'Country, region, or territory not supported', type: 'request_forbidden', param: null, code: code ?? 'unsupported_country_region_territory' };
    case 404:
      return {
        message: message ?? `The model \`${request.model ?? 'unknown'}\` does not exist or you do not have access to it.`,
        type: 'invalid_request_error',
        param: null,
        code: code ?? 'model_not_found',
      };
    case 429:
      if (code === 'insufficient_quota') {
        return {
          message: message ?? 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          type: 'insufficient_quota',
          param: null,
          code,
        };
      }
      return {
        message:
          message ??
          `Rate limit reached for ${request.model ?? 'gpt-4o'} in organization org-fake on tokens per min (TPM): Limit 30000, Used 29937, Requested 385. Please try again in 644ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        type: 'tokens',
        param: null,
        code: code ?? 'rate_limit_exceeded',
      };
    case 503:
      return { message: message ?? 'Our servers are currently overloaded. Please try again later.', type: 'service_unavailable_error', param: null, code: code ?? 'server_is_overloaded' };
    default:
      if (status >= 500) {
        return { message: message ?? 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: code ?? null };
      }
      return { message: message ?? `Request failed with status ${status}.`, type: 'invalid_request_error', param: null, code: code ?? null };
  }
}

/** `type` OpenAI pairs with an in-stream error code. */
function inBandTypeFor(code: string | undefined): string {
  if (code === 'server_is_overloaded') return 'service_unavailable_error';
  if (code === 'rate_limit_exceeded') return 'tokens';
  if (code === 'context_length_exceeded' || code === 'content_filter') return 'invalid_request_error';
  return 'server_error';
}

/**
 * OpenAI Chat Completions as the `openai` SDK sees it: `POST /v1/chat/completions` with Bearer auth,
 * and Azure's `POST /openai/deployments/{deployment}/chat/completions?api-version=…` with `api-key`.
 * Streams are `data:`-only SSE ending in `data: [DONE]`. Reasoning, which OpenAI itself never returns
 * in Chat Completions, is rendered as DeepSeek-style `reasoning_content` like compatible servers do.
 */
export const openaiWire: WireProtocol = {
  name: 'openai',

  route(method, url, body) {
    if (method !== 'POST') return undefined;
    const stream = body?.stream === true;
    if (OPENAI_PATH.test(url)) return { stream, model: typeof body?.model === 'string' ? body.model : undefined };
    const azure = AZURE_PATH.exec(url);
    // Azure routes by deployment; the body's model is ignored.
    if (azure) return { stream, model: decodeURIComponent(azure[1]!) };
    return undefined;
  },

  authorized(headers) {
    const auth = headers.authorization;
    if (typeof auth === 'string' && /^Bearer \S+/.test(auth)) return true;
    const key = headers['api-key'];
    return typeof key === 'string' && key !== '';
  },

  lastUserText(body) {
    const messages = messagesOf(body);
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return textOf(messages[i]!.content);
    return '';
  },

  promptChars(body) {
    let n = 0;
    for (const m of messagesOf(body)) n += textOf(m.content).length;
    if (Array.isArray(body?.tools)) n += JSON.stringify(body.tools).length;
    return n;
  },

  json(reply, request) {
    const message: Record<string, unknown> = { role: 'assistant', content: reply.text === '' && reply.toolCalls.length > 0 ? null : reply.text };
    if (reply.reasoning) message.reasoning_content = reply.reasoning;
    message.refusal = null;
    message.annotations = [];
    if (reply.toolCalls.length > 0) {
      message.tool_calls = reply.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: JSON.stringify(t.arguments) } }));
    }
    const choice: Record<string, unknown> = { index: 0, message, logprobs: null, finish_reason: finishReasonOf(reply) };
    const out: Record<string, unknown> = {
      id: `chatcmpl-fake${reply.id}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: reply.model,
      choices: [choice],
      usage: usageOf(reply),
      service_tier: 'default',
      system_fingerprint: 'fp_fake0001',
    };
    if (isAzure(request)) {
      choice.content_filter_results = AZURE_FILTER_RESULTS;
      out.prompt_filter_results = [{ prompt_index: 0, content_filter_results: AZURE_FILTER_RESULTS }];
      delete out.service_tier;
    }
    return out;
  },

  frames(reply, request) {
    const body = request.body;
    const includeUsage = (body?.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    const id = `chatcmpl-fake${reply.id}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (choices: unknown[], usage?: unknown): string => {
      const c: Record<string, unknown> = { id, object: 'chat.completion.chunk', created, model: reply.model, system_fingerprint: 'fp_fake0001', choices };
      if (includeUsage) c.usage = usage ?? null;
      return sseFrame(c);
    };
    const delta = (d: Record<string, unknown>, finish: string | null = null) => [{ index: 0, delta: d, logprobs: null, finish_reason: finish }];

    const frames: string[] = [];
    if (isAzure(request)) {
      frames.push(sseFrame({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: [{ prompt_index: 0, content_filter_results: AZURE_FILTER_RESULTS }] }));
    }
    const toolOnly = reply.text === '' && !reply.reasoning && reply.toolCalls.length > 0;
    if (!toolOnly) frames.push(chunk(delta({ role: 'assistant', content: '', refusal: null })));
    for (const piece of chunkText(reply.reasoning ?? '', reply.chunkSize)) frames.push(chunk(delta({ reasoning_content: piece })));
    for (const piece of chunkText(reply.text, reply.chunkSize)) frames.push(chunk(delta({ content: piece })));
    reply.toolCalls.forEach((t, index) => {
      const head = { index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } };
      // OpenAI puts the role on the first call's opening fragment when there is no text.
      frames.push(chunk(delta(toolOnly && index === 0 ? { role: 'assistant', content: null, tool_calls: [head], refusal: null } : { tool_calls: [head] })));
      for (const piece of chunkText(JSON.stringify(t.arguments), reply.chunkSize)) {
        frames.push(chunk(delta({ tool_calls: [{ index, function: { arguments: piece } }] })));
      }
    });
    frames.push(chunk(delta({}, finishReasonOf(reply))));
    if (includeUsage) frames.push(chunk([], usageOf(reply)));
    frames.push(sseFrame('[DONE]'));
    return { frames, terminal: 1 };
  },

  errorResponse(fault, request) {
    if (isAzure(request) && fault.status === 401) {
      return {
        body: {
          error: {
            code: '401',
            message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
          },
        },
      };
    }
    const error: Record<string, unknown> = { ...errorBodyFor(fault.status, fault.code, fault.message, request) };
    if (isAzure(request) && fault.code === 'content_filter') {
      error.status = 400;
      error.innererror = { code: 'ResponsibleAIPolicyViolation', content_filter_result: { ...AZURE_FILTER_RESULTS, violence: { filtered: true, severity: 'high' } } };
    }
    return { body: { error } };
  },

  inBandErrorFrame(fault: Extract<Fault, { type: 'in-band-error' }>) {
    return sseFrame({
      error: {
        message: fault.message ?? 'The server had an error while processing your request. Sorry about that!',
        type: inBandTypeFor(fault.code),
        param: null,
        code: fault.code ?? null,
      },
    });
  },

  responseHeaders(request) {
    return {
      'x-request-id': `req_${randomBytes(16).toString('hex')}`,
      'openai-version': '2020-10-01',
      'openai-processing-ms': '42',
      'openai-organization': 'org-fake',
      'x-ratelimit-limit-requests': '10000',
      'x-ratelimit-limit-tokens': '30000000',
      'x-ratelimit-remaining-requests': '9999',
      'x-ratelimit-remaining-tokens': String(Math.max(0, 30_000_000 - (request.body ? JSON.stringify(request.body).length : 0))),
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-reset-tokens': '0s',
    };
  },
};
