import { describe, expect, it } from 'vitest';
import { detect } from '../../src/pii/index.js';
import type { BuiltinPiiType } from '../../src/pii/index.js';

const found = (text: string) => detect(text).map((s) => [s.type, s.value]);
const only = (type: BuiltinPiiType, text: string) => detect(text, { types: [type] }).map((s) => s.value);

describe('email', () => {
  it.each([
    ['write to john.doe+tag@example.co.uk today', 'john.doe+tag@example.co.uk'],
    ['(a_b@sub.domain.io)', 'a_b@sub.domain.io'],
    ['end of sentence x@y.com.', 'x@y.com'],
  ])('finds %j', (text, value) => expect(only('email', text)).toEqual([value]));
  it.each(['user@localhost', 'a..b@example.com', '@handle', 'foo@bar', 'name.@example.com'])('ignores %j', (text) =>
    expect(only('email', text)).toEqual([]),
  );
});

describe('credit_card', () => {
  it.each([
    ['4111 1111 1111 1111', 'Visa spaced'],
    ['4111-1111-1111-1111', 'Visa dashed'],
    ['5555555555554444', 'Mastercard'],
    ['2223000048400011', 'Mastercard 2-series'],
    ['378282246310005', 'Amex'],
    ['6011111111111117', 'Discover'],
    ['3530111333300000', 'JCB'],
  ])('finds %s (%s)', (card) => expect(only('credit_card', `pay with ${card} please`)).toEqual([card]));
  it.each([
    ['4111 1111 1111 1112', 'Luhn-invalid'],
    ['1234567812345670', 'Luhn-valid but no issuer'],
    ['4111 1111-1111 1111', 'mixed separators'],
    ['41111111111111110000', 'too long'],
    ['order 9000000000000009', 'order number'],
  ])('ignores %s (%s)', (text) => expect(only('credit_card', text)).toEqual([]));
});

describe('adjacent entities (regressions found by the property tests)', () => {
  it.each([
    ['(415) 555-2671 4111 1111 1111 1111', ['phone', 'credit_card']],
    ['order #12 378282246310005', ['credit_card']],
    ['4111 1111 1111 1111 2001:db8::8a2e:370:7334', ['credit_card', 'ipv6']],
    ['GB82WEST12345698765432 378282246310005', ['iban', 'credit_card']],
    ['536-22-1234 4111 1111 1111 1111', ['us_ssn', 'credit_card']],
    ['4111 1111 1111 1111 (415) 555-2671', ['credit_card', 'phone']],
  ])('%s', (text, types) => expect(detect(text).map((s) => s.type)).toEqual(types));
});

describe('us_ssn', () => {
  it('finds dashed and spaced SSNs in valid ranges', () => {
    expect(only('us_ssn', 'ssn 123-45-6788 and 536 22 1234')).toEqual(['123-45-6788', '536 22 1234']);
  });
  it('finds bare nine digits only when named', () => {
    expect(only('us_ssn', 'SSN: 536221234')).toEqual(['536221234']);
    expect(only('us_ssn', 'order 536221234')).toEqual([]);
  });
  it.each(['000-12-3456', '666-12-3456', '912-12-3456', '123-00-4567', '123-45-0000', '078-05-1120', '123-45-67890', '2024-01-15'])(
    'ignores %s',
    (text) => expect(only('us_ssn', text)).toEqual([]),
  );
});

describe('iban', () => {
  it.each(['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', 'GB82 WEST 1234 5698 7654 32', 'FR1420041010050500013M02606', 'NO9386011117947'])(
    'finds %s',
    (iban) => expect(only('iban', `IBAN: ${iban}, thanks`)).toEqual([iban]),
  );
  it('stops at the country length even when upper-case words follow', () => {
    expect(only('iban', 'DE89 3704 0044 0532 0130 00 OK')).toEqual(['DE89 3704 0044 0532 0130 00']);
  });
  it.each(['DE89 3704 0044 0532 0130 01', 'DE8937040044053201300', 'XX89370400440532013000', 'GB82WEST12345698765431'])(
    'ignores bad checksum or length %s',
    (text) => expect(found(text)).toEqual([]),
  );
});

describe('ip addresses', () => {
  it.each(['192.168.1.1', '10.0.0.255', '8.8.8.8'])('finds IPv4 %s', (ip) => expect(only('ipv4', `host ${ip}.`)).toEqual([ip]));
  it.each(['999.1.1.1', '256.0.0.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', 'v1.2.3.4', 'version 10.0.19041.1x'])('ignores %s', (t) =>
    expect(only('ipv4', t)).toEqual([]),
  );
  it.each(['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8::1', 'fe80::1ff:fe23:4567:890a', '::1', '::ffff:192.0.2.128', '2001:db8::'])(
    'finds IPv6 %s',
    (ip) => expect(only('ipv6', `addr ${ip} here`)).toEqual([ip]),
  );
  it.each(['std::vector<int>', 'Foo::Bar', '12:30:45', '00:1A:2B:3C:4D:5E', '1:2:3:4:5:6:7:8:9', '2001:db8::1::2', 'a::'])('ignores %s', (t) =>
    expect(only('ipv6', t)).toEqual([]),
  );
});

describe('phone', () => {
  it.each([
    ['+1 (415) 555-2671', 'US E.164'],
    ['+14155552671', 'E.164 bare'],
    ['(415) 555-2671', 'US national'],
    ['415.555.2671', 'US dotted'],
    ['1-415-555-2671', 'US with trunk 1'],
    ['+44 20 7946 0958', 'UK'],
    ['+44 (0)20 7946 0958', 'UK with (0)'],
    ['020 7946 0958', 'UK national'],
    ['07700 900123', 'UK mobile'],
    ['+49 30 12345678', 'DE'],
    ['030 12345678', 'DE national'],
    ['089/1234567', 'DE slash'],
    ['+33 6 12 34 56 78', 'FR'],
    ['06 12 34 56 78', 'FR national'],
    ['+91 98765 43210', 'IN'],
    ['98765 43210', 'IN national'],
    ['+55 11 91234-5678', 'BR'],
    ['(11) 91234-5678', 'BR national'],
    ['+81 3-1234-5678', 'JP'],
    ['090-1234-5678', 'JP mobile'],
    ['0049 30 12345678', '00 prefix'],
  ])('finds %s (%s)', (phone) => expect(only('phone', `call ${phone} now`)).toEqual([phone]));
  it('splits neighbouring numbers and skips a leading count', () => {
    expect(only('phone', 'room 12 415-555-2671 or 415-555-2672')).toEqual(['415-555-2671', '415-555-2672']);
  });
  it.each([
    ['2024-01-15', 'ISO date'],
    ['15.01.2024', 'EU date'],
    ['01/15/2024', 'US date'],
    ['10.0.19041.1', 'version'],
    ['4815162342', 'bare ten digits'],
    ['ORD-415-555-2671', 'order number'],
    ['123-456-7890', 'invalid area code'],
    ['+1 123 456 7890', 'invalid NANP'],
    ['+33 6 12 34 56', 'too short for FR'],
    ['0532 0130 01', 'account number with 0'],
    ['+123', 'too short'],
    ['192.168.100.200', 'IPv4'],
  ])('ignores %s (%s)', (text) => expect(only('phone', text)).toEqual([]));
});

describe('secrets', () => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  it.each([
    ['sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z_-Q7'],
    ['sk-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2n'],
    ['sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z-Ab3dEf6hIj9kLm2nOp5qRs8t'],
    ['AKIAIOSFODNN7EXAMPLE'],
    ['ASIAY34FZKBOKMUTVV7A'],
    ['ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
    ['github_pat_11ABCDEFG0abcdefghij12_klmnopqrstuvwxyz0123456789ABCDEFGHIJK'],
    ['xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
  ])('finds API key %s', (key) => expect(found(`key=${key};`)).toEqual([['api_key', key]]));
  it('finds a JWT and rejects look-alikes', () => {
    expect(found(`Authorization: Bearer ${jwt}`)).toEqual([['jwt', jwt]]);
    expect(found('eyJub3QiOiJqd3QifQ.eyJzdWIiOiIxIn0.abc')).toEqual([]); // header without alg
    expect(found('eyJhbGciOi.garbage!.x')).toEqual([]);
  });
  it('finds private-key blocks, closed or truncated', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----';
    expect(found(`key:\n${pem}\nbye`)).toEqual([['private_key', pem]]);
    const cut = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq';
    expect(found(cut)).toEqual([['private_key', cut]]);
    expect(found('-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----')).toEqual([]);
  });
  it('finds URLs with credentials', () => {
    expect(found('DATABASE_URL=postgres://admin:s3cr3t@db.internal:5432/app')).toEqual([['url_credentials', 'postgres://admin:s3cr3t@db.internal:5432']]);
    expect(found('see https://example.com/path?a=b:c')).toEqual([]);
  });
  it.each(['sk-this-is-not-a-real-key-at-all', 'AKIA1234', 'ghp_short', 'xoxb-nope'])('ignores %s', (t) => expect(found(t)).toEqual([]));
});

describe('hard negatives in one text', () => {
  it('touches none of them', () => {
    const text = [
      'UUID 550e8400-e29b-41d4-a716-446655440000',
      'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'commit 221b80f, version 2.14.3, build 20240115.1',
      'order #100234 part no. 8844-2231-00 SKU A1-2231-X',
      'on 2024-01-15 at 12:30:45, invoice 4111 1111 1111 1112',
      'IBAN DE00 3704 0044 0532 0130 00; ip 300.1.1.1; ssn 000-12-3456',
      'price 1,234,567.89 USD; ratio 3.14159265; port 8080',
    ].join('\n');
    expect(found(text)).toEqual([]);
  });
});

describe('offsets', () => {
  it('are UTF-16 indices, unshifted by emoji and non-Latin text', () => {
    const text = '👋🏽 Привет, 你好! 📧 ما هو بريدك? jane@example.org 👍 ☎ +44 20 7946 0958';
    const spans = detect(text);
    expect(spans.map((s) => s.type)).toEqual(['email', 'phone']);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.value);
    expect(spans[0]!.start).toBe(text.indexOf('jane@'));
  });
});
