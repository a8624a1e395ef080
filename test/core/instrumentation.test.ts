import { describe, expect, it } from 'vitest';
import { createGateway, type AttemptRecord, type Instrumentation } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';

function recorder() {
  const log: string[] = [];
  const ended: Array<{ record: AttemptRecord; finished: boolean }> = [];
  const inst: Instrumentation = {
    startCall(ctx) {
      log.push(`call:${ctx.mode}`);
      return {
        startAttempt(start) {
          log.push(`attempt:${start.target.id}:${start.kind}`);
          return {
            firstToken: () => log.push('first'),
            chunk: () => log.push('chunk'),
            end: (record, finish) => {
              log.push(`end:${record.outcome}`);
              ended.push({ record, finished: finish !== undefined });
            },
          };
        },
        end: (response, error) => log.push(response ? `call-end:${response.text}` : `call-error:${(error as Error).name}`),
      };
    },
  };
  return { inst, log, ended };
}

describe('instrumentation seam', () => {
  it('sees calls and attempts for generate', async () => {
    const { inst, log, ended } = recorder();
    const gw = createGateway({ providers: { m: mockProvider({ fallback: { text: 'hey' } }) }, instrumentation: [inst] });
    await gw.chat({ model: 'm/x', messages: [{ role: 'user', content: 'hi' }] });
    expect(log).toEqual(['call:generate', 'attempt:m/x:mock', 'first', 'end:success', 'call-end:hey']);
    expect(ended[0]!.finished).toBe(true);
  });

  it('sees every chunk of a stream and the end of a broken-off stream', async () => {
    const { inst, log } = recorder();
    const gw = createGateway({ providers: { m: mockProvider({ fallback: { chunks: ['a', 'b', 'c'] } }) }, instrumentation: [inst] });
    await gw.stream({ model: 'm/x', messages: [{ role: 'user', content: 'hi' }] }).response;
    expect(log).toEqual(['call:stream', 'attempt:m/x:mock', 'first', 'chunk', 'chunk', 'end:success', 'call-end:abc']);
    log.length = 0;
    for await (const ev of gw.stream({ model: 'm/x', messages: [{ role: 'user', content: 'hi' }] })) if (ev.type === 'text-delta') break;
    expect(log).toEqual(['call:stream', 'attempt:m/x:mock', 'first', 'end:aborted', 'call-error:AbortError']);
  });

  it('sees failures', async () => {
    const { inst, log } = recorder();
    const gw = createGateway({ providers: { m: mockProvider({ fallback: { error: { status: 500 } } }) }, instrumentation: [inst], circuitBreaker: false });
    await gw.chat({ model: 'm/x', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
    expect(log).toEqual(['call:generate', 'attempt:m/x:mock', 'end:error', 'call-error:ServerError']);
  });

  it('fans out to several instrumentations', async () => {
    const a = recorder();
    const b = recorder();
    const gw = createGateway({ providers: { m: mockProvider() }, instrumentation: [a.inst, b.inst] });
    await gw.chat({ model: 'm/x', messages: [{ role: 'user', content: 'hi' }] });
    expect(a.log).toEqual(b.log);
    expect(a.log).toHaveLength(5);
  });
});
