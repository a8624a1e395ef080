import { z } from 'zod';
import type { SchemaInput, ZodLikeSchema } from '../types/json-schema.js';

const cache = new WeakMap<object, Record<string, unknown>>();

export function isZodSchema(value: unknown): value is ZodLikeSchema {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

/**
 * Returns a JSON Schema object for a zod schema or a JSON Schema literal. zod conversions are cached
 * per schema object, so a tool defined once costs one conversion for the life of the process.
 */
export function toJSONSchema(schema: SchemaInput): Record<string, unknown> {
  if (!isZodSchema(schema)) return schema as Record<string, unknown>;
  let out = cache.get(schema);
  if (!out) {
    const converted = z.toJSONSchema(schema as unknown as z.ZodType, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
    // Providers reject or ignore `$schema`; Gemini even re-routes on it.
    const { $schema: _drop, ...rest } = converted;
    out = rest;
    cache.set(schema, out);
  }
  return out;
}
