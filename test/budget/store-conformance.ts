import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BudgetStore, CounterAmount, StoreCounter, StoreWindow } from '../../src/budget/store.js';

// The behaviour every BudgetStore must show, run against each implementation. Real time with short
// leases: the only time-based expectations are "after the lease (or the window), it is gone".

const LEASE = 250;
const AFTER_LEASE = LEASE * 2;

const lifetime: StoreWindow = { kind: 'lifetime' };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let serial = 0;
const uniqueKey = (name: string) => `${name}-${++serial}-${randomUUID().slice(0, 8)}`;

function counter(limit: number, window: StoreWindow = lifetime, key = uniqueKey('k')): StoreCounter {
  return { key, window, limit };
}

const amount = (c: StoreCounter, n: number): CounterAmount => ({ ...c, amount: n });

const state = (spent: number, reserved: number) => ({ spent: expect.closeTo(spent, 9), reserved: expect.closeTo(reserved, 9) });

/** Runs the shared store contract against `makeStore` (called once per test). */
export function describeStoreConformance(name: string, makeStore: () => BudgetStore | Promise<BudgetStore>): void {
  describe(`${name}: BudgetStore conformance`, () => {
    describe('reserve', () => {
      it('reserves every counter, and reports their states', async () => {
        const store = await makeStore();
        const a = counter(10);
        const b = counter(5);
        const r = await store.reserve({ id: 'r1', counters: [amount(a, 3), amount(b, 2)], leaseMs: 10_000 });
        expect(r).toEqual({ ok: true, states: [state(0, 3), state(0, 2)] });
        expect(await store.peek([a, b])).toEqual([state(0, 3), state(0, 2)]);
      });

      it('is all-or-nothing: a refusal on one counter takes nothing from the others', async () => {
        const store = await makeStore();
        const a = counter(10);
        const b = counter(5);
        const c = counter(10);
        expect((await store.reserve({ id: 'r1', counters: [amount(a, 3), amount(b, 4)], leaseMs: 10_000 })).ok).toBe(true);
        const r = await store.reserve({ id: 'r2', counters: [amount(a, 3), amount(b, 3), amount(c, 1)], leaseMs: 10_000 });
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.refused).toBe(1);
        expect(r.states).toEqual([state(0, 3), state(0, 4), state(0, 0)]);
        expect(await store.peek([a, b, c])).toEqual([state(0, 3), state(0, 4), state(0, 0)]);
      });

      it('names the first counter without room', async () => {
        const store = await makeStore();
        const a = counter(1);
        const b = counter(1);
        const r = await store.reserve({ id: 'r1', counters: [amount(a, 2), amount(b, 2)], leaseMs: 10_000 });
        expect(r).toMatchObject({ ok: false, refused: 0 });
      });

      it('counts settled spend and live reservations against the limit', async () => {
        const store = await makeStore();
        const a = counter(10);
        await store.settle('s1', [amount(a, 6)]);
        await store.reserve({ id: 'r1', counters: [amount(a, 3)], leaseMs: 10_000 });
        expect((await store.reserve({ id: 'r2', counters: [amount(a, 2)], leaseMs: 10_000 })).ok).toBe(false);
        const r = await store.reserve({ id: 'r3', counters: [amount(a, 1)], leaseMs: 10_000 });
        expect(r).toEqual({ ok: true, states: [state(6, 4)] });
      });

      it('forgives float rounding at the cap (fits)', async () => {
        const store = await makeStore();
        const a = counter(0.3);
        for (const id of ['r1', 'r2', 'r3']) {
          expect((await store.reserve({ id, counters: [amount(a, 0.1)], leaseMs: 10_000 })).ok).toBe(true);
        }
        expect((await store.reserve({ id: 'r4', counters: [amount(a, 0.001)], leaseMs: 10_000 })).ok).toBe(false);
      });

      it('keeps fractional amounts exact enough (no integer truncation)', async () => {
        const store = await makeStore();
        const a = counter(1);
        await store.reserve({ id: 'r1', counters: [amount(a, 0.000123)], leaseMs: 10_000 });
        const [s] = await store.settle('r1', [amount(a, 0.000_045_678_9)]);
        expect(s!.spent).toBe(0.000_045_678_9);
        expect(s!.reserved).toBe(0);
        expect(await store.peek([a])).toEqual([{ spent: 0.000_045_678_9, reserved: 0 }]);
      });

      it('replaces the amount when the same id reserves the same counter again', async () => {
        const store = await makeStore();
        const a = counter(10);
        await store.reserve({ id: 'r1', counters: [amount(a, 4)], leaseMs: 10_000 });
        const r = await store.reserve({ id: 'r1', counters: [amount(a, 2)], leaseMs: 10_000 });
        expect(r).toEqual({ ok: true, states: [state(0, 2)] });
      });

      it('never lets concurrent reservations exceed the cap', async () => {
        const store = await makeStore();
        const a = counter(100);
        const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => store.reserve({ id: `r${i}`, counters: [amount(a, 1)], leaseMs: 10_000 })));
        expect(results.filter((r) => r.ok)).toHaveLength(100);
        expect(await store.peek([a])).toEqual([state(0, 100)]);
      });

      it('never lets concurrent multi-counter reservations exceed any cap', async () => {
        const store = await makeStore();
        const shared = counter(50);
        const own = Array.from({ length: 4 }, () => counter(20));
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) => store.reserve({ id: `r${i}`, counters: [amount(own[i % 4]!, 1), amount(shared, 1)], leaseMs: 10_000 })),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(50);
        const states = await store.peek([shared, ...own]);
        expect(states[0]).toEqual(state(0, 50));
        expect(states.slice(1).reduce((n, s) => n + s.reserved, 0)).toBeCloseTo(50, 9);
        for (const s of states.slice(1)) expect(s.reserved).toBeLessThanOrEqual(20);
      });
    });

    describe('leases', () => {
      it('drops a reservation when its lease expires, freeing the room', async () => {
        const store = await makeStore();
        const a = counter(5);
        expect((await store.reserve({ id: 'r1', counters: [amount(a, 5)], leaseMs: LEASE })).ok).toBe(true);
        expect((await store.reserve({ id: 'r2', counters: [amount(a, 1)], leaseMs: LEASE })).ok).toBe(false);
        await sleep(AFTER_LEASE);
        expect(await store.peek([a])).toEqual([state(0, 0)]);
        expect((await store.reserve({ id: 'r3', counters: [amount(a, 5)], leaseMs: 10_000 })).ok).toBe(true);
      });

      it('renew keeps a reservation past its first lease, and says true', async () => {
        const store = await makeStore();
        const a = counter(5);
        const b = counter(5);
        await store.reserve({ id: 'r1', counters: [amount(a, 2), amount(b, 3)], leaseMs: LEASE });
        expect(await store.renew('r1', [a, b], 10_000)).toBe(true);
        await sleep(AFTER_LEASE);
        expect(await store.peek([a, b])).toEqual([state(0, 2), state(0, 3)]);
      });

      it('renew says false once the lease has expired, and does not bring it back', async () => {
        const store = await makeStore();
        const a = counter(5);
        await store.reserve({ id: 'r1', counters: [amount(a, 2)], leaseMs: LEASE });
        await sleep(AFTER_LEASE);
        expect(await store.renew('r1', [a], 10_000)).toBe(false);
        expect(await store.peek([a])).toEqual([state(0, 0)]);
      });

      it('renew says false for an unknown id or counter', async () => {
        const store = await makeStore();
        const a = counter(5);
        await store.reserve({ id: 'r1', counters: [amount(a, 2)], leaseMs: 10_000 });
        expect(await store.renew('nope', [a], 10_000)).toBe(false);
        expect(await store.renew('r1', [a, counter(5)], 10_000)).toBe(false);
      });
    });

    describe('settle', () => {
      it('ends the reservation and adds the actual spend', async () => {
        const store = await makeStore();
        const a = counter(10);
        const b = counter(10);
        await store.reserve({ id: 'r1', counters: [amount(a, 5), amount(b, 5)], leaseMs: 10_000 });
        await store.reserve({ id: 'r2', counters: [amount(a, 1)], leaseMs: 10_000 });
        const states = await store.settle('r1', [amount(a, 2), amount(b, 7)]);
        expect(states).toEqual([state(2, 1), state(7, 0)]);
        expect(await store.peek([a, b])).toEqual([state(2, 1), state(7, 0)]);
      });

      it('counts the spend once when settled after the lease expired', async () => {
        const store = await makeStore();
        const a = counter(10);
        await store.reserve({ id: 'r1', counters: [amount(a, 5)], leaseMs: LEASE });
        await sleep(AFTER_LEASE);
        expect(await store.settle('r1', [amount(a, 4)])).toEqual([state(4, 0)]);
        expect(await store.peek([a])).toEqual([state(4, 0)]);
      });

      it('counts spend without a reservation (e.g. one the store lost)', async () => {
        const store = await makeStore();
        const a = counter(10);
        expect(await store.settle('unknown', [amount(a, 3)])).toEqual([state(3, 0)]);
      });

      it('spend over the limit is recorded, and later reservations are refused', async () => {
        const store = await makeStore();
        const a = counter(10);
        await store.reserve({ id: 'r1', counters: [amount(a, 5)], leaseMs: 10_000 });
        expect(await store.settle('r1', [amount(a, 12)])).toEqual([state(12, 0)]);
        expect((await store.reserve({ id: 'r2', counters: [amount(a, 0.5)], leaseMs: 10_000 })).ok).toBe(false);
      });
    });

    describe('release', () => {
      it('ends the reservation without spending', async () => {
        const store = await makeStore();
        const a = counter(10);
        const b = counter(10);
        await store.reserve({ id: 'r1', counters: [amount(a, 5), amount(b, 5)], leaseMs: 10_000 });
        await store.reserve({ id: 'r2', counters: [amount(a, 1)], leaseMs: 10_000 });
        await store.release('r1', [a, b]);
        expect(await store.peek([a, b])).toEqual([state(0, 1), state(0, 0)]);
        expect(await store.renew('r1', [a], 10_000)).toBe(false);
        // A settle after the release still counts its spend (once).
        expect(await store.settle('r1', [amount(a, 2)])).toEqual([state(2, 1)]);
      });

      it('is a no-op for unknown ids and counters', async () => {
        const store = await makeStore();
        const a = counter(10);
        await store.reserve({ id: 'r1', counters: [amount(a, 5)], leaseMs: 10_000 });
        await store.release('nope', [a, counter(10)]);
        expect(await store.peek([a])).toEqual([state(0, 5)]);
      });
    });

    describe('peek', () => {
      it('reads unknown counters as zero, without creating them', async () => {
        const store = await makeStore();
        const a = counter(10);
        const f = counter(10, { kind: 'fixed', start: Date.now(), end: Date.now() + 60_000 });
        const r = counter(10, { kind: 'rolling', sizeMs: 60_000, bucketMs: 1000 });
        expect(await store.peek([a, f, r])).toEqual([{ spent: 0, reserved: 0 }, { spent: 0, reserved: 0 }, { spent: 0, reserved: 0 }]);
        expect(await store.peek([])).toEqual([]);
      });
    });

    describe('windows', () => {
      it('fixed: each window key is its own counter, and a refusal waits for the window end', async () => {
        const store = await makeStore();
        const start = Date.now() - 1000;
        const w1: StoreWindow = { kind: 'fixed', start, end: start + 60_000 };
        const w2: StoreWindow = { kind: 'fixed', start: start + 60_000, end: start + 120_000 };
        const base = uniqueKey('f');
        const c1 = counter(5, w1, `${base}:${start}`);
        const c2 = counter(5, w2, `${base}:${start + 60_000}`);
        await store.settle('s1', [amount(c1, 5)]);
        const r = await store.reserve({ id: 'r1', counters: [amount(c1, 1)], leaseMs: 10_000 });
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.retryAfterMs).toBeGreaterThan(0);
        expect(r.retryAfterMs).toBeLessThanOrEqual(60_000);
        expect((await store.reserve({ id: 'r2', counters: [amount(c2, 5)], leaseMs: 10_000 })).ok).toBe(true);
        expect(await store.peek([c1, c2])).toEqual([state(5, 0), state(0, 5)]);
      });

      it('lifetime: spend accumulates and a refusal has no retry time', async () => {
        const store = await makeStore();
        const a = counter(5);
        await store.settle('s1', [amount(a, 3)]);
        await store.settle('s2', [amount(a, 2)]);
        const r = await store.reserve({ id: 'r1', counters: [amount(a, 1)], leaseMs: 10_000 });
        expect(r).toEqual({ ok: false, refused: 0, states: [state(5, 0)], retryAfterMs: undefined });
      });

      it('rolling: spend ages out bucket by bucket, and retryAfterMs says when enough has', async () => {
        const store = await makeStore();
        const a = counter(10, { kind: 'rolling', sizeMs: 400, bucketMs: 100 });
        await store.settle('s1', [amount(a, 6)]);
        await sleep(250); // a later bucket
        await store.settle('s2', [amount(a, 4)]);
        const small = await store.reserve({ id: 'r1', counters: [amount(a, 5)], leaseMs: 10_000 }); // needs the first bucket to age out
        const large = await store.reserve({ id: 'r2', counters: [amount(a, 8)], leaseMs: 10_000 }); // needs both
        const never = await store.reserve({ id: 'r3', counters: [amount(a, 11)], leaseMs: 10_000 }); // over the limit itself
        if (small.ok || large.ok || never.ok) throw new Error('expected refusals');
        expect(small.states).toEqual([state(10, 0)]);
        expect(small.retryAfterMs).toBeGreaterThan(0);
        expect(small.retryAfterMs).toBeLessThanOrEqual(500);
        expect(large.retryAfterMs).toBeGreaterThan(small.retryAfterMs!);
        expect(large.retryAfterMs).toBeLessThanOrEqual(500);
        expect(never.retryAfterMs).toBeUndefined();

        await sleep(small.retryAfterMs! + 50);
        expect(await store.peek([a])).toEqual([state(4, 0)]);
        expect((await store.reserve({ id: 'r4', counters: [amount(a, 5)], leaseMs: 10_000 })).ok).toBe(true);

        await sleep(600); // everything settled has aged out; the reservation is still held
        expect(await store.peek([a])).toEqual([state(0, 5)]);
      });

      it('rolling: settled spend goes to the current bucket even after the lease expired', async () => {
        const store = await makeStore();
        const a = counter(10, { kind: 'rolling', sizeMs: 60_000, bucketMs: 1000 });
        await store.reserve({ id: 'r1', counters: [amount(a, 3)], leaseMs: LEASE });
        await sleep(AFTER_LEASE);
        expect(await store.settle('r1', [amount(a, 2)])).toEqual([state(2, 0)]);
        expect(await store.peek([a])).toEqual([state(2, 0)]);
      });
    });
  });
}
