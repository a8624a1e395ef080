import { beforeAll, describe, expect, it } from 'vitest';
import { corpus, ENTITY_TYPES, type EntityType } from '../../bench/pii/corpus/index.js';
import { evaluate, keptByDiff, scoreDocument, type QualityReport } from '../../bench/pii/evaluate.js';
import { switchyard } from '../../bench/pii/switchyard.js';

// switchyard (only) over the labelled corpus in bench/pii/corpus: every built-in type validates what
// it finds (checksums, number plans, ranges, structure), so every type must meet the bar. No timings.
const MAX_LEAK_RATE = 0.01;
const MIN_F1 = 0.95;
/** Hard negatives (Luhn-invalid numbers, bad IBANs, versions, UUIDs, …) a type may touch: 1% of them, at least 1. */
const negativeTolerance = (n: number): number => Math.max(1, Math.floor(n * 0.01));

let report: QualityReport;

beforeAll(async () => {
  report = await evaluate(switchyard(), corpus());
});

describe('the corpus', () => {
  it('is big enough to mean something', () => {
    const docs = corpus();
    expect(docs.length).toBeGreaterThanOrEqual(500);
    for (const t of ENTITY_TYPES) expect(report.perType[t].positives, t).toBeGreaterThanOrEqual(50);
    expect(report.negatives.total).toBeGreaterThanOrEqual(300);
  });
});

describe('switchyard on the corpus', () => {
  it.each(ENTITY_TYPES.map((t) => [t]))('%s: leak rate < 1%, F1 > 0.95, hard negatives untouched', (type: EntityType) => {
    const s = report.perType[type];
    const misses = report.misses.filter((m) => m.type === type).map((m) => `${m.doc}: ${m.value}`);
    expect(s.leakRate, `leaked: ${misses.join(', ')}`).toBeLessThan(MAX_LEAK_RATE);
    expect(s.f1, type).toBeGreaterThan(MIN_F1);
    const touched = report.touched.filter((t) => t.looksLike === type).map((t) => `${t.doc}: ${t.category} ${t.value}`);
    expect(s.negativesTouched, `touched: ${touched.join(', ')}`).toBeLessThanOrEqual(negativeTolerance(s.negatives));
  });

  it('leaves ordinary text alone', () => {
    expect(report.destroyed.map((d) => `${d.doc}: ${d.text}`)).toEqual([]);
  });
});

describe('the scoring', () => {
  it('keeps exactly what a minimal diff keeps', () => {
    expect([...keptByDiff([1, 2, 3, 4, 5], [1, 9, 3, 4, 8])]).toEqual([1, 0, 1, 1, 0]);
    expect([...keptByDiff([1, 2, 3], [])]).toEqual([0, 0, 0]);
    expect([...keptByDiff([1, 2, 3], [4, 1, 2, 3, 5])]).toEqual([1, 1, 1]);
  });

  it('can fail: a redactor that leaks, over-redacts and touches hard negatives scores badly', () => {
    const doc = corpus().find((d) => d.entities.length >= 2 && d.negatives.length >= 1)!;
    // Leave the first entity, redact the others, destroy a hard negative and a word of ordinary text.
    let out = doc.text;
    for (const e of doc.entities.slice(1)) out = out.replace(e.value, '<X>');
    out = out.replace(doc.negatives[0]!.value, '<N>');
    const r = scoreDocument(doc, out);
    expect(r.caught[0]).toBe(false);
    expect(r.caught.slice(1).every(Boolean)).toBe(true);
    expect(r.touched[0]).toBe(true);
    // An unchanged document: nothing caught, nothing touched, nothing destroyed.
    const same = scoreDocument(doc, doc.text);
    expect(same.caught.some(Boolean)).toBe(false);
    expect(same.runs).toEqual([]);
  });
});
