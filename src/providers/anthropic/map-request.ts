import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice as AnthropicToolChoice,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import type { AssistantMessage, ImagePart, Message, NormalizedRequest, TextPart, ToolChoice, ToolMessage, UserMessage } from '../../types/request.js';
import type { Target } from '../../types/target.js';
import { resolveImage } from '../shared/content.js';

/**
 * The body we send. SDK 1.x dropped `temperature`/`top_p` from its types but still sends unknown
 * keys, and pass-through options may add anything, so the body is open-ended.
 */
export type AnthropicRequestBody = MessageCreateParamsBase & Record<string, unknown>;

type Base64MediaType = 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
type TurnRole = MessageParam['role'];

interface Turn {
  role: TurnRole;
  blocks: ContentBlockParam[];
}

// Structured output has no "any JSON" mode; the loosest schema it accepts stands in for `json`.
const PERMISSIVE_OBJECT_SCHEMA: Record<string, unknown> = { type: 'object' };

/** Builds the Messages API body for one call; pass-through provider options are merged in last. */
export function toAnthropicBody(request: NormalizedRequest, target: Target, defaultMaxTokens: number, stream: boolean): AnthropicRequestBody {
  const { system, messages } = mapMessages(request.messages);
  const body: AnthropicRequestBody = {
    model: target.model,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages,
  };
  if (system !== undefined) body.system = system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop && request.stop.length > 0) body.stop_sequences = request.stop;
  // `seed` has no Anthropic equivalent and is dropped.
  if (request.tools && request.tools.length > 0) body.tools = request.tools.map(mapTool);
  if (request.toolChoice !== undefined) body.tool_choice = mapToolChoice(request.toolChoice);
  const format = request.responseFormat;
  if (format?.type === 'json-schema') body.output_config = { format: { type: 'json_schema', schema: format.schema } };
  else if (format?.type === 'json') body.output_config = { format: { type: 'json_schema', schema: PERMISSIVE_OBJECT_SCHEMA } };

  const byKind = request.providerOptions?.['anthropic'];
  const byName = target.provider === 'anthropic' ? undefined : request.providerOptions?.[target.provider];
  if (byKind) Object.assign(body, byKind);
  if (byName) Object.assign(body, byName);
  // Whether the call streams is the adapter's decision, not a pass-through option's.
  if (stream) body.stream = true;
  else if ('stream' in body) delete body.stream;
  return body;
}

function mapTool(tool: NonNullable<NormalizedRequest['tools']>[number]): Tool {
  const out: Tool = {
    name: tool.name,
    // The API insists on an object schema at the top; a schema without `type` means the same thing.
    input_schema: { type: 'object', ...tool.parameters } as Tool.InputSchema,
  };
  if (tool.description !== undefined) out.description = tool.description;
  if (tool.strict !== undefined) out.strict = tool.strict;
  return out;
}

function mapToolChoice(choice: ToolChoice): AnthropicToolChoice {
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.name };
}

/**
 * Leading system messages become the top-level `system`; later ones use 1.x's `role: 'system'`
 * turn. Tool results travel as `tool_result` blocks in user turns, and consecutive turns of one
 * role merge, because the API wants alternating turns and all results of one step in one turn.
 */
function mapMessages(input: readonly Message[]): { system: string | TextBlockParam[] | undefined; messages: MessageParam[] } {
  let i = 0;
  const leading: Array<Message & { role: 'system' }> = [];
  while (i < input.length && input[i]!.role === 'system') leading.push(input[i++] as Message & { role: 'system' });

  const turns: Turn[] = [];
  for (; i < input.length; i++) {
    const m = input[i]!;
    let role: TurnRole;
    let blocks: ContentBlockParam[];
    switch (m.role) {
      case 'system':
        role = 'system';
        blocks = textBlocks(m.content);
        break;
      case 'user':
        role = 'user';
        blocks = userBlocks(m);
        break;
      case 'assistant':
        role = 'assistant';
        blocks = assistantBlocks(m);
        break;
      case 'tool':
        role = 'user';
        blocks = [toolResultBlock(m)];
        break;
    }
    // The API rejects empty turns (e.g. an assistant turn that held only unsigned reasoning).
    if (blocks.length === 0) continue;
    const last = turns[turns.length - 1];
    if (last && last.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  }

  const messages: MessageParam[] = [];
  for (const t of turns) {
    // A lone text block is sent as a plain string: same meaning, smaller body.
    const only = t.blocks.length === 1 ? t.blocks[0]! : undefined;
    if (only && only.type === 'text') {
      messages.push({ role: t.role, content: only.text } as MessageParam);
    } else if (t.role === 'system') {
      messages.push({ role: 'system', content: t.blocks as TextBlockParam[] });
    } else {
      messages.push({ role: t.role, content: t.blocks });
    }
  }

  let system: string | TextBlockParam[] | undefined;
  if (leading.length === 1 && typeof leading[0]!.content === 'string') system = leading[0]!.content;
  else if (leading.length > 0) system = leading.flatMap((m) => textBlocks(m.content));
  return { system, messages };
}

function textBlocks(content: string | readonly TextPart[]): TextBlockParam[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const out: TextBlockParam[] = [];
  // The API rejects empty text blocks.
  for (const p of content) if (p.text !== '') out.push({ type: 'text', text: p.text });
  return out;
}

function userBlocks(m: UserMessage): ContentBlockParam[] {
  if (typeof m.content === 'string') return [{ type: 'text', text: m.content }];
  const out: ContentBlockParam[] = [];
  for (const p of m.content) {
    if (p.type === 'text') {
      if (p.text !== '') out.push({ type: 'text', text: p.text });
    } else {
      out.push(imageBlock(p));
    }
  }
  return out;
}

function imageBlock(part: ImagePart): ImageBlockParam {
  const img = resolveImage(part);
  if (img.kind === 'url') return { type: 'image', source: { type: 'url', url: img.url } };
  return { type: 'image', source: { type: 'base64', media_type: img.mediaType as Base64MediaType, data: img.data } };
}

function assistantBlocks(m: AssistantMessage): ContentBlockParam[] {
  if (typeof m.content === 'string') return m.content === '' ? [] : [{ type: 'text', text: m.content }];
  const out: ContentBlockParam[] = [];
  for (const p of m.content) {
    switch (p.type) {
      case 'text':
        if (p.text !== '') out.push({ type: 'text', text: p.text });
        break;
      case 'tool-call':
        out.push({ type: 'tool_use', id: p.id, name: p.name, input: toolInput(p.arguments) });
        break;
      case 'reasoning': {
        // Only signed thinking can be echoed; the API rejects unsigned (e.g. another provider's) reasoning.
        const meta = p.providerMetadata;
        const signature = meta?.['signature'];
        const redacted = meta?.['redactedData'];
        if (typeof signature === 'string') out.push({ type: 'thinking', thinking: p.text, signature });
        else if (typeof redacted === 'string') out.push({ type: 'redacted_thinking', data: redacted });
        break;
      }
    }
  }
  return out;
}

/** `tool_use.input` must be an object; history may hold the raw text of arguments that failed to parse. */
function toolInput(args: unknown): Record<string, unknown> {
  if (args !== null && typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  if (typeof args === 'string' && args.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(args);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through: an empty input is the only shape the API accepts here
    }
  }
  return {};
}

function toolResultBlock(m: ToolMessage): ToolResultBlockParam {
  const block: ToolResultBlockParam = {
    type: 'tool_result',
    tool_use_id: m.toolCallId,
    content: typeof m.content === 'string' ? m.content : textBlocks(m.content),
  };
  if (m.isError) block.is_error = true;
  return block;
}
