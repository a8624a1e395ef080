// Input-token estimates for budgets and rate limits: they reserve before every attempt, so this runs
// on the hot path and is memoized per request object.
//
// Three ways to count, in order of preference:
// - tokenizer: gpt-tokenizer (optional peer) counts the text with the model's OpenAI encoding. For
//   Claude and Gemini we scale the o200k count by a calibrated factor (their tokenizers are not
//   public in JS); the factor is capped so the text part never exceeds its UTF-8 bytes.
// - bytes: without the tokenizer (not installed, or still loading), ceil(UTF-8 bytes / 4). Bytes, not
//   characters: chars/4 gives about a third of the real o200k count for Chinese and Japanese, bytes/4
//   stays within ~0.7–1.5× on every sample in bench/estimate-calibration.ts.
// - strict: an upper bound rather than an estimate (see `strictCount`).

import type { Message, NormalizedRequest } from '../types/request.js';
import { imageCostFor, imageTokens, type ImageCost, type ImageDetail } from './estimate-images.js';
import { countInPieces, jsonWhitespaceSlots, utf8ByteLength } from './estimate-text.js';
import { encodingForModel, tokenCounter, tokenizerGeneration, type EncodingName } from './estimate-tokenizer.js';

export { loadTokenizer } from './estimate-tokenizer.js';

/** Which tokenizer a target's input is billed in. */
export type TokenizerFamily = 'openai' | 'anthropic' | 'gemini' | 'other';

export interface InputEstimate {
  tokens: number;
  method: 'tokenizer' | 'bytes' | 'strict';
}

export interface EstimateOptions {
  /** adapter kind (`openai` | `anthropic` | `gemini` | `mock` | other) — picks the family */
  kind: string;
  model: string;
  /** upper bound instead of estimate: UTF-8 bytes of all text + per-message overhead (+ images at their max) */
  strict?: boolean;
}

// Tokens per o200k token. Claude's tokenizer runs about 16 % and Gemini's about 8 % above o200k on
// mixed English/code/JSON (issue 5's calibration); other tokenizers are assumed equal to o200k.
const FACTOR: Record<TokenizerFamily, number> = { openai: 1, anthropic: 1.16, gemini: 1.08, other: 1 };

// Chat-format overhead, from OpenAI's token-counting recipe for chat models: each message is wrapped
// in about 3 tokens (<|start|>role … <|end|>), a `name` adds 1, and every reply is primed with 3
// (<|start|>assistant<|message|>). The other providers' wrappers are of the same order.
const PER_MESSAGE = 3;
const PER_NAME = 1;
const REPLY_PRIMING = 3;
// A tool call in history: its name, id and arguments are counted as text; this is the wrapper.
const PER_TOOL_CALL = 3;
// Tool definitions are counted as name + description + compact JSON schema. OpenAI renders them as a
// TypeScript-like namespace in the system message (usually fewer tokens than the JSON), so only a
// small wrapper allowance is added.
const TOOLS_BASE = 12;
const PER_TOOL = 8;
// Anthropic adds a tool-use system prompt whenever tools are present. Its tool-use pricing table lists
// it per model: 159–530 tokens for Claude 3 models, 346 for Claude 4-era models with tool_choice
// auto/none (313 for any/tool).
const ANTHROPIC_TOOL_PROMPT = 346;
// A structured-output schema is counted as its JSON; this is the instruction wrapped around it.
const RESPONSE_SCHEMA = 8;

// Strict allowances (see strictCount). Generous on purpose: they are the only parts not derived
// from the bytes themselves.
const STRICT_PER_MESSAGE = 8;
const STRICT_REPLY_PRIMING = 8;
const STRICT_PER_TOOL_CALL = 8;
const STRICT_TOOLS_BASE = 64;
const STRICT_PER_TOOL = 32;
// Anthropic's tool-use system prompt: up to 530 tokens in its published table (Claude 3 Opus), with
// higher figures reported for later models; 1000 covers them.
const STRICT_ANTHROPIC_TOOL_PROMPT = 1000;
const STRICT_RESPONSE_FORMAT = 64;

/**
 * The tokenizer family of a target: by adapter kind, except that a model name naming Claude or
 * Gemini wins (OpenAI-compatible gateways such as OpenRouter or LiteLLM serve them through the
 * `openai` adapter), and an unknown kind is recognised by OpenAI-style model names.
 */
export function tokenizerFamily(kind: string, model: string): TokenizerFamily {
  const k = kind.toLowerCase();
  const m = model.toLowerCase();
  if (k === 'anthropic' || m.includes('claude')) return 'anthropic';
  if (k === 'gemini' || k === 'google' || k === 'vertex' || m.includes('gemini') || m.includes('gemma')) return 'gemini';
  if (k === 'openai' || k === 'azure' || /(?:^|\/)(?:ft:)?(?:gpt-|chatgpt-|o\d|text-embedding-)/.test(m)) return 'openai';
  return 'other';
}

/** What a request contains, gathered once per request object and shared by every target. */
interface Inventory {
  generation: number;
  /** Plain text pieces: message text, names, reasoning, tool results, tool names and descriptions. */
  texts: string[];
  /** Compact JSON pieces: tool schemas, tool-call arguments, the response schema. */
  json: string[];
  messages: number;
  names: number;
  toolCalls: number;
  tools: number;
  images: Array<ImageDetail | undefined>;
  /** 0: none or text; 1: `json`; 2: `json-schema`. */
  responseFormat: 0 | 1 | 2;
  bytes?: number;
  jsonSlots?: number;
  counts: Map<EncodingName, number>;
  results: Map<string, InputEstimate>;
}

const inventories = new WeakMap<NormalizedRequest, Inventory>();
// Host code usually passes the same tool definitions on every call; serialize each schema once.
const schemaJson = new WeakMap<object, string>();

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value ?? {}) ?? '';
  } catch {
    return ''; // circular or BigInt: the adapter would fail on it too
  }
}

function schemaText(schema: Record<string, unknown>): string {
  let text = schemaJson.get(schema);
  if (text === undefined) {
    text = stringify(schema);
    schemaJson.set(schema, text);
  }
  return text;
}

function addContent(inv: Inventory, content: string | ReadonlyArray<{ type: string; text?: string }>): void {
  if (typeof content === 'string') inv.texts.push(content);
  else for (const part of content) if (part.type === 'text' && part.text !== undefined) inv.texts.push(part.text);
}

function addMessage(inv: Inventory, message: Message): void {
  inv.messages++;
  switch (message.role) {
    case 'system':
      addContent(inv, message.content);
      return;
    case 'user':
      if (message.name !== undefined) {
        inv.names++;
        inv.texts.push(message.name);
      }
      if (typeof message.content === 'string') inv.texts.push(message.content);
      else
        for (const part of message.content) {
          if (part.type === 'text') inv.texts.push(part.text);
          else inv.images.push(part.detail);
        }
      return;
    case 'assistant':
      if (typeof message.content === 'string') inv.texts.push(message.content);
      else
        for (const part of message.content) {
          if (part.type === 'tool-call') {
            inv.toolCalls++;
            inv.texts.push(part.name, part.id);
            inv.json.push(stringify(part.arguments));
          } else inv.texts.push(part.text); // text and reasoning
        }
      return;
    case 'tool':
      inv.texts.push(message.toolCallId);
      if (message.toolName !== undefined) inv.texts.push(message.toolName);
      addContent(inv, message.content);
      return;
  }
}

function inventory(request: NormalizedRequest): Inventory {
  const generation = tokenizerGeneration();
  let inv = inventories.get(request);
  if (inv) {
    if (inv.generation !== generation) {
      inv.generation = generation;
      inv.counts.clear();
      inv.results.clear();
    }
    return inv;
  }
  inv = { generation, texts: [], json: [], messages: 0, names: 0, toolCalls: 0, tools: 0, images: [], responseFormat: 0, counts: new Map(), results: new Map() };
  for (const message of request.messages) addMessage(inv, message);
  for (const tool of request.tools ?? []) {
    inv.tools++;
    inv.texts.push(tool.name);
    if (tool.description !== undefined) inv.texts.push(tool.description);
    inv.json.push(schemaText(tool.parameters));
  }
  const format = request.responseFormat;
  if (format?.type === 'json') inv.responseFormat = 1;
  else if (format?.type === 'json-schema') {
    inv.responseFormat = 2;
    inv.texts.push(format.name);
    if (format.description !== undefined) inv.texts.push(format.description);
    inv.json.push(schemaText(format.schema));
  }
  inventories.set(request, inv);
  return inv;
}

function textBytes(inv: Inventory): number {
  if (inv.bytes === undefined) {
    let bytes = 0;
    for (const t of inv.texts) bytes += utf8ByteLength(t);
    for (const j of inv.json) bytes += utf8ByteLength(j);
    inv.bytes = bytes;
  }
  return inv.bytes;
}

function tokenizerCount(inv: Inventory, encoding: EncodingName, count: (text: string) => number): number {
  let n = inv.counts.get(encoding);
  if (n === undefined) {
    n = 0;
    for (const t of inv.texts) n += countInPieces(t, count);
    for (const j of inv.json) n += countInPieces(j, count);
    inv.counts.set(encoding, n);
  }
  return n;
}

function imagesTotal(inv: Inventory, cost: ImageCost, strict: boolean): number {
  let total = 0;
  for (const detail of inv.images) total += imageTokens(cost, detail, strict);
  return total;
}

/**
 * Strict mode: an upper bound on what any byte-level BPE tokenizer can bill for the text. Each such
 * token stands for at least one byte of the text, so UTF-8 bytes bound the text's tokens whatever
 * the vocabulary — OpenAI's encodings and Claude's tokenizer are byte-level BPE; Gemini's
 * SentencePiece falls back to bytes for unknown characters, and the bound holds as long as its
 * normalization does not expand the text (NFKC turns a few rare compatibility characters, such as
 * U+FDFA, into many). JSON parts get one extra token per place a provider could add whitespace.
 * On top come generous fixed allowances for message wrappers, tool definitions, Anthropic's tool
 * prompt and structured-output instructions, and images at their largest documented charge — those
 * are allowances, not proofs.
 */
function strictCount(inv: Inventory, family: TokenizerFamily, images: ImageCost): number {
  if (inv.jsonSlots === undefined) {
    let slots = 0;
    for (const j of inv.json) slots += jsonWhitespaceSlots(j);
    inv.jsonSlots = slots;
  }
  let tokens = textBytes(inv) + inv.jsonSlots;
  tokens += inv.messages * STRICT_PER_MESSAGE + STRICT_REPLY_PRIMING + inv.toolCalls * STRICT_PER_TOOL_CALL;
  if (inv.tools > 0) tokens += STRICT_TOOLS_BASE + inv.tools * STRICT_PER_TOOL + (family === 'anthropic' ? STRICT_ANTHROPIC_TOOL_PROMPT : 0);
  if (inv.responseFormat > 0) tokens += STRICT_RESPONSE_FORMAT;
  return tokens + imagesTotal(inv, images, true);
}

function estimateCount(inv: Inventory, family: TokenizerFamily, images: ImageCost, base: number): number {
  // No byte-level BPE bills more tokens than bytes, whatever the factor says.
  let tokens = Math.min(Math.ceil(base * FACTOR[family]), textBytes(inv));
  tokens += inv.messages * PER_MESSAGE + inv.names * PER_NAME + REPLY_PRIMING + inv.toolCalls * PER_TOOL_CALL;
  if (inv.tools > 0) tokens += TOOLS_BASE + inv.tools * PER_TOOL + (family === 'anthropic' ? ANTHROPIC_TOOL_PROMPT : 0);
  if (inv.responseFormat === 2) tokens += RESPONSE_SCHEMA;
  return tokens + imagesTotal(inv, images, false);
}

/**
 * Input tokens `request` will bill at a target: the text (messages, system prompt, reasoning, tool
 * calls and results, tool definitions, response schema), the chat-format overhead, and images at a
 * provider-typical cost. Memoized per request object and target shape, so treat the request as
 * immutable (layers pass changed copies to `next`). The returned object is frozen and shared.
 */
export function estimateInputTokens(request: NormalizedRequest, options: EstimateOptions): InputEstimate {
  const inv = inventory(request);
  const { family, images, encoding } = targetShape(options.kind, options.model);
  const counter = options.strict ? undefined : tokenCounter(encoding);
  const method: InputEstimate['method'] = options.strict ? 'strict' : counter ? 'tokenizer' : 'bytes';
  const key = `${family}|${method === 'tokenizer' ? encoding : method}|${images.id}`;
  const cached = inv.results.get(key);
  if (cached) return cached;

  let tokens: number;
  if (method === 'strict') tokens = strictCount(inv, family, images);
  else if (counter) tokens = estimateCount(inv, family, images, tokenizerCount(inv, encoding, counter));
  else tokens = estimateCount(inv, family, images, textBytes(inv) / 4);
  const result: InputEstimate = Object.freeze({ tokens, method });
  inv.results.set(key, result);
  return result;
}

interface TargetShape {
  family: TokenizerFamily;
  images: ImageCost;
  /** Claude and Gemini are estimated from o200k; OpenAI models by their own encoding. */
  encoding: EncodingName;
}

// Resolved per (kind, model), so the memoized path skips the regexes. Model strings come from
// callers, so the cache is bounded: it is simply dropped when full.
const shapes = new Map<string, TargetShape>();
const SHAPES_MAX = 256;

function targetShape(kind: string, model: string): TargetShape {
  const key = `${kind}\0${model}`;
  let shape = shapes.get(key);
  if (shape === undefined) {
    const family = tokenizerFamily(kind, model);
    shape = { family, images: imageCostFor(family, model), encoding: family === 'openai' ? encodingForModel(model) : 'o200k_base' };
    if (shapes.size >= SHAPES_MAX) shapes.clear();
    shapes.set(key, shape);
  }
  return shape;
}
