import type {
  Content,
  FunctionCallingConfig,
  FunctionCallingConfigMode,
  GenerateContentConfig,
  GenerateContentParameters,
  HttpOptions,
  Part,
} from '@google/genai';
import { InvalidRequestError } from '../../errors/invalid-request-error.js';
import type { AdapterCallOptions } from '../../types/provider-adapter.js';
import type {
  AssistantMessage,
  ImagePart,
  Message,
  NormalizedRequest,
  NormalizedResponseFormat,
  TextPart,
  ToolChoice,
  ToolMessage,
} from '../../types/request.js';
import { contentText, resolveImage } from '../shared/content.js';

// Gemini's fileData needs a MIME type; a URL with no recognisable extension is most likely a photo.
const DEFAULT_IMAGE_TYPE = 'image/jpeg';

// The gateway owns retries. Per-call retryOptions are merged over the client's, so this also
// switches off retries the host configured on its own client.
const NO_SDK_RETRIES = Object.freeze({ attempts: 1 });

// The SDK's enums are runtime objects; switchyard may only import the SDK's types.
const MODE_AUTO = 'AUTO' as FunctionCallingConfigMode;
const MODE_ANY = 'ANY' as FunctionCallingConfigMode;
const MODE_NONE = 'NONE' as FunctionCallingConfigMode;

/**
 * Builds the `generateContent` / `generateContentStream` parameters for one attempt. `abortSignal`
 * is the signal the SDK must watch (for streams, one the adapter can also fire itself).
 */
export function toGenerateParams(request: NormalizedRequest, call: AdapterCallOptions, abortSignal: AbortSignal | undefined): GenerateContentParameters {
  const { systemInstruction, contents } = mapMessages(request.messages);
  const config: GenerateContentConfig = {};
  if (systemInstruction) config.systemInstruction = systemInstruction;
  if (request.tools && request.tools.length > 0) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((t) => ({
          name: t.name,
          ...(t.description !== undefined ? { description: t.description } : {}),
          parametersJsonSchema: t.parameters,
        })),
      },
    ];
  }
  if (request.toolChoice !== undefined) config.toolConfig = { functionCallingConfig: mapToolChoice(request.toolChoice) };
  applyResponseFormat(config, request.responseFormat);
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.seed !== undefined) config.seed = request.seed;

  const options = request.providerOptions;
  const byKind = options?.gemini;
  const byName = options?.[call.target.provider];
  if (byKind) Object.assign(config, byKind);
  if (byName && byName !== byKind) Object.assign(config, byName);

  // Set after the pass-through: one attempt must stay one HTTP call the gateway can cancel.
  const httpOptions: HttpOptions = { ...config.httpOptions, retryOptions: NO_SDK_RETRIES };
  if (call.timeoutMs !== undefined) httpOptions.timeout = Math.max(1, Math.ceil(call.timeoutMs));
  config.httpOptions = httpOptions;
  if (abortSignal) config.abortSignal = abortSignal;
  config.automaticFunctionCalling = { disable: true };
  // Otherwise a CONTINUATION finish makes the SDK send further requests on its own.
  config.automaticContinuation = false;

  return { model: call.target.model, contents, config };
}

function mapMessages(messages: readonly Message[]): { systemInstruction: Content | undefined; contents: Content[] } {
  let systemParts: Part[] | undefined;
  const contents: Content[] = [];
  // Gemini wants all answers to one model turn's calls in a single user turn.
  let toolTurn: Part[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role !== 'tool') toolTurn = undefined;
    switch (message.role) {
      case 'system':
        (systemParts ??= []).push({ text: contentText(message.content) });
        break;
      case 'user':
        contents.push({ role: 'user', parts: userParts(message.content) });
        break;
      case 'assistant': {
        const parts = assistantParts(message.content);
        // The API rejects a turn without parts; an empty assistant message carries nothing anyway.
        if (parts.length > 0) contents.push({ role: 'model', parts });
        break;
      }
      case 'tool': {
        const part = toolResultPart(message, messages, i);
        if (toolTurn) toolTurn.push(part);
        else {
          toolTurn = [part];
          contents.push({ role: 'user', parts: toolTurn });
        }
        break;
      }
    }
  }
  return { systemInstruction: systemParts ? { parts: systemParts } : undefined, contents };
}

function userParts(content: string | Array<TextPart | ImagePart>): Part[] {
  if (typeof content === 'string') return [{ text: content }];
  const parts: Part[] = [];
  for (const part of content) parts.push(part.type === 'text' ? { text: part.text } : imagePart(part));
  return parts;
}

function imagePart(part: ImagePart): Part {
  const image = resolveImage(part);
  if (image.kind === 'base64') return { inlineData: { mimeType: image.mediaType, data: image.data } };
  return { fileData: { fileUri: image.url, mimeType: image.mediaType ?? DEFAULT_IMAGE_TYPE } };
}

function assistantParts(content: AssistantMessage['content']): Part[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  const parts: Part[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (part.text !== '') parts.push({ text: part.text });
    } else if (part.type === 'reasoning') {
      const signature = thoughtSignatureOf(part.providerMetadata);
      if (part.text === '' && signature === undefined) continue;
      const thought: Part = { text: part.text, thought: true };
      if (signature !== undefined) thought.thoughtSignature = signature;
      parts.push(thought);
    } else {
      // Gemini 3 rejects a replayed functionCall whose thoughtSignature was dropped.
      const call: Part = { functionCall: { id: part.id, name: part.name, args: argsObject(part.arguments) } };
      const signature = thoughtSignatureOf(part.providerMetadata);
      if (signature !== undefined) call.thoughtSignature = signature;
      parts.push(call);
    }
  }
  return parts;
}

function thoughtSignatureOf(metadata: Record<string, unknown> | undefined): string | undefined {
  const signature = metadata?.thoughtSignature;
  return typeof signature === 'string' ? signature : undefined;
}

/** Gemini's `args` is a protobuf Struct: only a JSON object fits. */
function argsObject(value: unknown): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // not JSON: nothing to recover
    }
  }
  return {};
}

function toolResultPart(message: ToolMessage, messages: readonly Message[], index: number): Part {
  const name = message.toolName ?? toolNameFromHistory(messages, index, message.toolCallId);
  if (name === undefined) {
    throw new InvalidRequestError(
      `messages[${index}].toolName`,
      `Gemini needs the function name of a tool result, and no earlier assistant tool call has id "${message.toolCallId}"; set toolName`,
    );
  }
  const text = contentText(message.content);
  return {
    functionResponse: { id: message.toolCallId, name, response: message.isError ? { error: text } : responseObject(text) },
  };
}

/** The nearest earlier call with this id: ids generated per response may repeat across turns. */
function toolNameFromHistory(messages: readonly Message[], before: number, id: string): string | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    for (const part of message.content) if (part.type === 'tool-call' && part.id === id) return part.name;
  }
  return undefined;
}

/** `functionResponse.response` must be an object: a JSON object result goes as is, anything else is wrapped. */
function responseObject(text: string): Record<string, unknown> {
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (isPlainObject(parsed)) return parsed;
    } catch {
      // plain text that happens to start with a brace
    }
  }
  return { result: text };
}

function mapToolChoice(choice: ToolChoice): FunctionCallingConfig {
  if (choice === 'auto') return { mode: MODE_AUTO };
  if (choice === 'required') return { mode: MODE_ANY };
  if (choice === 'none') return { mode: MODE_NONE };
  return { mode: MODE_ANY, allowedFunctionNames: [choice.name] };
}

function applyResponseFormat(config: GenerateContentConfig, format: NormalizedResponseFormat | undefined): void {
  if (!format || format.type === 'text') return;
  config.responseMimeType = 'application/json';
  if (format.type === 'json-schema') config.responseJsonSchema = format.schema;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
