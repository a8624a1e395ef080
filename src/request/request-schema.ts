import { z } from 'zod';

// The zod description of ChatRequest. Field-level messages say what is expected, so the error that
// reaches the caller names the path and the expectation.

const nonEmpty = z.string().min(1, 'must be a non-empty string');
const schemaInput = z.custom<Record<string, unknown>>(
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  'must be a JSON Schema object or a zod schema',
);

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const detail = z.enum(['auto', 'low', 'high']).optional();
// One object with checks (not a union) so a mistake is reported at the exact field.
const imagePart = z
  .object({ type: z.literal('image'), url: nonEmpty.optional(), data: nonEmpty.optional(), mediaType: z.string().optional(), detail })
  .superRefine((p, ctx) => {
    if ((p.url === undefined) === (p.data === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'give exactly one of url or data' });
    } else if (p.data !== undefined && !p.mediaType) {
      ctx.addIssue({ code: 'custom', path: ['mediaType'], message: 'is required with base64 data (e.g. image/png)' });
    }
  });
const providerMetadata = z.record(z.string(), z.unknown()).optional();
const toolCallPart = z.object({
  type: z.literal('tool-call'),
  id: nonEmpty,
  name: nonEmpty,
  arguments: z.unknown(),
  providerMetadata,
});
const reasoningPart = z.object({ type: z.literal('reasoning'), text: z.string(), providerMetadata });

const systemMessage = z.object({ role: z.literal('system'), content: z.union([z.string(), z.array(textPart)]) });
const userMessage = z.object({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart]))]),
  name: z.string().optional(),
});
const assistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, toolCallPart, reasoningPart]))]),
});
const toolMessage = z.object({
  role: z.literal('tool'),
  toolCallId: nonEmpty,
  toolName: z.string().optional(),
  content: z.union([z.string(), z.array(textPart)]),
  isError: z.boolean().optional(),
});

const tool = z.object({
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -'),
  description: z.string().optional(),
  parameters: schemaInput,
  strict: z.boolean().optional(),
});

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('tool'), name: nonEmpty }),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json') }),
  z.object({
    type: z.literal('json-schema'),
    schema: schemaInput,
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -').optional(),
    description: z.string().optional(),
    strict: z.boolean().optional(),
  }),
]);

export const chatRequestSchema = z.object({
  model: nonEmpty,
  messages: z.array(z.discriminatedUnion('role', [systemMessage, userMessage, assistantMessage, toolMessage])).min(1, 'must contain at least one message'),
  tools: z.array(tool).optional(),
  toolChoice: toolChoice.optional(),
  responseFormat: responseFormat.optional(),
  maxTokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).optional(),
  seed: z.number().int().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  providerOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  signal: z.instanceof(AbortSignal, { message: 'must be an AbortSignal' }).optional(),
  timeout: z.number().positive().finite().optional(),
});
