import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor, createStreamRestorer, type RedactionSession } from '../../src/pii/index.js';

// Entities the detectors must find, each a realistic value of its type.
const ENTITIES = [
  'jane.doe@example.org',
  'ops+alerts@mail.acme.io',
  '4111 1111 1111 1111',
  '378282246310005',
  '536-22-1234',
  'DE89 3704 0044 0532 0130 00',
  'GB82WEST12345698765432',
  '192.168.10.20',
  '2001:db8::8a2e:370:7334',
  '+44 20 7946 0958',
  '(415) 555-2671',
  '+49 30 12345678',
  'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z',
  'AKIAIOSFODNN7EXAMPLE',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'xoxb-123456789012-AbCdEfGhIjKl',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
  'postgres://admin:s3cr3t@db.internal:5432',
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----',
];

// Filler that cannot merge with an entity: words, emoji, non-Latin text, punctuation, short numbers.
const FILLER = ['hello', 'Привет', '你好', 'مرحبا', '👋🏽', '📧', '🚀', 'order #12', 'v2.1', 'ok.', 'and', '—', '"quoted"', '<b>', 'a < b', 'x:y', '\n', 'tab\t'];

const plantedText = fc
  .array(fc.oneof(fc.constantFrom(...FILLER), fc.constantFrom(...ENTITIES).map((e) => ({ e }))), { maxLength: 25 })
  .map((parts) => {
    const planted: string[] = [];
    const text = parts
      .map((p) => {
        if (typeof p === 'string') return p;
        planted.push(p.e);
        return p.e;
      })
      .join(' ');
    return { text, planted };
  });

/** Splits `s` at the given sorted cut points. */
function chunk(s: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (s.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(s.slice(prev, p));
    prev = p;
  }
  out.push(s.slice(prev));
  return out;
}

function streamed(session: RedactionSession, chunks: string[], json = false): string {
  const r = createStreamRestorer(session, { json });
  let out = '';
  for (const c of chunks) out += r.push(c);
  return out + r.flush();
}

describe('redaction properties', () => {
  const redactor = createRedactor();

  it('leaves no planted original verbatim and counts every one of them', () => {
    fc.assert(
      fc.property(plantedText, ({ text, planted }) => {
        const { text: out, counts } = redactor.redact(text);
        for (const v of planted) expect(out).not.toContain(v);
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(planted.length);
      }),
      { numRuns: 300 },
    );
  });

  it('masks and hashes leave no original either', () => {
    const mask = createRedactor({ defaultAction: 'mask' });
    const hash = createRedactor({ defaultAction: 'hash', salt: 'p' });
    fc.assert(
      fc.property(plantedText, ({ text, planted }) => {
        const a = mask.redact(text).text;
        const b = hash.redact(text).text;
        for (const v of planted) {
          expect(a).not.toContain(v);
          expect(b).not.toContain(v);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('restore(redact(x)) === x, for planted texts and arbitrary strings', () => {
    fc.assert(
      fc.property(plantedText, ({ text }) => {
        const { text: out, session } = redactor.redact(text);
        expect(session.restore(out)).toBe(text);
      }),
      { numRuns: 300 },
    );
    // Arbitrary text, including placeholder-shaped literals the user typed themselves.
    const literal = fc.constantFrom('<EMAIL_1>', '<EMAIL_2>', '<PHONE_1>', '<EMAIL_', 'a@b.io', ' ', '<', '>');
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), literal), { maxLength: 12 }), fc.array(fc.oneof(fc.string(), literal), { maxLength: 12 }), (a, b) => {
        const s = redactor.session();
        const x = a.join(''), y = b.join('');
        const rx = s.redact(x).text;
        const ry = s.redact(y).text;
        expect(s.restore(rx)).toBe(x);
        expect(s.restore(ry)).toBe(y);
      }),
      { numRuns: 300 },
    );
  });

  it('the stream restorer over random chunk boundaries yields exactly the restored full text', () => {
    fc.assert(
      fc.property(plantedText, fc.array(fc.nat(), { maxLength: 30 }), fc.constantFrom('', '<', '<EMAIL_', '<EMAIL_1'), ({ text }, cuts, tail) => {
        const { text: redacted, session } = redactor.redact(text);
        // A "model answer": the redacted text, partly echoed, with a possibly unfinished placeholder at the end.
        const answer = `${redacted} so ${redacted.slice(0, redacted.length >> 1)}${tail}`;
        expect(streamed(session, chunk(answer, cuts))).toBe(session.restore(answer));
      }),
      { numRuns: 300 },
    );
  });

  it('tool-call argument JSON stays parseable after restore, streamed or whole', () => {
    const quoteish = createRedactor({ custom: [{ type: 'quote', pattern: /Q"[^"\n]*"\\?/ }] });
    fc.assert(
      fc.property(plantedText, fc.array(fc.nat(), { maxLength: 20 }), fc.string(), ({ text, planted }, cuts, extra) => {
        const original = { note: text, extra: `Q"${extra.replace(/["\n]/g, '')}"\\`, list: planted };
        const s = quoteish.session();
        const redactedArgs = s.redactValue(original);
        const json = JSON.stringify(redactedArgs);
        for (const v of planted) expect(json).not.toContain(JSON.stringify(v).slice(1, -1));
        expect(JSON.parse(s.restoreJson(json))).toEqual(original);
        expect(JSON.parse(streamed(s, chunk(json, cuts), true))).toEqual(original);
      }),
      { numRuns: 200 },
    );
  });
});
