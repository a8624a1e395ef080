import type { SchemaInput } from './json-schema.js';

/** Free-form request metadata. The named keys are what the routing and governance layers read. */
export interface RequestMetadata {
  user?: string;
  team?: string;
  feature?: string;
  session?: string;
  apiKey?: string;
  tags?: readonly string[];
  [key: string]: unknown;
}

export interface TextPart {
  type: 'text';
  text: string;
}

/** An image given by URL (http(s) or a `data:` URI) or as base64 data with its media type. */
export type ImagePart =
  | { type: 'image'; url: string; mediaType?: string; detail?: 'auto' | 'low' | 'high' }
  | { type: 'image'; data: string; mediaType: string; detail?: 'auto' | 'low' | 'high' };

/** A tool call the assistant made, as it appears in conversation history. */
export interface ToolCallPart {
  type: 'tool-call';
  id: string;
  name: string;
  /** Parsed arguments object. */
  arguments: unknown;
  /** Opaque provider data that must be echoed back (e.g. Gemini's `thoughtSignature`). */
  providerMetadata?: Record<string, unknown>;
}

export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Opaque provider data (e.g. Anthropic's thinking `signature`). */
  providerMetadata?: Record<string, unknown>;
}

export interface SystemMessage {
  role: 'system';
  content: string | TextPart[];
}

export interface UserMessage {
  role: 'user';
  content: string | Array<TextPart | ImagePart>;
  name?: string;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | Array<TextPart | ToolCallPart | ReasoningPart>;
}

export interface ToolMessage {
  role: 'tool';
  /** The id of the tool call this answers. */
  toolCallId: string;
  /** The tool's name. Gemini needs it; filled from history when omitted. */
  toolName?: string;
  content: string | TextPart[];
  isError?: boolean;
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object, or a zod schema. */
  parameters: SchemaInput;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; schema: SchemaInput; name?: string; description?: string; strict?: boolean };

/**
 * Options passed through to one provider's SDK body verbatim, keyed by the adapter kind
 * (`openai`, `anthropic`, `gemini`) or by the name the provider was registered under.
 */
export type ProviderOptions = Record<string, Record<string, unknown>>;

/** The one request shape every provider is called with. */
export interface ChatRequest {
  /** `provider/model` (split at the first `/`) or an alias configured on the gateway. */
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string | string[];
  seed?: number;
  metadata?: RequestMetadata;
  providerOptions?: ProviderOptions;
  signal?: AbortSignal;
  /** Whole-call deadline in milliseconds, covering every attempt. */
  timeout?: number;
}

/**
 * The request as layers and adapters see it: validated, with zod schemas converted to JSON Schema
 * and `stop` as an array. Layers may return changed copies of it to `next`.
 */
export interface NormalizedRequest {
  messages: Message[];
  tools?: NormalizedToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: NormalizedResponseFormat;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  seed?: number;
  providerOptions?: ProviderOptions;
}

export interface NormalizedToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type NormalizedResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; schema: Record<string, unknown>; name: string; description?: string; strict?: boolean };
