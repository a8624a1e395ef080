// Lazy access to gpt-tokenizer, an optional peer. Nothing here throws: when the package is missing
// or still loading, callers get `undefined` and fall back to a byte estimate.

/** The BPE encodings an estimate can use. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/** Counts the tokens of one text. */
export type TokenCounter = (text: string) => number;

/** Loads one encoding's counter; rejects when it cannot be loaded. */
export type TokenizerLoader = (encoding: EncodingName) => Promise<TokenCounter>;

// OpenAI models from before GPT-4o use cl100k_base (the same list gpt-tokenizer maps, plus Azure's
// `gpt-35-*` deployment names and fine-tunes `ft:<base>:…`); everything newer, and any name we do
// not know, uses o200k_base.
const CL100K_MODELS = /^(?:ft:)?(?:gpt-3\.5|gpt-35|gpt-4(?:-|$)|text-embedding-(?:ada-002|3-)|babbage-002|davinci-002)/;

/** The encoding an OpenAI model bills with; also the base the other families' factors are calibrated on (o200k). */
export function encodingForModel(model: string): EncodingName {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return CL100K_MODELS.test(name) ? 'cl100k_base' : 'o200k_base';
}

const defaultLoader: TokenizerLoader = async (encoding) => {
  const mod = encoding === 'cl100k_base' ? await import('gpt-tokenizer/encoding/cl100k_base') : await import('gpt-tokenizer');
  // User text may contain strings such as `<|endoftext|>`; the API encodes them as plain text, and
  // gpt-tokenizer would throw on them by default.
  const plain = { disallowedSpecial: new Set<string>() };
  return (text) => mod.countTokens(text, plain);
};

interface Slot {
  promise: Promise<boolean>;
  counter?: TokenCounter;
}

let loader: TokenizerLoader = defaultLoader;
let slots = new Map<EncodingName, Slot>();
let generation = 0;

function load(encoding: EncodingName): Slot {
  let slot = slots.get(encoding);
  if (slot) return slot;
  const current = slots;
  const fresh: Slot = {
    // a loader that throws synchronously becomes a rejection too
    promise: new Promise<TokenCounter>((resolve) => resolve(loader(encoding))).then(
      (counter) => {
        // a reset while loading wins: the stale counter is dropped
        if (slots === current) fresh.counter = counter;
        return slots === current;
      },
      () => false,
    ),
  };
  slot = fresh;
  slots.set(encoding, slot);
  return slot;
}

/**
 * Loads gpt-tokenizer if installed (optional peer; dynamic import, once) and resolves to whether it
 * is available. Safe to call many times; never rejects. Until it resolves, estimates fall back to
 * UTF-8 bytes / 4.
 */
export function loadTokenizer(): Promise<boolean> {
  return load('o200k_base').promise;
}

/** The counter for `encoding` if it has loaded; otherwise starts loading it and returns undefined. */
export function tokenCounter(encoding: EncodingName): TokenCounter | undefined {
  return load(encoding).counter;
}

/** Changes whenever the tokenizer state is reset, so memoized estimates from before are not reused. */
export function tokenizerGeneration(): number {
  return generation;
}

/**
 * Test hook (not part of the public API): replaces the loader, or restores the real one when given
 * `undefined`, and forgets every loaded encoding.
 */
export function setTokenizerForTesting(next: TokenizerLoader | undefined): void {
  loader = next ?? defaultLoader;
  slots = new Map();
  generation++;
}
