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
    circuitBreaker: z
      .union([
        z.literal(false),
        z
          .object({
            consecutiveFailures: z.number().int().positive().optional(),
            failureRate: z.number().gt(0).max(1).optional(),
            minRequests: z.number().int().positive().optional(),
            windowMs: z.number().positive().finite().optional(),
            cooldownMs: z.number().positive().finite().optional(),
            isFailure: z.custom<(e: unknown) => boolean>((v) => typeof v === 'function', 'must be a function').optional(),
            onStateChange: z.custom<(c: unknown) => void>((v) => typeof v === 'function', 'must be a function').optional(),
          })
          .strict(),
      ])
      .optional(),
    pricing: z
      .union([
        z.literal(false),
        z.custom<object>((v) => typeof v === 'object' && v !== null && typeof (v as { price?: unknown }).price === 'function', 'must be a pricer, e.g. pricing({ prices })'),
      ])
      .optional(),
    telemetry: z.union([z.literal(false), z.record(z.string(), z.unknown())]).optional(),
    instrumentation: z
      .array(z.custom<object>((v) => typeof v === 'object' && v !== null && typeof (v as { startCall?: unknown }).startCall === 'function', 'must be an instrumentation: an object with startCall(ctx)'))
      .optional(),
    concurrency: z.record(z.string().min(1), z.number().int().positive('must be a positive integer')).optional(),
    defaults: z
      .object({
        timeout: z.number().positive().finite().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
