/** A JSON Schema object (draft 2020-12 or draft-07). Kept structural so any schema literal fits. */
export type JSONSchema = { readonly [key: string]: unknown };

/**
 * A zod schema (zod 4, or `zod/v4` from zod 3.25+). Recognised by its `_zod` brand; converted to
 * JSON Schema once per schema object with `z.toJSONSchema`.
 */
export interface ZodLikeSchema {
  readonly _zod: unknown;
}

export type SchemaInput = JSONSchema | ZodLikeSchema;
