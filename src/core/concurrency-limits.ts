import pLimit, { type LimitFunction } from 'p-limit';
import type { Target } from '../types/target.js';

/** Release a slot. Safe to call more than once. */
export type Release = () => void;

const NOOP: Release = () => {};

/**
 * Caps concurrent attempts per provider and/or per `provider/model`, with p-limit queues. A queued
 * attempt waits at most until its call's signal fires (deadline or abort); if it gives up, its turn
 * is passed on immediately when it comes.
 */
export class ConcurrencyLimits {
  private readonly limits = new Map<string, LimitFunction>();

  constructor(config: Record<string, number> | undefined) {
    for (const [key, n] of Object.entries(config ?? {})) this.limits.set(key, pLimit(n));
  }

  get empty(): boolean {
    return this.limits.size === 0;
  }

  /** Waits for a slot under every limit that covers `target` (model limit, then provider limit). */
  async acquire(target: Target, signal: AbortSignal | undefined): Promise<Release> {
    if (this.limits.size === 0) return NOOP;
    const releases: Release[] = [];
    try {
      for (const key of [target.id, target.provider]) {
        const limit = this.limits.get(key);
        if (limit) releases.push(await slot(limit, signal));
      }
    } catch (err) {
      for (const r of releases) r();
      throw err;
    }
    return () => {
      for (const r of releases.splice(0)) r();
    };
  }

  /** Queued attempts per limit key, for observability. */
  pending(key: string): number {
    return this.limits.get(key)?.pendingCount ?? 0;
  }

  active(key: string): number {
    return this.limits.get(key)?.activeCount ?? 0;
  }
}

function slot(limit: LimitFunction, signal: AbortSignal | undefined): Promise<Release> {
  return new Promise<Release>((resolve, reject) => {
    let abandoned = false;
    const onAbort = (): void => {
      abandoned = true;
      reject(signal!.reason);
    };
    if (signal) {
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    void limit(
      () =>
        new Promise<void>((done) => {
          signal?.removeEventListener('abort', onAbort);
          // The waiter gave up while queued: hand the slot straight to the next one.
          if (abandoned) return done();
          let released = false;
          resolve(() => {
            if (!released) {
              released = true;
              done();
            }
          });
        }),
    );
  });
}
