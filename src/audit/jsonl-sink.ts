import { createWriteStream } from 'node:fs';
import type { AuditRecord } from './audit-record.js';
import { AuditSinkError } from './audit-sink-error.js';

export interface JsonlFileSinkOptions {
  /**
   * Bytes the file stream buffers before the sink starts queueing records itself. Default 64 KiB.
   */
  highWaterMark?: number;
  /**
   * Most records kept waiting while the file is slower than the calls (the stream's buffer is over
   * `highWaterMark`). Past it a record is dropped, counted in `dropped`, and reported as an
   * `AuditSinkError` with reason `overflow`. Memory stays bounded by `highWaterMark` plus this many
   * lines. Default 10,000.
   */
  maxQueued?: number;
  /** File mode when the file is created (before the umask). Default `0o600`: audit logs are for auditors. */
  mode?: number;
}

/** An audit sink that appends one JSON line per record to a file. */
export interface JsonlFileSink {
  (record: AuditRecord): void;
  /** Resolves once every record taken so far is written to the file; rejects if the file failed. */
  flush(): Promise<void>;
  /** Writes what is queued, then closes the file. Records given after this are refused. Idempotent. */
  close(): Promise<void>;
  /** Records lost: dropped on overflow, or refused after a write error. */
  readonly dropped: number;
  /** Records written to the file so far. */
  readonly written: number;
}

/**
 * Appends each audit record as one line of JSON to `path` (created if missing; the directory must
 * exist). Writes go through a buffered append stream; a slow disk makes records queue, up to
 * `maxQueued`, then drop (counted and reported, never blocking a call). Call `close()` (or at least
 * `flush()`) before the process exits, or the last records may be lost.
 */
export function jsonlFileSink(path: string, options: JsonlFileSinkOptions = {}): JsonlFileSink {
  if (typeof path !== 'string' || path === '') throw new TypeError('jsonlFileSink: `path` must be a non-empty string');
  const maxQueued = options.maxQueued ?? 10_000;
  if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new TypeError('jsonlFileSink: `maxQueued` must be a non-negative integer');
  const highWaterMark = options.highWaterMark ?? 64 * 1024;
  if (!Number.isInteger(highWaterMark) || highWaterMark <= 0) throw new TypeError('jsonlFileSink: `highWaterMark` must be a positive integer');

  const stream = createWriteStream(path, { flags: 'a', encoding: 'utf8', mode: options.mode ?? 0o600, highWaterMark });
  // Lines waiting for 'drain', and how many records each buffered write holds (for `written`).
  let queue: string[] = [];
  let inFlight = 0;
  let written = 0;
  let dropped = 0;
  let failure: AuditSinkError | undefined;
  let closing: Promise<void> | undefined;
  let waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  const settle = (): void => {
    // After a failure nothing more will be written: waiting would only delay the rejection.
    if (!failure && (inFlight > 0 || queue.length > 0)) return;
    const list = waiters;
    waiters = [];
    for (const w of list) failure ? w.reject(failure) : w.resolve();
  };

  const write = (chunk: string, records: number): void => {
    inFlight++;
    stream.write(chunk, (err) => {
      inFlight--;
      if (err) {
        fail(err);
        dropped += records;
      } else written += records;
      settle();
    });
  };

  const fail = (err: unknown): void => {
    if (failure) return;
    failure = new AuditSinkError('write_failed', path, 'the file could not be written', { cause: err });
    dropped += queue.length;
    queue = [];
    settle();
  };

  // Without a listener an 'error' event would crash the process: a broken audit file must not.
  stream.on('error', fail);
  stream.on('drain', () => {
    if (queue.length === 0 || failure) return;
    const lines = queue;
    queue = [];
    write(lines.join(''), lines.length);
  });

  const sink = (record: AuditRecord): void => {
    if (closing) {
      dropped++;
      throw new AuditSinkError('closed', path, 'the sink is closed');
    }
    if (failure) {
      dropped++;
      throw failure;
    }
    const line = JSON.stringify(record) + '\n';
    if (queue.length > 0 || stream.writableNeedDrain) {
      if (queue.length >= maxQueued) {
        dropped++;
        throw new AuditSinkError('overflow', path, `${maxQueued} records already waiting for the file; one was dropped`);
      }
      queue.push(line);
      return;
    }
    write(line, 1);
  };

  const flush = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ resolve, reject });
      settle();
    });

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await flush();
      } finally {
        await new Promise<void>((resolve) => {
          if (stream.closed) return resolve();
          stream.once('close', () => resolve());
          stream.end();
        });
      }
      if (failure) throw failure;
    })());

  return Object.defineProperties(sink, {
    flush: { value: flush },
    close: { value: close },
    dropped: { get: () => dropped, enumerable: true },
    written: { get: () => written, enumerable: true },
  }) as JsonlFileSink;
}
