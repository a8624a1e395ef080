import { z } from 'zod';
import type { MiddlewareInput } from '../types/middleware.js';
import type { ProviderAdapter } from '../types/provider-adapter.js';

const adapter = z.custom<ProviderAdapter>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ProviderAdapter).generate === 'function' &&
    typeof (v as ProviderAdapter).stream === 'function' &&
    typeof (v as ProviderAdapter).kind === 'string',
  'must be a provider adapter, e.g. openai(new OpenAI()), anthropic(new Anthropic()) or gemini(new GoogleGenAI(...))',
);

const middleware = z.custom<MiddlewareInput>(
  (v) => typeof v === 'function' || (typeof v === 'object' && v !== null && typeof (v as { handle?: unknown }).handle === 'function'),
  'must be a middleware: an object with handle(ctx, next) or a function (ctx, next) => events',
);

const modelString = z.string().min(1, 'must be a non-empty string');

const alias = z.union([
  modelString,
  z.array(middleware),
  z.object({ target: modelString.optional(), middleware: z.array(middleware).optional() }).strict(),
]);

export const gatewayConfigSchema = z
  .object({
    providers: z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "must not contain '/' or spaces"), adapter)
      .refine((p) => Object.keys(p).length > 0, 'register at least one provider'),
    models: z.record(z.string().regex(/^[^/]+$/, "alias names must not contain '/'"), alias).optional(),
    middleware: z.array(middleware).optional(),
    defaults: z
      .object({
        timeout: z.number().positive().finite().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
