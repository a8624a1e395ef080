// Telemetry never fails a call: what throws inside it is reported through diag and left out.
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/index.js';
import { telemetry } from '../../src/telemetry/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { installOtel, onlySpan, type OtelHarness } from './otel-harness.js';

let otel: OtelHarness;
const logged: string[] = [];
const logger: DiagLogger = {
  error: (m) => logged.push(`error ${m}`),
  warn: (m) => logged.push(`warn ${m}`),
  info: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};
beforeAll(() => {
  otel = installOtel();
  diag.setLogger(logger, DiagLogLevel.WARN);
});
afterAll(async () => {
  diag.disable();
  await otel.uninstall();
});
beforeEach(() => {
  otel.reset();
  logged.length = 0;
});

describe('telemetry that fails', () => {
  it('a throwing providerName costs the attempt span, not the call', async () => {
    const gw = createGateway({
      providers: { p: mockProvider({ fallback: { text: 'still fine' } }) },
      telemetry: false,
      instrumentation: [
        telemetry({
          env: {},
          providerName: () => {
            throw new Error('boom');
          },
        }),
      ],
    });
    expect((await gw.chat({ model: 'p/m', messages: [{ role: 'user', content: 'hi' }] })).text).toBe('still fine');
    expect(otel.spans().map((s) => s.name)).toEqual(['switchyard chat p/m']);
    expect(logged.some((l) => l.startsWith('error switchyard telemetry failed'))).toBe(true);
  });

  it('content that will not serialise is left out, the rest of the span is written', async () => {
    const gw = createGateway({ providers: { p: mockProvider({ fallback: { text: 'ok' } }) }, telemetry: { env: {}, captureContent: true } });
    const res = await gw.chat({
      model: 'p/m',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'f', arguments: { n: 10n } }] },
        { role: 'tool', toolCallId: 'c1', content: 'done' },
      ],
    });
    expect(res.text).toBe('ok');
    const span = onlySpan(otel.spans(), 'chat m');
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBe('[{"role":"assistant","parts":[{"type":"text","content":"ok"}],"finish_reason":"stop"}]');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(10);
    expect(logged.some((l) => l.startsWith('warn switchyard telemetry: message content could not be serialised'))).toBe(true);
  });
});
