import { describe, expect, it } from 'vitest';
import { SwitchyardError } from '../../src/errors/switchyard-error.js';
import { createRedactor, createStreamRestorer, PIIBlockedError } from '../../src/pii/index.js';

const text = 'Mail jane@example.org or jane@example.org, call +44 20 7946 0958, card 4111 1111 1111 1111.';

describe('createRedactor actions', () => {
  it('placeholder: one value, one placeholder; restore round-trips', () => {
    const r = createRedactor();
    const { text: out, counts, session } = r.redact(text);
    expect(out).toBe('Mail <EMAIL_1> or <EMAIL_1>, call <PHONE_1>, card <CREDIT_CARD_1>.');
    expect(counts).toEqual({ email: 2, phone: 1, credit_card: 1 });
    expect(session.restore(out)).toBe(text);
  });

  it('placeholder: numbering is per type and consistent across the texts of one session', () => {
    const s = createRedactor().session();
    expect(s.redact('a@x.io b@x.io').text).toBe('<EMAIL_1> <EMAIL_2>');
    expect(s.redact('b@x.io then a@x.io').text).toBe('<EMAIL_2> then <EMAIL_1>');
    expect(s.counts).toEqual({ email: 4 });
    expect(s.size).toBe(2);
    // A new session starts over: placeholders mean nothing outside their call.
    const other = createRedactor().session();
    expect(other.restore('<EMAIL_1>')).toBe('<EMAIL_1>');
  });

  it('mask replaces with the type label and is not restored', () => {
    const r = createRedactor({ defaultAction: 'mask' });
    const { text: out, session } = r.redact(text);
    expect(out).toBe('Mail [EMAIL] or [EMAIL], call [PHONE], card [CREDIT_CARD].');
    expect(session.restore(out)).toBe(out);
  });

  it('hash is stable for a salt, differs across salts, and has the configured length', () => {
    const a = createRedactor({ actions: { email: 'hash' }, salt: 's1' });
    const b = createRedactor({ actions: { email: 'hash' }, salt: 's2' });
    const ha = a.redact('jane@example.org').text;
    expect(ha).toMatch(/^<EMAIL:[0-9a-f]{8}>$/);
    expect(a.redact('x jane@example.org').text).toBe(`x ${ha}`);
    expect(b.redact('jane@example.org').text).not.toBe(ha);
    expect(createRedactor({ actions: { email: 'hash' }, hashLength: 16 }).redact('jane@example.org').text).toMatch(/^<EMAIL:[0-9a-f]{16}>$/);
  });

  it('mixes actions per type', () => {
    const r = createRedactor({ actions: { email: 'mask', phone: 'hash' }, salt: 'x' });
    expect(r.redact(text).text).toMatch(/^Mail \[EMAIL\] or \[EMAIL\], call <PHONE:[0-9a-f]{8}>, card <CREDIT_CARD_1>\.$/);
  });

  it('block throws a typed error naming types and counts, never values, and changes nothing', () => {
    const s = createRedactor({ actions: { us_ssn: 'block', api_key: 'block' } }).session();
    let err: unknown;
    try {
      s.redact('me a@b.io, ssn 536-22-1234 and 536-22-1235, key AKIAIOSFODNN7EXAMPLE');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PIIBlockedError);
    expect(err).toBeInstanceOf(SwitchyardError);
    const e = err as PIIBlockedError;
    expect(e.code).toBe('pii_blocked');
    expect(e.types).toEqual(['api_key', 'us_ssn']);
    expect(e.counts).toEqual({ us_ssn: 2, api_key: 1 });
    const dump = `${e.message} ${JSON.stringify(e)} ${String(e.stack)}`;
    for (const v of ['536-22-1234', '536-22-1235', 'AKIAIOSFODNN7EXAMPLE', 'a@b.io']) expect(dump).not.toContain(v);
    expect(s.size).toBe(0);
    expect(s.counts).toEqual({});
  });

  it('rejects bad options', () => {
    expect(() => createRedactor({ defaultAction: 'drop' as 'mask' })).toThrow(/Unknown PII action/);
    expect(() => createRedactor({ actions: { email: 'nope' as 'mask' } })).toThrow(/for type email/);
    expect(() => createRedactor({ hashLength: 2 })).toThrow(/hashLength/);
  });

  it('keeps placeholder-shaped text the user wrote from restoring to someone else’s value', () => {
    const s = createRedactor().session();
    // Written before anything was issued: reserved, so the real email gets another number.
    const first = s.redact('template <EMAIL_1> for a@x.io');
    expect(first.text).toBe('template <EMAIL_1> for <EMAIL_2>');
    expect(s.restore(first.text)).toBe('template <EMAIL_1> for a@x.io');
    // Written after `<EMAIL_2>` was issued: the literal becomes an entity of its own.
    const second = s.redact('literal <EMAIL_2> and a@x.io');
    expect(second.text).not.toContain('<EMAIL_2> and');
    expect(s.restore(second.text)).toBe('literal <EMAIL_2> and a@x.io');
  });

  it('redacts and restores every string inside JSON-like values', () => {
    const s = createRedactor().session();
    const args = { to: ['a@x.io', 'b@x.io'], note: 'ip 10.0.0.1', n: 3, nested: { ok: true, who: 'a@x.io' } };
    const red = s.redactValue(args);
    expect(red).toEqual({ to: ['<EMAIL_1>', '<EMAIL_2>'], note: 'ip <IPV4_1>', n: 3, nested: { ok: true, who: '<EMAIL_1>' } });
    expect(s.restoreValue(red)).toEqual(args);
  });

  it('restoreJson keeps JSON valid when originals need escaping', () => {
    const s = createRedactor({ custom: [{ type: 'quote', pattern: /say "[^"\n]*"\\?/ }] }).session();
    s.redact('say "hi"\\');
    const json = JSON.stringify({ q: '<QUOTE_1>' });
    expect(JSON.parse(s.restoreJson(json))).toEqual({ q: 'say "hi"\\' });
    expect(() => JSON.parse(s.restore(json))).toThrow();
  });
});

describe('createStreamRestorer', () => {
  const session = () => {
    const s = createRedactor().session();
    s.redact('jane@example.org 10.0.0.1');
    return s;
  };

  it('holds back a placeholder split across chunks and emits the rest at once', () => {
    const r = createStreamRestorer(session());
    expect(r.push('Hi <EMA')).toBe('Hi ');
    expect(r.push('IL_1')).toBe('');
    expect(r.push('>, your IP is <IPV4_1> <')).toBe('jane@example.org, your IP is 10.0.0.1 ');
    expect(r.push('b>')).toBe('<b>');
    expect(r.push(' <EMAIL_9> <EMAIL_1')).toBe(' <EMAIL_9> ');
    expect(r.flush()).toBe('<EMAIL_1');
    expect(r.flush()).toBe('');
  });

  it('does not hold text that cannot start an issued placeholder', () => {
    const r = createStreamRestorer(session());
    expect(r.push('a < b and <div')).toBe('a < b and <div');
    expect(r.push('x <IPV6')).toBe('x <IPV6');
    expect(r.push('')).toBe('');
  });

  it('escapes originals in JSON mode', () => {
    const s = createRedactor({ custom: [{ type: 'name', pattern: /Jo "JJ" Doe/ }] }).session();
    s.redact('Jo "JJ" Doe');
    const r = createStreamRestorer(s, { json: true });
    const out = r.push('{"who":"<NA') + r.push('ME_1>"}') + r.flush();
    expect(JSON.parse(out)).toEqual({ who: 'Jo "JJ" Doe' });
  });
});
