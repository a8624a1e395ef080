// Text measurements for input estimates: UTF-8 length without allocating, the structural
// allowance strict mode adds to JSON, and tokenizer counting that stays fast on pathological input.

/**
 * UTF-8 byte length of a string, without building a Buffer. A lone surrogate counts 3 bytes: that
 * is what it becomes (U+FFFD) when the SDK encodes the body. Uses Node's native `Buffer.byteLength`
 * (about ten times faster than a JS loop) and falls back to the loop elsewhere.
 */
export function utf8ByteLength(text: string): number {
  return typeof Buffer === 'undefined' ? utf8ByteLengthLoop(text) : Buffer.byteLength(text, 'utf8');
}

/** The portable version of {@link utf8ByteLength}. */
export function utf8ByteLengthLoop(text: string): number {
  const n = text.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // a surrogate pair: two UTF-16 units (already counted) are four bytes
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * How many places a JSON text could carry extra whitespace when a provider renders it instead of
 * sending our compact form (after `{`, `[`, `,` and `:`). Byte-level BPE merges a whitespace run into
 * one token in practice, so strict mode adds one token for each. Characters inside strings are
 * counted too, which only makes the bound looser.
 */
export function jsonWhitespaceSlots(json: string): number {
  let slots = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    // { [ , :
    if (c === 0x7b || c === 0x5b || c === 0x2c || c === 0x3a) slots++;
  }
  return slots;
}

/**
 * Longest run of "word" characters handed to the tokenizer in one piece. gpt-tokenizer's BPE is
 * quadratic in the length of one pre-token: 16 000 CJK characters without punctuation took about
 * 2 s, a run of 1 MB of `x` did not finish in a minute. Cutting runs at 128 characters keeps the
 * worst case near 1 µs per character (measured on 100 000 synthetic CJK characters: ~105 ms) and
 * moves the count by well under 0.1 % (176 756 instead of 176 762 on the same text).
 */
export const TOKENIZER_RUN_LIMIT = 128;

/** Characters the tokenizers' pre-split treats as boundaries: ASCII non-letters and CJK punctuation. */
function endsRun(c: number): boolean {
  if (c < 0x80) return !((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
  return (c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff20);
}

// Pre-check for a run longer than the limit, so ordinary text skips the JS loop: a boundary (or the
// start) followed by more than the limit of non-boundary characters. Anchoring on the boundary
// matters: the unanchored `[…]{129}` ran ~9x slower in V8 on ordinary prose.
const BOUNDARY = '\\x00-\\x40\\x5b-\\x60\\x7b-\\x7f\\u3000-\\u303f\\uff00-\\uff20';
const LONG_RUN = new RegExp(`(?:^|[${BOUNDARY}])[^${BOUNDARY}]{${TOKENIZER_RUN_LIMIT + 1}}`);

/** Counts `text` with `count`, cutting runs longer than {@link TOKENIZER_RUN_LIMIT} (never inside a surrogate pair). */
export function countInPieces(text: string, count: (piece: string) => number): number {
  if (text.length <= TOKENIZER_RUN_LIMIT || !LONG_RUN.test(text)) return text.length === 0 ? 0 : count(text);
  let total = 0;
  let start = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (endsRun(c)) {
      run = 0;
      continue;
    }
    // do not cut before a low surrogate; the next character will do
    if (++run > TOKENIZER_RUN_LIMIT && (c & 0xfc00) !== 0xdc00) {
      total += count(text.slice(start, i));
      start = i;
      run = 1;
    }
  }
  return start === 0 ? count(text) : total + count(text.slice(start));
}
