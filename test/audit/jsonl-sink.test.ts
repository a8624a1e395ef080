import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, AuditSinkError, jsonlFileSink, type AuditRecord } from '../../src/audit/index.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { mockProvider } from '../../src/testing/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-audit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  expect(existsSync(dir)).toBe(false);
});

const messages = [{ role: 'user' as const, content: 'hi' }];
const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');

/** One real record, to feed a sink directly. */
async function sampleRecord(): Promise<AuditRecord> {
  let record: AuditRecord | undefined;
  const gw = createGateway({ providers: { m: mockProvider() }, instrumentation: [audit({ sink: (r) => void (record = r) })], telemetry: false });
  await gw.chat({ model: 'm/x', messages, metadata: { team: 'ads' } });
  return record!;
}

describe('jsonlFileSink', () => {
  it('appends one parseable JSON line per call; flush and close wait for the file', async () => {
    const path = join(dir, 'calls.jsonl');
    const sink = jsonlFileSink(path);
    const gw = createGateway({ providers: { m: mockProvider() }, instrumentation: [audit({ sink })], telemetry: false });
    for (const team of ['a', 'b', 'c']) await gw.chat({ model: 'm/x', messages, metadata: { team, apiKey: 'sk-secret-value-123' } });
    await sink.flush();
    expect(sink.written).toBe(3);
    const written = await lines(path);
    expect(written).toHaveLength(3);
    const parsed = written.map((l) => JSON.parse(l) as AuditRecord);
    expect(parsed.map((r) => [r.version, r.status, r.metadata.team])).toEqual([
      [1, 'success', 'a'],
      [1, 'success', 'b'],
      [1, 'success', 'c'],
    ]);
    expect(written.join('\n')).not.toContain('sk-secret-value-123');

    // A stream's record goes through the same path.
    for await (const _ of gw.stream({ model: 'm/x', messages })) {
      // read to the end
    }
    await sink.close();
    await sink.close();
    expect(await lines(path)).toHaveLength(4);
    expect(sink.dropped).toBe(0);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);

    // After close: refused (and counted), reported through the audit's onError, never to the call.
    const record = parsed[0]!;
    expect(() => sink(record)).toThrow(AuditSinkError);
    expect(sink.dropped).toBe(1);
    const errors: unknown[] = [];
    const late = createGateway({ providers: { m: mockProvider() }, instrumentation: [audit({ sink, onError: (e) => void errors.push(e) })], telemetry: false });
    await expect(late.chat({ model: 'm/x', messages })).resolves.toBeDefined();
    expect(errors).toMatchObject([{ reason: 'closed', code: 'audit_sink_closed' }]);
  });

  it('appends to an existing file', async () => {
    const path = join(dir, 'append.jsonl');
    const record = await sampleRecord();
    for (let i = 0; i < 2; i++) {
      const sink = jsonlFileSink(path);
      sink(record);
      await sink.close();
    }
    expect((await lines(path)).map((l) => (JSON.parse(l) as AuditRecord).id)).toEqual([record.id, record.id]);
  });

  it('a slow file: records queue up to maxQueued, then are dropped and counted, memory stays bounded', async () => {
    const path = join(dir, 'slow.jsonl');
    const record = await sampleRecord();
    // Every line is over the tiny buffer, so after the first write the stream asks to wait.
    const sink = jsonlFileSink(path, { highWaterMark: 16, maxQueued: 2 });
    const thrown: unknown[] = [];
    for (let i = 0; i < 10; i++) {
      try {
        sink({ ...record, id: `r${i}` });
      } catch (err) {
        thrown.push(err);
      }
    }
    expect(sink.dropped).toBe(7);
    expect(thrown).toHaveLength(7);
    expect(thrown[0]).toBeInstanceOf(AuditSinkError);
    expect(thrown[0]).toMatchObject({ reason: 'overflow' });
    await sink.flush();
    expect(sink.written).toBe(3);
    expect((await lines(path)).map((l) => (JSON.parse(l) as AuditRecord).id)).toEqual(['r0', 'r1', 'r2']);
    // Once drained, records are taken again.
    sink({ ...record, id: 'r10' });
    await sink.close();
    expect((await lines(path)).at(-1)).toContain('"id":"r10"');
  });

  it('a file that cannot be opened: no crash, flush and close reject, later records are refused', async () => {
    const path = join(dir, 'missing-dir', 'x.jsonl');
    const record = await sampleRecord();
    const sink = jsonlFileSink(path);
    sink(record);
    await expect(sink.flush()).rejects.toMatchObject({ name: 'AuditSinkError', reason: 'write_failed', cause: { code: 'ENOENT' } });
    expect(() => sink(record)).toThrow(AuditSinkError);
    expect(sink.dropped).toBe(2);
    expect(sink.written).toBe(0);
    await expect(sink.close()).rejects.toMatchObject({ reason: 'write_failed' });
    expect(existsSync(path)).toBe(false);
  });

  it('rejects bad options', () => {
    expect(() => jsonlFileSink('')).toThrow(/path/);
    expect(() => jsonlFileSink(join(dir, 'x'), { maxQueued: -1 })).toThrow(/maxQueued/);
    expect(() => jsonlFileSink(join(dir, 'x'), { highWaterMark: 0 })).toThrow(/highWaterMark/);
  });
});
