// What one input image bills, per provider family, when we do not know its pixel size (the request
// only carries a URL or base64 data, and decoding headers before every attempt is not worth it).
//
// `typical` feeds estimates, `max` feeds strict mode. Sources (provider docs as published in 2025–26,
// plus community measurements where the docs were found wrong):
// - OpenAI "Images and vision" guide, cost section. Tile models (GPT-4o, GPT-4.1, GPT-4.5, o-series):
//   `detail: low` is 85 tokens; high scales the image into 2048×2048, then its short side to 768 px,
//   and bills 85 + 170 per 512-px tile. The guide's 2048×4096 example is 6 tiles = 1105, our typical
//   figure (a square 1024×1024 is 765); the most tiles an image can reach is 8 (768×2048) = 1445.
//   gpt-4o-mini bills 2833 + 5667 per tile (same dollars as GPT-4o at its lower price).
//   Patch models (gpt-4.1-mini ×1.62, gpt-4.1-nano ×2.46, o4-mini ×1.72, gpt-5-mini ×1.62,
//   gpt-5-nano ×2.46 per the guide; measured lower for gpt-5-mini/nano) bill 32-px patches, capped
//   at 1536, times the multiplier; `detail: low` was measured to make no difference there. Our typical
//   figure is a 1024×1024 image (1024 patches). Newer models were measured at up to 2500 patches ×1.2
//   = 3000 at high detail (OpenAI developer forum, 2026).
// - Anthropic vision docs: tokens ≈ width × height / 750; models up to Claude 4.6 scale images to
//   ~1.15 MP (1092×1092 ≈ 1590 tokens), so ~1600 is typical. Newer models (Opus 4.7 on) accept a
//   2576-px long edge, about 4784 tokens per image at most.
// - Gemini docs: an image with both sides ≤ 384 px is 258 tokens; Gemini 2.x tiles larger images
//   into 768×768 tiles of 258 each; Gemini 3 bills by media resolution, ~1120 at its default (high).
//
// Strict mode's image figures are the largest documented charges, not a proof: a provider can
// change its image pricing without a tokenizer change. Text is where strict mode is a real bound.

import type { TokenizerFamily } from './estimate.js';

export type ImageDetail = 'auto' | 'low' | 'high';

export interface ImageCost {
  /** Stable id, part of the memo key. */
  id: string;
  low: number;
  typical: number;
  max: number;
}

const tiles = (id: string, base: number, tile: number): ImageCost => ({ id, low: base, typical: base + 6 * tile, max: base + 8 * tile });
const patches = (id: string, multiplier: number): ImageCost => {
  const typical = Math.ceil(1024 * multiplier);
  return { id, low: typical, typical, max: Math.ceil(1536 * multiplier) };
};

// The family ceiling for OpenAI covers every regime above: 1536 patches × 2.46 = 3779.
const OPENAI_MAX = 3779;
const OPENAI_DEFAULT: ImageCost = { ...tiles('openai', 85, 170), max: OPENAI_MAX };

// First match wins; names are matched without a `provider/` prefix.
const OPENAI_MODELS: ReadonlyArray<readonly [RegExp, ImageCost]> = [
  [/^(?:ft:)?gpt-4o-mini/, tiles('openai:gpt-4o-mini', 2833, 5667)],
  [/^(?:ft:)?gpt-4\.1-mini/, patches('openai:patch-1.62', 1.62)],
  [/^(?:ft:)?gpt-4\.1-nano/, patches('openai:patch-2.46', 2.46)],
  [/^o4-mini/, patches('openai:patch-1.72', 1.72)],
  [/^gpt-5-mini/, patches('openai:patch-1.62', 1.62)],
  [/^gpt-5-nano/, patches('openai:patch-2.46', 2.46)],
];

const ANTHROPIC: ImageCost = { id: 'anthropic', low: 1600, typical: 1600, max: 4800 };
// Gemini 2.x tiling has no documented ceiling; 16 tiles (a 3072×3072 image) is ours, and it is
// well above Gemini 3's high media resolution.
const GEMINI: ImageCost = { id: 'gemini', low: 258, typical: 258, max: 16 * 258 };
const GEMINI_3: ImageCost = { id: 'gemini-3', low: 1120, typical: 1120, max: 16 * 258 };
// Unknown providers: OpenAI's typical figure, and the largest ceiling of the families above.
const OTHER: ImageCost = { id: 'other', low: 1105, typical: 1105, max: 4800 };

/** The image cost profile for a target. */
export function imageCostFor(family: TokenizerFamily, model: string): ImageCost {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  switch (family) {
    case 'openai':
      for (const [pattern, cost] of OPENAI_MODELS) if (pattern.test(name)) return cost;
      return OPENAI_DEFAULT;
    case 'anthropic':
      return ANTHROPIC;
    case 'gemini':
      return /^gemini-(?:[3-9]|\d{2,})/.test(name) ? GEMINI_3 : GEMINI;
    default:
      return OTHER;
  }
}

/** Tokens for one image: its ceiling in strict mode, otherwise by detail. */
export function imageTokens(cost: ImageCost, detail: ImageDetail | undefined, strict: boolean): number {
  if (strict) return cost.max;
  return detail === 'low' ? cost.low : cost.typical;
}
