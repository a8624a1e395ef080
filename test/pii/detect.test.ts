import { describe, expect, it } from 'vitest';
import { createDetector, detect } from '../../src/pii/index.js';

describe('detect', () => {
  it('resolves overlaps: the longest span wins, then the most specific', () => {
    // The email detector sees `pa@db.example.com` inside the URL; the URL is longer.
    expect(detect('x https://user:pa@db.example.com y').map((s) => s.type)).toEqual(['url_credentials']);
    // Equal spans: the custom detector (priority 75) beats phone (30) but loses to priority 10 below it.
    const text = 'ref 415-555-2671';
    expect(detect(text, { custom: [{ type: 'ticket', pattern: /\d{3}-\d{3}-\d{4}/ }] })[0]!.type).toBe('ticket');
    expect(detect(text, { custom: [{ type: 'ticket', pattern: /\d{3}-\d{3}-\d{4}/, priority: 10 }] })[0]!.type).toBe('phone');
  });

  it('returns sorted, non-overlapping spans', () => {
    const text = 'a@b.io 4111111111111111 c@d.io 10.0.0.1 a@b.io';
    const spans = detect(text);
    expect(spans.map((s) => s.type)).toEqual(['email', 'credit_card', 'email', 'ipv4', 'email']);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('runs only the enabled built-in types', () => {
    expect(detect('a@b.io 10.0.0.1', { types: ['ipv4'] }).map((s) => s.value)).toEqual(['10.0.0.1']);
    expect(() => detect('x', { types: ['nope' as 'email'] })).toThrow(/Unknown PII type "nope"/);
  });

  it('supports custom detectors as a RegExp (with validation) or a function', () => {
    const options = {
      custom: [
        { type: 'employee_id', pattern: /\bEMP-\d{6}\b/, validate: (v: string) => !v.endsWith('000000') },
        { type: 'codename', detect: (t: string) => { const i = t.indexOf('Bluebird'); return i < 0 ? [] : [{ start: i, end: i + 8 }]; } },
      ],
    };
    expect(detect('EMP-123456, EMP-000000 and Bluebird', options).map((s) => [s.type, s.value])).toEqual([
      ['employee_id', 'EMP-123456'],
      ['codename', 'Bluebird'],
    ]);
  });

  it('survives empty-matching patterns, bad ranges and bad type names', () => {
    expect(detect('abc', { custom: [{ type: 'empty', pattern: /x*/ }] })).toEqual([]);
    expect(detect('abc', { custom: [{ type: 'bad', detect: () => [{ start: 2, end: 1 }, { start: 0, end: 99 }] }] })).toEqual([]);
    expect(() => createDetector({ custom: [{ type: 'Bad Name', pattern: /x/ }] })).toThrow(/lower_snake_case/);
  });

  it('never reports allow-listed values (exact strings or RegExps)', () => {
    const allow = ['support@acme.com', /@example\.(com|org)$/, /^127\./];
    const spans = detect('support@acme.com, jane@example.org, bob@corp.io, 127.0.0.1, 10.1.1.1', { allow });
    expect(spans.map((s) => s.value)).toEqual(['bob@corp.io', '10.1.1.1']);
    // A global RegExp in the allow-list carries no lastIndex state between values.
    const g = { allow: [/@example\.com$/g] };
    expect(detect('a@example.com b@example.com', g)).toEqual([]);
  });

  it('stays linear on adversarial input', () => {
    const inputs = ['a'.repeat(200_000), '1 '.repeat(100_000), ':'.repeat(200_000), 'a.'.repeat(100_000) + '@', '-'.repeat(200_000), 'eyJ'.repeat(50_000), '+1'.repeat(100_000)];
    for (const text of inputs) {
      const t0 = performance.now();
      detect(text);
      expect(performance.now() - t0).toBeLessThan(1_000);
    }
  });
});
