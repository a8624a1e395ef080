// Checks that turn pattern matches into validated entities. Each is pure and allocation-light.

/** Luhn checksum over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Whether a card number's issuer prefix (IIN) and length belong to a real scheme: Visa, Mastercard,
 * Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir. Luhn alone accepts one in ten random numbers.
 */
export function plausibleCardIin(digits: string): boolean {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === '4') return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // Amex
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) return n >= 16 && n <= 19; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19; // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) return n >= 14 && n <= 19; // Diners
  if (p4 >= 2200 && p4 <= 2204) return n >= 16 && n <= 19; // Mir
  if (p2 === 62) return n >= 16 && n <= 19; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 58) || p2 === 67 || p2 === 63) return n >= 12 && n <= 19; // Maestro
  return false;
}

/** US SSN ranges the SSA never issues, plus the numbers famously misused in advertising. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  const whole = area + group + serial;
  return whole !== '078051120' && whole !== '219099999' && whole !== '123456789';
}

/** IBAN length per country (SWIFT IBAN registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 13616 mod-97 check over a compact, upper-case IBAN. */
export function ibanValid(compact: string): boolean {
  const expected = IBAN_LENGTHS[compact.slice(0, 2)];
  if (expected === undefined || compact.length !== expected) return false;
  let rem = 0;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** Dotted quad with octets 0–255 and no leading zeros (`010` reads as octal to some parsers). */
export function ipv4Valid(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return false;
    if (p.length > 1 && p[0] === '0') return false;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    if (Number(p) > 255) return false;
  }
  return true;
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/**
 * Groups in `s[from, to)`, one side of an IPv6 address (an IPv4 tail counts two), or -1 when
 * malformed: every group 1–4 hex digits.
 */
function ipv6Groups(s: string, from: number, to: number, allowV4Tail: boolean): number {
  if (from === to) return 0;
  let n = 0;
  let g = from;
  for (let i = from; i <= to; i++) {
    if (i < to && s.charCodeAt(i) !== 58) continue;
    const len = i - g;
    if (allowV4Tail && i === to && s.indexOf('.', g) !== -1 && s.indexOf('.', g) < to) {
      if (!ipv4Valid(s.slice(g, to))) return -1;
      return n + 2;
    }
    if (len < 1 || len > 4) return -1;
    for (let k = g; k < i; k++) if (!isHex(s.charCodeAt(k))) return -1;
    n++;
    g = i + 1;
  }
  return n;
}

/** RFC 4291 text forms: eight groups, one `::` compression at most, optional embedded IPv4 tail. */
export function ipv6Valid(s: string): boolean {
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return false;
  if (dbl === -1) return ipv6Groups(s, 0, s.length, true) === 8;
  const head = ipv6Groups(s, 0, dbl, false);
  const tail = ipv6Groups(s, dbl + 2, s.length, true);
  return head >= 0 && tail >= 0 && head + tail <= 7;
}

function base64UrlDecode(s: string): string | undefined {
  if (s.length % 4 === 1) return undefined;
  const b64 = s.includes('-') || s.includes('_') ? s.replace(/-/g, '+').replace(/_/g, '/') : s;
  try {
    return atob(s.length % 4 === 0 ? b64 : b64 + '='.repeat(4 - (s.length % 4)));
  } catch {
    return undefined;
  }
}

/** A JWT's header decodes to a JSON object with an `alg`; its payload decodes to JSON too. */
export function jwtValid(token: string): boolean {
  const d1 = token.indexOf('.');
  if (d1 <= 0) return false;
  const d2 = token.indexOf('.', d1 + 1);
  const h = token.slice(0, d1);
  const p = token.slice(d1 + 1, d2 === -1 ? undefined : d2);
  if (p.length === 0) return false;
  const header = base64UrlDecode(h);
  if (header === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(header);
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { alg?: unknown }).alg !== 'string') return false;
    const payload = base64UrlDecode(p);
    if (payload === undefined) return false;
    JSON.parse(payload);
    return true;
  } catch {
    return false;
  }
}

/**
 * Secrets are random: require letters and a second kind of character (digits, or both cases), each
 * more than once, so prose like `sk-not-a-real-key-here` is left alone.
 */
export function looksRandom(s: string): boolean {
  let upper = 0;
  let lower = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
  }
  if (upper + lower < 4) return false;
  return digits >= 2 || (upper >= 2 && lower >= 2 && s.length >= 20);
}
