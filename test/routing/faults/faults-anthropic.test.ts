import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropic, createGateway, type StreamEvent } from '../../../src/index.js';
import { startFakeAnthropic } from '../../../src/testing/index.js';
import { scenarios, wireTitle } from './fault-scenarios.js';
import { outcomes, shown, startWireFixture, type Mode, type WireFixture } from './wire-fixture.js';

// The fault-injection suite over the Anthropic wire: the real `@anthropic-ai/sdk` against two fake
// Messages servers. The scenarios and their checks are in fault-scenarios.ts.

let fx: WireFixture;
beforeAll(async () => {
  fx = await startWireFixture('anthropic');
});
afterAll(() => fx.close());
beforeEach(() => fx.reset());

describe.each(['generate', 'stream'] as Mode[])(`${wireTitle('anthropic')}: %s`, (mode) => {
  for (const s of scenarios.filter((x) => x.modes.includes(mode))) {
    it(s.name, () => s.run(fx, mode));
  }
});

describe('anthropic wire: a garbage frame without an event name', () => {
  it('is dropped by the SDK (it reads only named events): the answer arrives whole, in one attempt', async () => {
    // The stock fake's malformed frame has no `event:` line; the suite above uses a named one.
    const stock = await startFakeAnthropic();
    try {
      const gw = createGateway({ providers: { a: anthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: stock.baseURL, logLevel: 'off' })) }, circuitBreaker: false });
      stock.enqueue({ text: 'one two three four', chunkSize: 4, fault: { type: 'malformed-chunk', atChunk: 4 } });
      const stream = gw.stream({ model: 'a/claude-sonnet-4-6', messages: [{ role: 'user', content: 'count to four' }] });
      const events: StreamEvent[] = [];
      for await (const ev of stream) events.push(ev);
      const res = await stream.response;
      expect(shown(events)).toBe('one two three four');
      expect(outcomes(res.attempts)).toEqual(['a:success']);
      expect(stock.requests).toHaveLength(1);
    } finally {
      await stock.close();
    }
  });
});
