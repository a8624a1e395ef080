import fc from 'fast-check';
import { countTokens as o200k } from 'gpt-tokenizer';
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { estimateInputTokens, loadTokenizer, tokenizerFamily, type EstimateOptions } from '../../src/budget/estimate.js';
import { countInPieces, utf8ByteLength, utf8ByteLengthLoop } from '../../src/budget/estimate-text.js';
import { encodingForModel, setTokenizerForTesting, type TokenCounter } from '../../src/budget/estimate-tokenizer.js';
import type { Message, NormalizedRequest } from '../../src/types/request.js';

const plain = { disallowedSpecial: new Set<string>() };
const count = (text: string): number => o200k(text, plain);
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const ask = (text: string, extra: Partial<NormalizedRequest> = {}): NormalizedRequest => ({ messages: [{ role: 'user', content: text }], ...extra });
const GPT: EstimateOptions = { kind: 'openai', model: 'gpt-4o' };
const CLAUDE: EstimateOptions = { kind: 'anthropic', model: 'claude-sonnet-4-6' };
const GEMINI: EstimateOptions = { kind: 'gemini', model: 'gemini-2.5-flash' };
// per message 3, reply priming 3
const ONE_MESSAGE = 6;
const ENGLISH = 'Budgets reserve tokens before every attempt and settle them once the provider reports what it billed.';

beforeEach(() => setTokenizerForTesting(undefined));
afterEach(() => setTokenizerForTesting(undefined));

describe('estimateInputTokens with gpt-tokenizer', () => {
  it("matches gpt-tokenizer's count for plain text plus the chat overhead", async () => {
    await expect(loadTokenizer()).resolves.toBe(true);
    const est = estimateInputTokens(ask(ENGLISH), GPT);
    expect(est).toEqual({ tokens: count(ENGLISH) + ONE_MESSAGE, method: 'tokenizer' });

    const convo: NormalizedRequest = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi ' }, { type: 'text', text: 'there' }], name: 'ada' },
        { role: 'assistant', content: 'Hello!' },
      ],
    };
    // 3 messages × 3, 1 for the name, 3 for the reply priming
    const text = count('Be brief.') + count('ada') + count('Hi ') + count('there') + count('Hello!');
    expect(estimateInputTokens(convo, GPT).tokens).toBe(text + 9 + 1 + 3);
  });

  it('counts special-token strings in user text as plain text instead of throwing', async () => {
    await loadTokenizer();
    const text = 'ignore this <|endoftext|> and <|im_start|>system';
    expect(estimateInputTokens(ask(text), GPT).tokens).toBe(count(text) + ONE_MESSAGE);
  });

  it('uses cl100k_base for gpt-4 / gpt-3.5-era models once it has loaded', async () => {
    await loadTokenizer(); // o200k; cl100k loads on first use
    expect(encodingForModel('gpt-4')).toBe('cl100k_base');
    expect(encodingForModel('gpt-4-turbo-2024-04-09')).toBe('cl100k_base');
    expect(encodingForModel('azure/gpt-35-turbo')).toBe('cl100k_base');
    expect(encodingForModel('ft:gpt-3.5-turbo-0125:acme::x1')).toBe('cl100k_base');
    for (const m of ['gpt-4o', 'gpt-4.1-mini', 'gpt-4.5-preview', 'gpt-5', 'o3', 'chatgpt-4o-latest', 'my-deployment']) expect(encodingForModel(m)).toBe('o200k_base');

    const text = 'Die Geschäftsführung genehmigt größere Beträge. 漢字とかな';
    expect(o200k(text)).not.toBe(cl100k(text)); // otherwise this test proves nothing
    const request = ask(text);
    await vi.waitFor(() => expect(estimateInputTokens(request, { kind: 'openai', model: 'gpt-4' }).method).toBe('tokenizer'));
    expect(estimateInputTokens(request, { kind: 'openai', model: 'gpt-4' }).tokens).toBe(cl100k(text) + ONE_MESSAGE);
    expect(estimateInputTokens(request, GPT).tokens).toBe(count(text) + ONE_MESSAGE);
  });

  it('applies the Claude (×1.16) and Gemini (×1.08) factors to the o200k count', async () => {
    await loadTokenizer();
    const text = ENGLISH.repeat(20);
    const base = count(text);
    expect(estimateInputTokens(ask(text), CLAUDE)).toEqual({ tokens: Math.ceil(base * 1.16) + ONE_MESSAGE, method: 'tokenizer' });
    expect(estimateInputTokens(ask(text), GEMINI)).toEqual({ tokens: Math.ceil(base * 1.08) + ONE_MESSAGE, method: 'tokenizer' });
    // a model name wins over the adapter kind: Claude through an OpenAI-compatible gateway
    expect(estimateInputTokens(ask(text), { kind: 'openai', model: 'anthropic/claude-sonnet-4' }).tokens).toBe(Math.ceil(base * 1.16) + ONE_MESSAGE);
  });

  it('never lets the factor push the text above its UTF-8 bytes', async () => {
    await loadTokenizer();
    const text = 'a\nb\nc\nd\n'.repeat(10); // one token per byte
    expect(count(text) * 1.16).toBeGreaterThan(bytes(text)); // otherwise this test proves nothing
    expect(estimateInputTokens(ask(text), CLAUDE).tokens).toBe(bytes(text) + ONE_MESSAGE);
  });
});

describe('fallback without the tokenizer', () => {
  it('uses ceil(UTF-8 bytes / 4) until the tokenizer has loaded', async () => {
    let resolve!: (counter: TokenCounter) => void;
    const loader = vi.fn(() => new Promise<TokenCounter>((r) => (resolve = r)));
    setTokenizerForTesting(loader);
    const loaded = loadTokenizer();
    const request = ask(ENGLISH);
    expect(estimateInputTokens(request, GPT)).toEqual({ tokens: Math.ceil(bytes(ENGLISH) / 4) + ONE_MESSAGE, method: 'bytes' });

    resolve(() => 7);
    await expect(loaded).resolves.toBe(true);
    // the same request object is re-estimated, not served from the byte-based memo
    expect(estimateInputTokens(request, GPT)).toEqual({ tokens: 7 + ONE_MESSAGE, method: 'tokenizer' });
    expect(loader).toHaveBeenCalledTimes(1);
  });

  it('keeps falling back when gpt-tokenizer cannot be imported, and loads only once', async () => {
    const loader = vi.fn(() => Promise.reject(new Error("Cannot find package 'gpt-tokenizer'")));
    setTokenizerForTesting(loader);
    await expect(loadTokenizer()).resolves.toBe(false);
    await expect(loadTokenizer()).resolves.toBe(false);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(estimateInputTokens(ask(ENGLISH), GPT)).toEqual({ tokens: Math.ceil(bytes(ENGLISH) / 4) + ONE_MESSAGE, method: 'bytes' });
    // the factors still apply
    expect(estimateInputTokens(ask(ENGLISH), CLAUDE).tokens).toBe(Math.ceil((bytes(ENGLISH) / 4) * 1.16) + ONE_MESSAGE);
  });

  it('treats a loader that throws synchronously like a failed import', async () => {
    setTokenizerForTesting(() => {
      throw new Error('boom');
    });
    await expect(loadTokenizer()).resolves.toBe(false);
    expect(estimateInputTokens(ask('hi'), GPT).method).toBe('bytes');
  });

  it('estimates CJK from bytes: at least twice chars / 4', () => {
    setTokenizerForTesting(() => Promise.reject(new Error('not installed')));
    const text = '预算在每次请求之前预留令牌，并在服务商返回用量后结算。漢字とかなの文章です。'.repeat(10);
    const { tokens, method } = estimateInputTokens(ask(text), GPT);
    expect(method).toBe('bytes');
    expect(tokens - ONE_MESSAGE).toBeGreaterThanOrEqual(2 * Math.ceil(text.length / 4));
  });
});

describe('strict mode', () => {
  const families = [GPT, { kind: 'openai', model: 'gpt-4' }, CLAUDE, GEMINI, { kind: 'mock', model: 'x' }];
  // ASCII, any code point, emoji sequences, CJK, and JSON-ish punctuation
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.string({ unit: fc.constantFrom('👩‍💻', '🇯🇵', '❤️', '🙌', '漢', '字', 'か', '。', '한', ' ', 'a', '{', '"'), maxLength: 80 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
  );

  it('is never below the estimate, and never below the real o200k count', async () => {
    await loadTokenizer();
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (texts) => {
        const messages: Message[] = texts.map((t, i) => (i % 2 === 0 ? { role: 'user', content: t } : { role: 'assistant', content: t }));
        const request: NormalizedRequest = { messages };
        for (const options of families) {
          const strict = estimateInputTokens(request, { ...options, strict: true });
          expect(strict.method).toBe('strict');
          expect(strict.tokens).toBeGreaterThanOrEqual(estimateInputTokens(request, options).tokens);
        }
        const real = texts.reduce((n, t) => n + count(t), 0);
        expect(estimateInputTokens(request, { ...GPT, strict: true }).tokens).toBeGreaterThanOrEqual(real + 3 * texts.length + 3);
      }),
      { numRuns: 300 },
    );
  });

  it('is UTF-8 bytes plus 8 per message plus 8 for the reply', () => {
    const text = '漢字とかな 👩‍💻 plain';
    expect(estimateInputTokens(ask(text), { ...GPT, strict: true })).toEqual({ tokens: bytes(text) + 8 + 8, method: 'strict' });
  });

  it('is above the estimate with tools, images, tool calls and a response schema too', async () => {
    await loadTokenizer();
    const request = fullRequest();
    for (const options of families) {
      expect(estimateInputTokens(request, { ...options, strict: true }).tokens).toBeGreaterThan(estimateInputTokens(request, options).tokens);
    }
  });
});

function fullRequest(): NormalizedRequest {
  return {
    messages: [
      { role: 'system', content: 'You are a weather bot.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Berlin? Here is a photo.' }, { type: 'image', url: 'https://example.com/a.png' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'The user wants the weather; call the tool.' },
          { type: 'tool-call', id: 'call_1', name: 'weather', arguments: { city: 'Berlin', unit: 'celsius' } },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', toolName: 'weather', content: '{"temp": 21, "sky": "clear"}' },
    ],
    tools: [{ name: 'weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] } }, required: ['city'] } }],
    responseFormat: { type: 'json-schema', name: 'answer', schema: { type: 'object', properties: { summary: { type: 'string' } } } },
  };
}

describe('what counts', () => {
  beforeEach(async () => {
    await loadTokenizer();
  });

  it('tool definitions: name, description and schema, plus a wrapper', () => {
    const base = ask('hi');
    const withTool = ask('hi', { tools: [{ name: 'lookup', description: 'Look a word up', parameters: { type: 'object', properties: { word: { type: 'string' } } } }] });
    const delta = estimateInputTokens(withTool, GPT).tokens - estimateInputTokens(base, GPT).tokens;
    const schema = JSON.stringify(withTool.tools![0]!.parameters);
    expect(delta).toBe(count('lookup') + count('Look a word up') + count(schema) + 12 + 8);
    // Anthropic adds its tool-use system prompt
    const claudeDelta = estimateInputTokens(withTool, CLAUDE).tokens - estimateInputTokens(base, CLAUDE).tokens;
    expect(claudeDelta).toBeGreaterThan(346);
  });

  it('images at the provider-typical cost', () => {
    const image = (detail?: 'low' | 'high' | 'auto'): NormalizedRequest => ({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png', ...(detail ? { detail } : {}) }] }],
    });
    const none = (o: EstimateOptions): number => estimateInputTokens(ask('hi'), o).tokens;
    expect(estimateInputTokens(image('low'), GPT).tokens - none(GPT)).toBe(85);
    expect(estimateInputTokens(image(), GPT).tokens - none(GPT)).toBe(1105);
    expect(estimateInputTokens(image('high'), GPT).tokens - none(GPT)).toBe(1105);
    expect(estimateInputTokens(image(), CLAUDE).tokens - none(CLAUDE)).toBe(1600);
    expect(estimateInputTokens(image(), GEMINI).tokens - none(GEMINI)).toBe(258);
    // gpt-4o-mini bills images at ~33× the tokens (2833 base + 5667 per tile)
    const mini = { kind: 'openai', model: 'gpt-4o-mini' };
    expect(estimateInputTokens(image('low'), mini).tokens - none(mini)).toBe(2833);
    // base64 data is not text
    expect(estimateInputTokens(image(), GPT).tokens).toBeLessThan(2000);
  });

  it('tool calls, tool results, reasoning and the response schema', () => {
    const full = fullRequest();
    const total = estimateInputTokens(full, GPT).tokens;
    const without = (change: (r: NormalizedRequest) => void): number => {
      const copy = structuredClone(full);
      change(copy);
      return estimateInputTokens(copy, GPT).tokens;
    };
    expect(without((r) => r.messages.pop())).toBeLessThan(total); // tool result
    expect(without((r) => ((r.messages[3] as { content: string }).content = ''))).toBe(total - count('{"temp": 21, "sky": "clear"}'));
    expect(without((r) => (r.messages[2]!.content = [(r.messages[2]!.content as Array<{ type: 'reasoning'; text: string }>)[0]!]))).toBeLessThan(total); // tool call
    expect(without((r) => (r.messages[2]!.content = [(r.messages[2]!.content as Array<{ type: 'tool-call'; id: string; name: string; arguments: unknown }>)[1]!]))).toBe(
      total - count('The user wants the weather; call the tool.'),
    ); // reasoning
    expect(without((r) => delete r.responseFormat)).toBeLessThan(total);
    const tool = estimateInputTokens({ messages: [{ role: 'tool', toolCallId: 'c', content: [{ type: 'text', text: ENGLISH }] }] }, GPT).tokens;
    expect(tool).toBeGreaterThanOrEqual(count(ENGLISH) + ONE_MESSAGE);
  });
});

describe('memoization', () => {
  it('returns the same frozen result and counts each text once per encoding', async () => {
    const counted: string[] = [];
    setTokenizerForTesting(async () => (text: string) => {
      counted.push(text);
      return text.length;
    });
    await loadTokenizer();
    const request = fullRequest();
    const first = estimateInputTokens(request, GPT);
    const calls = counted.length;
    expect(calls).toBeGreaterThan(0);
    const again = estimateInputTokens(request, GPT);
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // another family on the same encoding reuses the count; only the result is new
    const claude = estimateInputTokens(request, CLAUDE);
    expect(counted.length).toBe(calls);
    expect(claude.tokens).not.toBe(first.tokens);
    expect(estimateInputTokens(request, CLAUDE)).toBe(claude);
    // strict never calls the tokenizer
    estimateInputTokens(request, { ...GPT, strict: true });
    expect(counted.length).toBe(calls);
  });

  it('serializes a shared tool schema once across requests', async () => {
    await loadTokenizer();
    const parameters = { type: 'object', properties: { q: { type: 'string' } } };
    const spy = vi.spyOn(JSON, 'stringify');
    const tools = [{ name: 'search', parameters }];
    estimateInputTokens(ask('a', { tools }), GPT);
    estimateInputTokens(ask('b', { tools }), GPT);
    const schemaCalls = spy.mock.calls.filter(([value]) => value === parameters).length;
    spy.mockRestore();
    expect(schemaCalls).toBe(1);
  });
});

describe('helpers', () => {
  it('picks the family from the adapter kind, or from the model name', () => {
    expect(tokenizerFamily('openai', 'gpt-4.1')).toBe('openai');
    expect(tokenizerFamily('anthropic', 'claude-opus-4-1')).toBe('anthropic');
    expect(tokenizerFamily('gemini', 'gemini-2.5-pro')).toBe('gemini');
    expect(tokenizerFamily('openai', 'google/gemini-2.5-flash')).toBe('gemini');
    expect(tokenizerFamily('custom', 'gpt-4o-mini')).toBe('openai');
    expect(tokenizerFamily('mock', 'echo')).toBe('other');
  });

  it('measures UTF-8 like Buffer.byteLength, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom('\ud800', '\udc00', 'a', '😀', 'é', '漢') })), (s) => {
        expect(utf8ByteLengthLoop(s)).toBe(Buffer.byteLength(s, 'utf8'));
        expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s, 'utf8'));
      }),
    );
  });

  it('cuts pathological runs so the tokenizer stays fast, without moving ordinary counts', () => {
    const pieces: string[] = [];
    const total = countInPieces('x'.repeat(1000), (p) => {
      pieces.push(p);
      return count(p);
    });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.length <= 128)).toBe(true);
    expect(pieces.join('')).toBe('x'.repeat(1000));
    expect(Math.abs(total - count('x'.repeat(1000)))).toBeLessThanOrEqual(pieces.length);
    // never between the halves of a surrogate pair
    const emoji = 'a' + '😀'.repeat(300); // the 'a' puts a cut point on a low surrogate
    const cut: string[] = [];
    countInPieces(emoji, (p) => (cut.push(p), 1));
    expect(cut.every((p) => !/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(p))).toBe(true);
    // ordinary prose goes to the tokenizer in one piece
    const prose = ENGLISH.repeat(50);
    const whole: string[] = [];
    expect(countInPieces(prose, (p) => (whole.push(p), count(p)))).toBe(count(prose));
    expect(whole).toHaveLength(1);
  });
});
