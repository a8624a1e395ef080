import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StreamInterruptedError } from '../../../src/errors/call-errors.js';
import { FRAMES, startWireFixture, type WireFixture } from './wire-fixture.js';

// `fallback(..., { onInterrupt: 'restart' | 'continue' })` voids delivered content with a `reset`
// event. Views that cannot show a reset (`ChatStream.textStream`, the OpenAI-shaped stream of
// `gateway.openai` / `wrapOpenAI`) must raise StreamInterruptedError instead of handing their
// consumer the broken answer's text followed by the replacement's.

const ask = [{ role: 'user' as const, content: 'count to four' }];

let fx: WireFixture;
beforeAll(async () => {
  fx = await startWireFixture('openai');
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.reset();
  // The primary breaks after 'one two ' reached the caller; the backup restarts the answer.
  fx.primary.enqueue({ text: 'one two three four', chunkSize: 4, fault: { type: 'cut', afterChunks: FRAMES.openai.beforeContent + 2 } });
  fx.backup.enqueue({ text: 'Fresh answer.' });
});

/** What a consumer that cannot see resets must end up with: an error, or one answer, never a splice. */
function expectNoSplice(text: string, error: unknown): void {
  if (error !== undefined) {
    expect(error).toBeInstanceOf(StreamInterruptedError);
    return;
  }
  expect(text, 'the consumer was handed two answers spliced together').toBe('Fresh answer.');
}

describe("consumers that cannot show a `reset` (onInterrupt 'restart') raise instead of splicing answers", () => {
  it('ChatStream.textStream', async () => {
    const gw = fx.gateway({ onInterrupt: 'restart' });
    let text = '';
    let error: unknown;
    try {
      for await (const t of gw.stream({ model: 'chain', messages: ask }).textStream) text += t;
    } catch (err) {
      error = err;
    }
    expect(fx.backup.requests).toHaveLength(1);
    expectNoSplice(text, error);
  });

  it('gateway.openai.chat.completions.create({ stream: true })', async () => {
    const gw = fx.gateway({ onInterrupt: 'restart' });
    let text = '';
    let error: unknown;
    try {
      const stream = await gw.openai.chat.completions.create({ model: 'chain', messages: ask, stream: true });
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    } catch (err) {
      error = err;
    }
    expect(fx.backup.requests).toHaveLength(1);
    expectNoSplice(text, error);
  });
});
