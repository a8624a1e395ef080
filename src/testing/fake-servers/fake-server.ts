import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { FakeReply, RecordedRequest, ResolvedReply } from './types.js';
import type { WireProtocol } from './wire-protocol.js';

export interface FakeServerOptions {
  /** Port to bind on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Answer used when the script is empty (default: echo the last user message). */
  defaultReply?: FakeReply | ((request: RecordedRequest) => FakeReply);
  /** Accept requests without credentials (default false: 401 like the real service). */
  allowAnonymous?: boolean;
}

/** A local HTTP server speaking one provider's wire protocol, with a script and fault injection. */
export interface FakeServer {
  /** `http://127.0.0.1:PORT` (no version path). */
  readonly origin: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queues replies answered in order, before the default reply applies again. */
  enqueue(...replies: FakeReply[]): void;
  /** Replaces the default reply. */
  setDefault(reply: FakeReply | ((request: RecordedRequest) => FakeReply)): void;
  /** Clears the script and the request log. */
  reset(): void;
  /** Resolves when request `index` reaches a final outcome (completed or client-closed). */
  settled(index: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Stops accepting connections and destroys open sockets. */
  close(): Promise<void>;
}

let idCounter = 0;

/** Starts a fake provider server for the given wire. Used by `startFakeOpenAI` and friends. */
export async function startFakeServer(wire: WireProtocol, options: FakeServerOptions = {}): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  let defaultReply: FakeReply | ((r: RecordedRequest) => FakeReply) = options.defaultReply ?? {};
  const sockets = new Set<Socket>();
  const waiters = new Map<number, Array<(r: RecordedRequest) => void>>();

  const finish = (rec: RecordedRequest, outcome: 'completed' | 'client-closed') => {
    if (rec.outcome !== 'pending') return;
    rec.outcome = outcome;
    const ws = waiters.get(rec.index);
    if (ws) {
      waiters.delete(rec.index);
      for (const w of ws) w(rec);
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse, rawBody: string): Promise<void> {
    let body: Record<string, unknown> | undefined;
    try {
      body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : undefined;
    } catch {
      body = undefined;
    }
    const url = req.url ?? '/';
    const route = wire.route(req.method ?? 'GET', url, body);
    const rec: RecordedRequest = {
      index: requests.length,
      method: req.method ?? 'GET',
      url,
      headers: { ...req.headers },
      body,
      stream: route?.stream ?? false,
      model: route?.model,
      receivedAt: Date.now(),
      outcome: 'pending',
    };
    requests.push(rec);
    // The response's close event tells whether the client hung up before we were done.
    res.on('close', () => finish(rec, res.writableFinished ? 'completed' : 'client-closed'));

    if (!route) {
      sendJson(res, 404, { error: { message: `No route for ${req.method} ${url}` } }, {});
      return;
    }
    if (!options.allowAnonymous && !wire.authorized(req.headers)) {
      const { body: eb, headers } = wire.errorResponse({ type: 'status', status: 401, message: 'Invalid API key' }, rec);
      sendJson(res, 401, eb, { ...wire.responseHeaders(rec), ...headers });
      return;
    }
    const script = queue.length > 0 ? queue.shift()! : typeof defaultReply === 'function' ? defaultReply(rec) : defaultReply;
    const reply = resolveReply(script, rec, wire.lastUserText(body), wire.promptChars(body));
    const baseHeaders = { ...wire.responseHeaders(rec), ...(script.headers ?? {}) };
    const fault = script.fault;

    if (script.delayMs) await sleep(script.delayMs, res);
    if (res.destroyed) return;

    if (fault?.type === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'no-answer') return; // hold the socket until the client gives up
    if (fault?.type === 'status') {
      const { body: eb, headers } = fault.body !== undefined ? { body: fault.body, headers: {} } : wire.errorResponse(fault, rec);
      sendJson(res, fault.status, eb, { ...baseHeaders, ...headers, ...(fault.headers ?? {}) });
      return;
    }

    if (!rec.stream) {
      if (fault?.type === 'slow-first-token') {
        res.writeHead(200, { 'content-type': 'application/json', ...baseHeaders });
        res.flushHeaders();
        await sleep(fault.delayMs, res);
        if (res.destroyed) return;
        res.end(JSON.stringify(wire.json(reply, rec)));
        return;
      }
      sendJson(res, 200, wire.json(reply, rec), baseHeaders);
      return;
    }

    let { frames, terminal } = wire.frames(reply, rec);
    if (fault?.type === 'missing-terminal') {
      frames = wire.framesWithoutFinish ? wire.framesWithoutFinish(reply, rec) : frames.slice(0, frames.length - terminal);
    }
    if (fault?.type === 'malformed-chunk') {
      const at = Math.min(Math.max(0, fault.atChunk), frames.length);
      frames = [...frames.slice(0, at), wire.malformedFrame?.() ?? 'data: {"this is": not json\n\n', ...frames.slice(at)];
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', ...baseHeaders });
    res.flushHeaders();
    if (fault?.type === 'slow-first-token') {
      await sleep(fault.delayMs, res);
    }
    const delay = script.chunkDelayMs ?? 0;
    for (let i = 0; i < frames.length; i++) {
      if (res.destroyed) return;
      if (fault?.type === 'stall' && i === fault.afterChunks) return; // keep the socket open, send nothing more
      if (fault?.type === 'cut' && i === fault.afterChunks) {
        if (fault.mode === 'destroy') req.socket.destroy();
        else res.end();
        return;
      }
      if (fault?.type === 'in-band-error' && i === fault.afterChunks) {
        res.end(wire.inBandErrorFrame(fault));
        return;
      }
      if (i > 0 && delay > 0) await sleep(delay, res);
      if (res.destroyed) return;
      if (fault?.type === 'cut' && fault.mode === 'destroy') {
        // Let each frame reach the socket before a destroy can overtake it.
        await new Promise<void>((resolve) => res.write(frames[i], () => resolve()));
      } else {
        res.write(frames[i]);
      }
    }
    if (fault?.type === 'stall' && fault.afterChunks >= frames.length) return;
    if (fault?.type === 'in-band-error' && fault.afterChunks >= frames.length) {
      res.end(wire.inBandErrorFrame(fault));
      return;
    }
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      defaultReply = reply;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
    },
    settled: (index, timeoutMs = 5000) =>
      new Promise<RecordedRequest>((resolve, reject) => {
        const rec = requests[index];
        if (rec && rec.outcome !== 'pending') return resolve(rec);
        const timer = setTimeout(() => reject(new Error(`request ${index} still pending after ${timeoutMs} ms`)), timeoutMs);
        const list = waiters.get(index) ?? [];
        list.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
        waiters.set(index, list);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Waits, but gives up early when the client goes away. */
function sleep(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      res.off('close', done);
      resolve();
    }
    res.once('close', done);
  });
}

/** Fills the wire-independent defaults; each wire turns the result into its own shapes. */
function resolveReply(script: FakeReply, rec: RecordedRequest, lastUserText: string, promptChars: number): ResolvedReply {
  const text = script.text ?? (script.toolCalls?.length ? '' : `Echo: ${lastUserText}`);
  const reasoning = script.reasoning;
  const u = script.usage ?? {};
  const outputDefault = Math.max(1, Math.ceil((text.length + (reasoning?.length ?? 0)) / 4));
  idCounter += 1;
  return {
    id: String(idCounter),
    model: script.model ?? rec.model ?? 'unknown-model',
    text,
    reasoning,
    toolCalls: (script.toolCalls ?? []).map((t, i) => ({ id: t.id ?? `call_${idCounter}_${i}`, name: t.name, arguments: t.arguments })),
    finishReason: script.finishReason,
    usage: {
      inputTokens: u.inputTokens ?? Math.max(1, Math.ceil(promptChars / 4)),
      outputTokens: u.outputTokens ?? outputDefault,
      cacheReadTokens: u.cacheReadTokens ?? 0,
      cacheWriteTokens: u.cacheWriteTokens ?? 0,
      reasoningTokens: u.reasoningTokens ?? (reasoning ? Math.ceil(reasoning.length / 4) : 0),
    },
    chunkSize: script.chunkSize ?? 8,
  };
}
