import type { OpenAI } from 'openai';
import type {
  AssistantMessage,
  ImagePart,
  Message,
  NormalizedRequest,
  NormalizedResponseFormat,
  TextPart,
  ToolChoice,
  UserMessage,
} from '../../types/request.js';
import type { Target } from '../../types/target.js';
import { contentText, toDataUri } from '../shared/content.js';

type MessageParam = OpenAI.ChatCompletionMessageParam;
type ContentPart = OpenAI.ChatCompletionContentPart;
type ToolCallParam = OpenAI.ChatCompletionMessageFunctionToolCall;

/** Settings fixed when the adapter is created. */
export interface RequestSettings {
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  includeUsage: boolean;
}

/**
 * Builds the Chat Completions body. Provider options are merged last so a caller can override
 * anything switchyard sets (e.g. `reasoning_effort`, `parallel_tool_calls`, `max_tokens`) except
 * whether the call streams.
 */
export function toChatCompletionBody(
  request: NormalizedRequest,
  target: Target,
  stream: boolean,
  settings: RequestSettings,
): Record<string, unknown> {
  const body: Record<string, unknown> = { model: target.model, messages: toMessages(request.messages) };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.parameters,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined) body.response_format = toResponseFormat(request.responseFormat);
  if (request.maxTokens !== undefined) body[settings.maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  const po = request.providerOptions;
  if (po) {
    if (po.openai) Object.assign(body, po.openai);
    if (target.provider !== 'openai' && po[target.provider]) Object.assign(body, po[target.provider]);
  }
  // Set after the pass-through: the call's mode is the gateway's, not an option's.
  if (stream) {
    body.stream = true;
    if (settings.includeUsage) body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };
  } else {
    delete body.stream;
    delete body.stream_options;
  }
  return body;
}

function toMessages(messages: readonly Message[]): MessageParam[] {
  const out: MessageParam[] = [];
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        out.push({ role: 'system', content: contentText(m.content) });
        break;
      case 'user':
        out.push(toUserMessage(m));
        break;
      case 'assistant':
        out.push(toAssistantMessage(m));
        break;
      case 'tool':
        out.push({ role: 'tool', tool_call_id: m.toolCallId, content: contentText(m.content) });
        break;
    }
  }
  return out;
}

function toUserMessage(m: UserMessage): MessageParam {
  const msg: OpenAI.ChatCompletionUserMessageParam = {
    role: 'user',
    content: typeof m.content === 'string' ? m.content : m.content.map(toContentPart),
  };
  if (m.name !== undefined) msg.name = m.name;
  return msg;
}

function toContentPart(part: TextPart | ImagePart): ContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  // A URL (http(s) or data:) goes as is; OpenAI accepts both in `image_url.url`.
  const url = 'data' in part ? toDataUri(part.mediaType, part.data) : part.url;
  return { type: 'image_url', image_url: part.detail !== undefined ? { url, detail: part.detail } : { url } };
}

function toAssistantMessage(m: AssistantMessage): MessageParam {
  if (typeof m.content === 'string') return { role: 'assistant', content: m.content };
  let text = '';
  let toolCalls: ToolCallParam[] | undefined;
  for (const p of m.content) {
    if (p.type === 'text') text += p.text;
    else if (p.type === 'tool-call') {
      const call: ToolCallParam = {
        id: p.id,
        type: 'function',
        // Arguments that failed to parse were kept as their raw text; send that text back unchanged.
        function: { name: p.name, arguments: typeof p.arguments === 'string' ? p.arguments : JSON.stringify(p.arguments ?? {}) },
      };
      // Gemini's OpenAI-compatible endpoint needs its `extra_content` (thought signature) echoed back.
      const extra = p.providerMetadata?.extra_content;
      if (extra !== undefined) (call as ToolCallParam & { extra_content?: unknown }).extra_content = extra;
      (toolCalls ??= []).push(call);
    }
    // Chat Completions has no input form for reasoning; compatible servers reject or ignore it.
  }
  const msg: OpenAI.ChatCompletionAssistantMessageParam = { role: 'assistant', content: text === '' && toolCalls ? null : text };
  if (toolCalls) msg.tool_calls = toolCalls;
  return msg;
}

function toToolChoice(choice: ToolChoice): OpenAI.ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function toResponseFormat(format: NormalizedResponseFormat): Record<string, unknown> {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json':
      return { type: 'json_object' };
    case 'json-schema': {
      const jsonSchema: Record<string, unknown> = { name: format.name };
      if (format.description !== undefined) jsonSchema.description = format.description;
      jsonSchema.schema = format.schema;
      if (format.strict !== undefined) jsonSchema.strict = format.strict;
      return { type: 'json_schema', json_schema: jsonSchema };
    }
  }
}
