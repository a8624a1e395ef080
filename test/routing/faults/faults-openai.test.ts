import { afterAll, beforeAll, beforeEach, describe, it } from 'vitest';
import { scenarios, wireTitle } from './fault-scenarios.js';
import { startWireFixture, type Mode, type WireFixture } from './wire-fixture.js';

// The fault-injection suite over the OpenAI wire: the real `openai` SDK against two fake
// Chat Completions servers. The scenarios and their checks are in fault-scenarios.ts.

let fx: WireFixture;
beforeAll(async () => {
  fx = await startWireFixture('openai');
});
afterAll(() => fx.close());
beforeEach(() => fx.reset());

describe.each(['generate', 'stream'] as Mode[])(`${wireTitle('openai')}: %s`, (mode) => {
  for (const s of scenarios.filter((x) => x.modes.includes(mode))) {
    it(s.name, () => s.run(fx, mode));
  }
});
