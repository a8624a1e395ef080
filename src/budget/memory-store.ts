import { fits, type BudgetStore, type CounterAmount, type CounterState, type ReserveRequest, type ReserveResult, type StoreCounter, type StoreWindow } from './store.js';

// One process's counters. Every method runs synchronously inside the promise it returns, so each
// is atomic with respect to other calls in the process.

interface Lease {
  amount: number;
  expiresAt: number;
}

interface Counter {
  /** Settled spend (fixed and lifetime windows). */
  spent: number;
  /** Settled spend per bucket start (rolling windows), oldest first. */
  buckets: Map<number, number> | undefined;
  reserved: number;
  leases: Map<string, Lease>;
  /** When the counter can be forgotten (fixed windows after their end, rolling ones when idle). */
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** The default store: counters in this process's memory (lost on restart, not shared). */
export function memoryStore(options: MemoryStoreOptions = {}): BudgetStore {
  const now = options.now ?? Date.now;
  const counters = new Map<string, Counter>();
  let operations = 0;

  const counter = (c: StoreCounter, t: number, create: boolean): Counter | undefined => {
    let k = counters.get(c.key);
    if (!k) {
      if (!create) return undefined;
      k = { spent: 0, buckets: c.window.kind === 'rolling' ? new Map() : undefined, reserved: 0, leases: new Map(), expiresAt: Infinity };
      counters.set(c.key, k);
    }
    sweep(k, c.window, t);
    return k;
  };

  const collect = (t: number): void => {
    // Forget expired windows now and then, so per-window keys do not pile up.
    if (++operations % 1024 !== 0) return;
    for (const [key, k] of counters) if (k.expiresAt <= t && k.leases.size === 0) counters.delete(key);
  };

  return {
    reserve(request: ReserveRequest): Promise<ReserveResult> {
      const t = now();
      collect(t);
      const ks = request.counters.map((c) => counter(c, t, true)!);
      for (let i = 0; i < ks.length; i++) {
        const c = request.counters[i]!;
        const k = ks[i]!;
        const s = spentOf(k);
        if (!fits(s, k.reserved, c.amount, c.limit)) {
          // Give the counters this call created an expiry, so refused-only windows are collected too.
          for (let j = 0; j < ks.length; j++) touch(ks[j]!, request.counters[j]!.window, t);
          return Promise.resolve({ ok: false, refused: i, states: ks.map(state), retryAfterMs: retryAfter(k, c, t) });
        }
      }
      for (let i = 0; i < ks.length; i++) {
        const c = request.counters[i]!;
        const k = ks[i]!;
        const previous = k.leases.get(request.id);
        if (previous) k.reserved -= previous.amount;
        k.reserved += c.amount;
        k.leases.set(request.id, { amount: c.amount, expiresAt: t + request.leaseMs });
        touch(k, c.window, t + request.leaseMs);
      }
      return Promise.resolve({ ok: true, states: ks.map(state) });
    },

    settle(id: string, actual: readonly CounterAmount[]): Promise<CounterState[]> {
      const t = now();
      const out: CounterState[] = [];
      for (const c of actual) {
        const k = counter(c, t, true)!;
        const lease = k.leases.get(id);
        if (lease) drop(k, id, lease);
        if (c.amount > 0) {
          if (k.buckets && c.window.kind === 'rolling') {
            const b = t - (t % c.window.bucketMs);
            k.buckets.set(b, (k.buckets.get(b) ?? 0) + c.amount);
          } else k.spent += c.amount;
        }
        touch(k, c.window, t);
        out.push(state(k));
      }
      return Promise.resolve(out);
    },

    release(id: string, list: readonly StoreCounter[]): Promise<void> {
      const t = now();
      for (const c of list) {
        const k = counter(c, t, false);
        const lease = k?.leases.get(id);
        if (!k || !lease) continue;
        drop(k, id, lease);
      }
      return Promise.resolve();
    },

    renew(id: string, list: readonly StoreCounter[], leaseMs: number): Promise<boolean> {
      const t = now();
      let all = true;
      for (const c of list) {
        const k = counter(c, t, false);
        const lease = k?.leases.get(id);
        if (!k || !lease) {
          all = false;
          continue;
        }
        lease.expiresAt = t + leaseMs;
        touch(k, c.window, t + leaseMs);
      }
      return Promise.resolve(all);
    },

    peek(list: readonly StoreCounter[]): Promise<CounterState[]> {
      const t = now();
      return Promise.resolve(list.map((c) => {
        const k = counter(c, t, false);
        return k ? state(k) : { spent: 0, reserved: 0 };
      }));
    },
  };
}

function drop(k: Counter, id: string, lease: Lease): void {
  k.leases.delete(id);
  k.reserved = k.leases.size === 0 ? 0 : k.reserved - lease.amount; // no float residue once nothing is held
}

function spentOf(k: Counter): number {
  if (!k.buckets) return k.spent;
  let s = 0;
  for (const v of k.buckets.values()) s += v;
  return s;
}

function state(k: Counter): CounterState {
  return { spent: spentOf(k), reserved: Math.max(0, k.reserved) };
}

/** Drops expired leases and buckets that have aged out. */
function sweep(k: Counter, w: StoreWindow, t: number): void {
  if (k.leases.size > 0) {
    for (const [id, lease] of k.leases) {
      if (lease.expiresAt <= t) {
        k.reserved -= lease.amount;
        k.leases.delete(id);
      }
    }
    if (k.leases.size === 0) k.reserved = 0; // no float residue once nothing is held
  }
  if (k.buckets && w.kind === 'rolling') {
    const oldest = t - w.sizeMs;
    for (const b of k.buckets.keys()) {
      if (b + w.bucketMs > oldest) break; // Map keeps insertion order: buckets are oldest first
      k.buckets.delete(b);
    }
  }
}

function touch(k: Counter, w: StoreWindow, until: number): void {
  // A rolling bucket counts until bucketMs + sizeMs after it opened.
  const expires = w.kind === 'fixed' ? Math.max(w.end, until) : w.kind === 'rolling' ? until + w.sizeMs + w.bucketMs : Infinity;
  k.expiresAt = k.expiresAt === Infinity && w.kind !== 'lifetime' ? expires : Math.max(k.expiresAt, expires);
}

function retryAfter(k: Counter, c: CounterAmount, t: number): number | undefined {
  const w = c.window;
  if (w.kind === 'fixed') return Math.max(0, w.end - t);
  if (w.kind === 'lifetime' || !k.buckets) return undefined;
  // How long until enough settled spend ages out of the rolling window.
  let excess = spentOf(k) + k.reserved + c.amount - c.limit;
  for (const [b, v] of k.buckets) {
    excess -= v;
    if (excess <= 0) return Math.max(0, b + w.bucketMs + w.sizeMs - t);
  }
  return undefined;
}
