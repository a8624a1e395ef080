// With no OpenTelemetry SDK registered the layer does nothing at all, and it starts working when a
// host registers one later (hosts often set up their SDK after building the gateway).
import { context, metrics, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, type CallContext } from '../../src/index.js';
import { telemetry } from '../../src/telemetry/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { installOtel, type OtelHarness } from './otel-harness.js';

const messages = [{ role: 'user' as const, content: 'hi' }];
let otel: OtelHarness | undefined;

beforeEach(() => {
  // Whatever an earlier file in this worker left behind.
  trace.disable();
  metrics.disable();
  context.disable();
});
afterEach(async () => {
  await otel?.uninstall();
  otel = undefined;
});

describe('no SDK registered', () => {
  it('startCall returns undefined: the gateway skips the observer entirely', () => {
    const t = telemetry({ env: {} });
    expect(t.startCall({ id: 'x', mode: 'generate', requestedModel: 'm/x', metadata: {} } as unknown as CallContext)).toBeUndefined();
  });

  it('chat and stream work, successes and failures, with nothing emitted and nothing thrown', async () => {
    const m = mockProvider({ responses: [{ text: 'a' }, { chunks: ['b', 'c'] }, { error: { status: 500 } }, { chunks: ['x', 'y'], failAfterChunks: 1 }] });
    const gw = createGateway({ providers: { m }, telemetry: { captureContent: true, env: {} }, circuitBreaker: false });
    expect((await gw.chat({ model: 'm/x', messages })).text).toBe('a');
    expect((await gw.stream({ model: 'm/x', messages }).response).text).toBe('bc');
    await expect(gw.chat({ model: 'm/x', messages })).rejects.toMatchObject({ code: 'server_error' });
    await expect(gw.stream({ model: 'm/x', messages }).response).rejects.toMatchObject({ code: 'stream_truncated' });
  });

  it('picks up an SDK registered after the gateway was built, and lets go when it is removed', async () => {
    const gw = createGateway({ providers: { m: mockProvider() }, telemetry: { env: {} } });
    await gw.chat({ model: 'm/x', messages });
    otel = installOtel();
    await gw.chat({ model: 'm/x', messages });
    expect(otel.spans().map((s) => s.name).sort()).toEqual(['chat x', 'switchyard chat m/x']);
    expect((await otel.metrics()).has('gen_ai.client.operation.duration')).toBe(true);
    await otel.uninstall();
    const exported = otel.exporter.getFinishedSpans().length;
    await gw.chat({ model: 'm/x', messages });
    expect(otel.exporter.getFinishedSpans()).toHaveLength(exported);
    otel = undefined;
  });

  it('a meter provider alone (no tracer provider) still gets metrics and no spans are made', async () => {
    otel = installOtel({ traces: false });
    const gw = createGateway({ providers: { m: mockProvider() }, telemetry: { env: {} } });
    await gw.chat({ model: 'm/x', messages });
    expect(otel.allSpans()).toHaveLength(0);
    expect((await otel.metrics()).has('gen_ai.client.operation.duration')).toBe(true);
  });
});
