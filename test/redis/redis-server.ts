import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

// Starts a throwaway redis-server for tests: 127.0.0.1, a free port, nothing written to disk.
// Without the binary the Redis tests skip, unless SWITCHYARD_REQUIRE_REDIS is set (CI sets it, so
// a missing server fails loudly there instead of passing quietly).

export interface RedisServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** The redis-server binary on PATH, or undefined. */
export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, 'redis-server');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Why the Redis tests are skipped, or undefined when they must run. */
export function redisSkipReason(): string | undefined {
  if (findRedisServer() || process.env.SWITCHYARD_REQUIRE_REDIS) return undefined;
  return 'redis-server is not on PATH: skipping the Redis store tests (install redis-server, or set SWITCHYARD_REQUIRE_REDIS=1 to make this a failure)';
}

export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error('redis-server is not on PATH, and SWITCHYARD_REQUIRE_REDIS is set: install it (apt-get install redis-server)');
  let lastError: unknown;
  // A port found free can be taken before redis binds it: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()], {
      stdio: 'ignore',
    });
    try {
      await waitForPing(port, child);
      return { host: '127.0.0.1', port, stop: () => stop(child) };
    } catch (error) {
      lastError = error;
      await stop(child);
    }
  }
  throw new Error(`redis-server did not start: ${String(lastError)}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`redis-server exited (port ${port} taken?)`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('redis-server did not answer PING within 10 s');
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
