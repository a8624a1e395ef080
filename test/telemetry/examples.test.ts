// The two telemetry examples: the console span tree, and OTLP/HTTP export to a local receiver.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSpanTree, runFallbackCall } from '../../examples/otel-console.js';
import { run } from '../../examples/otlp.js';

interface OtlpSpan {
  name: string;
  kind: number;
  spanId: string;
  parentSpanId?: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number };
}
interface OtlpBody {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ scope: { name: string; version?: string }; spans: OtlpSpan[] }>;
  }>;
}

/** A minimal OTLP/HTTP (JSON) receiver on 127.0.0.1 that keeps what it was sent. */
async function startReceiver(): Promise<{ endpoint: string; bodies: OtlpBody[]; paths: string[]; close(): Promise<void> }> {
  const bodies: OtlpBody[] = [];
  const paths: string[] = [];
  const read = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server: Server = createServer((req, res) => {
    void read(req).then((text) => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      bodies.push(JSON.parse(text) as OtlpBody);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bodies,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let closeReceiver: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeReceiver?.();
  closeReceiver = undefined;
});

describe('examples/otlp.ts', () => {
  it('exports the call span and both attempt spans to the OTLP/HTTP endpoint', async () => {
    const receiver = await startReceiver();
    closeReceiver = receiver.close;
    const { text } = await run(receiver.endpoint);
    expect(text).toBe('Exported over OTLP.');
    expect(receiver.paths.every((p) => p.startsWith('POST /v1/traces application/json'))).toBe(true);

    const spans = receiver.bodies.flatMap((b) => b.resourceSpans.flatMap((rs) => rs.scopeSpans.filter((ss) => ss.scope.name === 'switchyard').flatMap((ss) => ss.spans)));
    expect(spans.map((s) => s.name).sort()).toEqual(['chat claude-sonnet-4-6', 'chat gpt-4.1-mini', 'switchyard chat smart']);
    const call = spans.find((s) => s.name === 'switchyard chat smart')!;
    const failed = spans.find((s) => s.name === 'chat gpt-4.1-mini')!;
    const served = spans.find((s) => s.name === 'chat claude-sonnet-4-6')!;
    expect(failed.parentSpanId).toBe(call.spanId);
    expect(served.parentSpanId).toBe(call.spanId);
    expect(failed.status?.code).toBe(2); // STATUS_CODE_ERROR
    const attr = (s: OtlpSpan, key: string) => s.attributes.find((a) => a.key === key)?.value;
    expect(attr(served, 'gen_ai.provider.name')).toEqual({ stringValue: 'anthropic' });
    expect(attr(served, 'gen_ai.usage.input_tokens')).toEqual({ intValue: 12 });
    expect(attr(failed, 'error.type')).toEqual({ stringValue: 'server_error' });

    const scope = receiver.bodies[0]!.resourceSpans[0]!.scopeSpans.find((ss) => ss.scope.name === 'switchyard')!.scope;
    expect(scope.version).toMatch(/^\d+\.\d+\.\d+/);
    const service = receiver.bodies[0]!.resourceSpans[0]!.resource.attributes.find((a) => a.key === 'service.name');
    expect(service?.value.stringValue).toBe('switchyard-otlp-example');
  });

  it('rejects when nothing listens at the endpoint', async () => {
    const receiver = await startReceiver();
    await receiver.close(); // the port is now closed
    await expect(run(receiver.endpoint, { timeoutMillis: 300 })).rejects.toBeDefined();
  });
});

describe('examples/otel-console.ts', () => {
  it('prints the host span, the call span and both attempts as a tree', async () => {
    const tree = renderSpanTree(await runFallbackCall());
    const lines = tree.split('\n');
    expect(lines[0]).toMatch(/^POST \/ask {2}\[INTERNAL\]/);
    expect(lines.find((l) => l.includes('switchyard chat smart'))).toMatch(/^└─ switchyard chat smart {2}\[INTERNAL\]/);
    expect(tree).toMatch(/├─ chat gpt-4\.1 {2}\[CLIENT ERROR\]/);
    expect(tree).toMatch(/└─ chat claude-sonnet-4-6 {2}\[CLIENT\]/);
    expect(tree).toContain('event +');
    expect(tree).toContain('switchyard.fallback.fail-over');
    expect(tree).toContain('gen_ai.usage.cache_read.input_tokens = 32');
  });
});
