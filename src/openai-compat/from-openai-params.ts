import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { AssistantMessage, ChatRequest, Message, ResponseFormat, ToolChoice, ToolDefinition } from '../types/request.js';

/** Per-call options in the shape of the openai SDK's RequestOptions (the parts that mean something here). */
export interface OpenAICompatRequestOptions {
  signal?: AbortSignal | null;
  timeout?: number;
  /** switchyard extension: request metadata for routing and governance layers. */
  metadata?: ChatRequest['metadata'];
}

// Fields with a unified equivalent; everything else is passed through to OpenAI-kind providers.
const MAPPED = new Set([
  'model', 'messages', 'tools', 'tool_choice', 'response_format', 'max_tokens', 'max_completion_tokens',
  'temperature', 'top_p', 'stop', 'seed', 'stream', 'stream_options', 'n', 'user', 'functions', 'function_call',
]);

/** Translates OpenAI Chat Completions params into a switchyard ChatRequest. */
export function fromOpenAIParams(params: ChatCompletionCreateParams, model: string, options?: OpenAICompatRequestOptions): ChatRequest {
  if (params.n != null && params.n !== 1) throw new InvalidRequestError('n', 'only n = 1 is supported through the gateway');
  if ('functions' in params && params.functions) throw new InvalidRequestError('functions', "legacy 'functions' are not supported; use 'tools'");
  const req: ChatRequest = { model, messages: params.messages.map((m, i) => fromMessage(m, i)) };
  if (params.tools?.length) req.tools = params.tools.map((t, i) => fromTool(t, i));
  if (params.tool_choice != null) req.toolChoice = fromToolChoice(params.tool_choice);
  if (params.response_format) req.responseFormat = fromResponseFormat(params.response_format);
  const maxTokens = params.max_completion_tokens ?? params.max_tokens;
  if (maxTokens != null) req.maxTokens = maxTokens;
  if (params.temperature != null) req.temperature = params.temperature;
  if (params.top_p != null) req.topP = params.top_p;
  if (params.stop != null) req.stop = params.stop;
  if (params.seed != null) req.seed = params.seed;
  const metadata = { ...(params.user ? { user: params.user } : {}), ...(options?.metadata ?? {}) };
  if (Object.keys(metadata).length > 0) req.metadata = metadata;
  const passthrough: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (!MAPPED.has(k) && v !== undefined) passthrough[k] = v;
  if (Object.keys(passthrough).length > 0) req.providerOptions = { openai: passthrough };
  if (options?.signal) req.signal = options.signal;
  if (options?.timeout !== undefined) req.timeout = options.timeout;
  return req;
}

function textOf(content: string | ReadonlyArray<{ type: string; text?: string }>, path: string): string {
  if (typeof content === 'string') return content;
  return content
    .map((p, i) => {
      if (p.type !== 'text') throw new InvalidRequestError(`${path}[${i}].type`, `'${p.type}' parts are not supported here`);
      return p.text ?? '';
    })
    .join('');
}

function fromMessage(m: ChatCompletionMessageParam, i: number): Message {
  const path = `messages[${i}]`;
  switch (m.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: textOf(m.content, `${path}.content`) };
    case 'user':
      if (typeof m.content === 'string') return { role: 'user', content: m.content };
      return { role: 'user', content: m.content.map((p, j) => fromUserPart(p, `${path}.content[${j}]`)) };
    case 'assistant': {
      const parts: Exclude<AssistantMessage['content'], string> = [];
      if (m.content != null) {
        const text = textOf(m.content as string | Array<{ type: string; text?: string }>, `${path}.content`);
        if (text) parts.push({ type: 'text', text });
      }
      m.tool_calls?.forEach((tc, j) => {
        if (tc.type !== 'function') throw new InvalidRequestError(`${path}.tool_calls[${j}].type`, `'${tc.type}' tool calls are not supported`);
        let args: unknown;
        try {
          args = tc.function.arguments.trim() === '' ? {} : JSON.parse(tc.function.arguments);
        } catch {
          throw new InvalidRequestError(`${path}.tool_calls[${j}].function.arguments`, 'must be a JSON string');
        }
        parts.push({ type: 'tool-call', id: tc.id, name: tc.function.name, arguments: args });
      });
      return { role: 'assistant', content: parts.length === 1 && parts[0]!.type === 'text' ? parts[0]!.text : parts };
    }
    case 'tool':
      return { role: 'tool', toolCallId: m.tool_call_id, content: textOf(m.content, `${path}.content`) };
    default:
      throw new InvalidRequestError(`${path}.role`, `role '${(m as { role: string }).role}' is not supported`);
  }
}

function fromUserPart(p: ChatCompletionContentPart, path: string) {
  if (p.type === 'text') return { type: 'text' as const, text: p.text };
  if (p.type === 'image_url') {
    const part: { type: 'image'; url: string; detail?: 'auto' | 'low' | 'high' } = { type: 'image', url: p.image_url.url };
    if (p.image_url.detail) part.detail = p.image_url.detail;
    return part;
  }
  throw new InvalidRequestError(`${path}.type`, `'${p.type}' parts are not supported through the gateway`);
}

function fromTool(t: ChatCompletionTool, i: number): ToolDefinition {
  if (t.type !== 'function') throw new InvalidRequestError(`tools[${i}].type`, `'${t.type}' tools are not supported; use function tools`);
  const def: ToolDefinition = { name: t.function.name, parameters: t.function.parameters ?? { type: 'object', properties: {} } };
  if (t.function.description !== undefined) def.description = t.function.description;
  if (t.function.strict != null) def.strict = t.function.strict;
  return def;
}

function fromToolChoice(choice: NonNullable<ChatCompletionCreateParams['tool_choice']>): ToolChoice {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function') return { type: 'tool', name: choice.function.name };
  throw new InvalidRequestError('tool_choice.type', `'${choice.type}' is not supported`);
}

function fromResponseFormat(format: NonNullable<ChatCompletionCreateParams['response_format']>): ResponseFormat {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const out: ResponseFormat = { type: 'json-schema', schema: format.json_schema.schema ?? { type: 'object' }, name: format.json_schema.name };
      if (format.json_schema.description !== undefined) out.description = format.json_schema.description;
      if (format.json_schema.strict != null) out.strict = format.json_schema.strict;
      return out;
    }
    default:
      throw new InvalidRequestError('response_format.type', `'${(format as { type: string }).type}' is not supported`);
  }
}
