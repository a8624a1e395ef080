import type { z } from 'zod';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import type { ChatRequest, NormalizedRequest, NormalizedResponseFormat, ToolChoice } from '../types/request.js';
import { chatRequestSchema } from './request-schema.js';
import { toJSONSchema } from './to-json-schema.js';

/** Formats a zod issue path as `messages[0].content`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

/** The most specific issue first: zod reports union failures as one issue with nested errors. */
export function firstIssue(error: z.ZodError): { path: string; message: string } {
  let issue = error.issues[0]!;
  let path: PropertyKey[] = [...issue.path];
  // Descend into union branches to find the deepest concrete complaint.
  while (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = issue.errors.filter((b) => b.length > 0);
    const best = branches.reduce((a, b) => (deepest(b) > deepest(a) ? b : a), branches[0]!);
    const next = best[0]!;
    path = [...path, ...next.path];
    issue = next;
  }
  return { path: formatPath(path), message: issue.message };
}

function deepest(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }>): number {
  let d = 0;
  for (const i of issues) d = Math.max(d, i.path.length);
  return d;
}

/**
 * Validates a ChatRequest and returns the normalized form layers and adapters see. Throws
 * InvalidRequestError naming the field; nothing is called before this passes.
 */
export function normalizeRequest(request: ChatRequest): NormalizedRequest {
  const parsed = chatRequestSchema.safeParse(request);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw new InvalidRequestError(path, message, { cause: parsed.error });
  }
  // Use the caller's objects (not zod's copies) so identity-keyed caches and user schemas survive.
  const out: NormalizedRequest = { messages: request.messages };
  if (request.tools) {
    out.tools = request.tools.map((t) => {
      const tool: NonNullable<NormalizedRequest['tools']>[number] = { name: t.name, parameters: toJSONSchema(t.parameters) };
      if (t.description !== undefined) tool.description = t.description;
      if (t.strict !== undefined) tool.strict = t.strict;
      return tool;
    });
  }
  if (request.toolChoice !== undefined) {
    checkToolChoice(request.toolChoice, request);
    out.toolChoice = request.toolChoice;
  }
  if (request.responseFormat) out.responseFormat = normalizeFormat(request.responseFormat);
  if (request.maxTokens !== undefined) out.maxTokens = request.maxTokens;
  if (request.temperature !== undefined) out.temperature = request.temperature;
  if (request.topP !== undefined) out.topP = request.topP;
  if (request.stop !== undefined) out.stop = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.seed !== undefined) out.seed = request.seed;
  if (request.providerOptions) out.providerOptions = request.providerOptions;
  checkToolMessages(request);
  return out;
}

function checkToolChoice(choice: ToolChoice, request: ChatRequest): void {
  if (choice === 'auto' || choice === 'none') return;
  if (!request.tools || request.tools.length === 0) {
    throw new InvalidRequestError('toolChoice', `'${typeof choice === 'string' ? choice : choice.name}' needs at least one tool in tools`);
  }
  if (typeof choice === 'object' && !request.tools.some((t) => t.name === choice.name)) {
    throw new InvalidRequestError('toolChoice.name', `no tool named '${choice.name}' in tools`);
  }
}

function checkToolMessages(request: ChatRequest): void {
  // A tool result must answer a tool call made earlier in the conversation; providers reject orphans
  // with opaque 400s, so say which message is wrong before sending anything.
  let seen: Set<string> | undefined;
  request.messages.forEach((m, i) => {
    if (m.role === 'assistant' && typeof m.content !== 'string') {
      for (const p of m.content) if (p.type === 'tool-call') (seen ??= new Set()).add(p.id);
    } else if (m.role === 'tool' && !seen?.has(m.toolCallId)) {
      throw new InvalidRequestError(`messages[${i}].toolCallId`, `'${m.toolCallId}' does not match any earlier assistant tool call`);
    }
  });
}

function normalizeFormat(format: NonNullable<ChatRequest['responseFormat']>): NormalizedResponseFormat {
  if (format.type !== 'json-schema') return format;
  const out: NormalizedResponseFormat = { type: 'json-schema', schema: toJSONSchema(format.schema), name: format.name ?? 'response' };
  if (format.description !== undefined) out.description = format.description;
  if (format.strict !== undefined) out.strict = format.strict;
  return out;
}
