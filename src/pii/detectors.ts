import type { BuiltinPiiType, DetectorFn, PiiSpan } from './types.js';
import { ibanValid, IBAN_LENGTHS, ipv4Valid, ipv6Valid, jwtValid, looksRandom, luhnValid, plausibleCardIin, ssnValid } from './validators.js';

// Every pattern is compiled once, anchored on a lookbehind so a match can only begin at the start of
// a run (no quadratic rescans of long words), and uses quantifiers that cannot split the same input
// two ways (no catastrophic backtracking). Patterns find candidates; validators decide.

function scan(re: RegExp, text: string, out: PiiSpan[], type: BuiltinPiiType, accept?: (m: RegExpExecArray) => PiiSpan | boolean): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const r = accept ? accept(m) : true;
    if (r === true) out.push({ type, start: m.index, end: m.index + m[0].length, value: m[0] });
    else if (r !== false) out.push(r);
  }
}

// --- email ------------------------------------------------------------------------------------

const EMAIL_RE = /(?<![\w.%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;

export const detectEmails: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  if (!text.includes('@')) return out;
  scan(EMAIL_RE, text, out, 'email', (m) => {
    let start = m.index;
    let value = m[0];
    // A sentence may run into the address (`...see.john@x.com`): drop leading dots.
    while (value[0] === '.') {
      value = value.slice(1);
      start++;
    }
    const at = value.indexOf('@');
    const local = value.slice(0, at);
    if (local.length === 0 || local.length > 64 || local.endsWith('.') || local.includes('..')) return false;
    return { type: 'email', start, end: start + value.length, value };
  });
  return out;
};

// --- payment cards ----------------------------------------------------------------------------

const PRINTED_GROUPING = /^(?:\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -])\d{6}\2\d{4,5})$/;
const CARD_RE = /(?<!\d)\d(?:[ -]?\d)*(?!\d)/g;

function cardDigits(raw: string): string | undefined {
  let digits = '';
  let sep = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === ' ' || c === '-') {
      if (sep !== '' && sep !== c) return undefined; // mixed separators: not how cards are written
      sep = c;
    } else digits += c;
  }
  return digits;
}

function cardValid(raw: string): boolean {
  const first = raw.charCodeAt(0);
  if (first < 50 || first > 54) return false; // every issuer range starts with 2–6
  const digits = cardDigits(raw);
  return digits !== undefined && digits.length >= 13 && digits.length <= 19 && plausibleCardIin(digits) && luhnValid(digits);
}

export const detectCreditCards: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  CARD_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CARD_RE.exec(text)) !== null) {
    const raw = m[0];
    if (raw.length < 13) continue;
    if (cardValid(raw)) {
      out.push({ type: 'credit_card', start: m.index, end: m.index + raw.length, value: raw });
      continue;
    }
    // A grouped run may hold a card between other numbers (`ref 12 4111 1111 1111 1111 04/27`):
    // try runs of whole groups, at most 19 wide; first those grouped the way cards are printed
    // (4-4-4-4[-3], Amex 4-6-5, Diners 4-6-4), so `…555-2671 4111 1111 1111 1111` is read right.
    const groups: Array<{ start: number; end: number }> = [];
    const groupRe = /\d+/g;
    let g: RegExpExecArray | null;
    while ((g = groupRe.exec(raw)) !== null) groups.push({ start: g.index, end: g.index + g[0].length });
    if (groups.length < 2) continue;
    const used = new Uint8Array(groups.length);
    const digitsBefore = new Uint32Array(groups.length + 1); // prefix sums: skip ranges of the wrong size cheaply
    for (let k = 0; k < groups.length; k++) digitsBefore[k + 1] = digitsBefore[k]! + groups[k]!.end - groups[k]!.start;
    const found: PiiSpan[] = [];
    for (const printed of [true, false]) {
      for (let i = 0; i < groups.length; i++) {
        if (used[i]) continue;
        for (let j = Math.min(groups.length - 1, i + 18); j >= i; j--) {
          const n = digitsBefore[j + 1]! - digitsBefore[i]!;
          if (n < 13 || n > 19) continue;
          let free = true;
          for (let k = i; k <= j && free; k++) if (used[k]) free = false;
          if (!free) continue;
          const sub = raw.slice(groups[i]!.start, groups[j]!.end);
          if (printed && !PRINTED_GROUPING.test(sub)) continue;
          // A dash binds tighter than a space: in `555-2671 4111 …` the 2671 belongs to the 555.
          if (sub.includes(' ') && (raw[groups[i]!.start - 1] === '-' || raw[groups[j]!.end] === '-')) continue;
          if (!cardValid(sub)) continue;
          for (let k = i; k <= j; k++) used[k] = 1;
          const a = m.index + groups[i]!.start;
          found.push({ type: 'credit_card', start: a, end: a + sub.length, value: sub });
          i = j;
          break;
        }
      }
    }
    found.sort((a, b) => a.start - b.start);
    for (const f of found) out.push(f);
  }
  return out;
};

// --- US SSN -----------------------------------------------------------------------------------

const SSN_RE = /(?<![\w-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\w-])/g;
// Nine bare digits are far more often an order or account number; accept them only when named.
const SSN_CONTEXT_RE = /\b(?:ssn|social security|soc\.? sec\.?|taxpayer id)\b[^\n\d]{0,20}$/i;

export const detectUsSsns: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  scan(SSN_RE, text, out, 'us_ssn', (m) => {
    if (!ssnValid(m[1]!, m[3]!, m[4]!)) return false;
    // Space-grouped digits inside a longer spaced run are something else (a card, an account).
    if (m[2] === ' ' && (/\d $/.test(text.slice(m.index - 2, m.index)) || /^ \d/.test(text.slice(m.index + 11, m.index + 13)))) return false;
    if (m[2] === '') return SSN_CONTEXT_RE.test(text.slice(Math.max(0, m.index - 40), m.index));
    return true;
  });
  return out;
};

// --- IBAN -------------------------------------------------------------------------------------

const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/g;

export const detectIbans: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  IBAN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = IBAN_RE.exec(text)) !== null) {
    const raw = m[0];
    const len = IBAN_LENGTHS[raw.slice(0, 2)];
    if (len === undefined) continue;
    // The pattern may run on into following upper-case words; cut at the country's length.
    let compact = '';
    let i = 0;
    for (; i < raw.length && compact.length < len; i++) if (raw[i] !== ' ') compact += raw[i];
    if (compact.length !== len) continue;
    const end = m.index + i;
    const next = text.charCodeAt(end);
    if ((next >= 48 && next <= 57) || (next >= 65 && next <= 90) || (next >= 97 && next <= 122)) continue;
    if (!ibanValid(compact)) continue;
    out.push({ type: 'iban', start: m.index, end, value: text.slice(m.index, end) });
    IBAN_RE.lastIndex = end;
  }
  return out;
};

// --- IP addresses -----------------------------------------------------------------------------

const IPV4_RE = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)/g;

export const detectIpv4: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  if (!text.includes('.')) return out;
  scan(IPV4_RE, text, out, 'ipv4', (m) => ipv4Valid(m[0]));
  return out;
};

// The lookahead demands two colons within the first ten characters, which every IPv6 text form has.
const IPV6_RE = /(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{2,45}(?![\w:])/g;

export const detectIpv6: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  if (!text.includes('::') && !/:[0-9A-Fa-f]{1,4}:/.test(text)) return out;
  scan(IPV6_RE, text, out, 'ipv6', (m) => {
    let value = m[0];
    while (value.endsWith('.')) value = value.slice(0, -1); // sentence end
    if (!ipv6Valid(value)) return false;
    // `::`, `a::` and the like are code (`Foo::`), not addresses; keep `::1` (loopback).
    const groups = value.split(':').filter((g) => g !== '').length;
    if (groups < 2 && value !== '::1') return false;
    return { type: 'ipv6', start: m.index, end: m.index + value.length, value };
  });
  return out;
};

// --- phone numbers ----------------------------------------------------------------------------

const PHONE_RE = /(?<![\w+.\/()-])(?:\+ ?|\()?\d[\d ().\/-]{5,24}\d(?!\w|[.\/-]\d)/g;
const IBAN_HEAD = /[A-Z]{2}\d{2} $/;
const DATE_LIKE = /^\d{1,4}([./-])\d{1,2}\1\d{1,4}$/;
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const NANP = /^[2-9]\d{2}[2-9]\d{6}$/;
const US_GROUPED = /^(?:1[-. ]?)?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}$/;
const IN_GROUPED = /^[6-9]\d{4} \d{5}$/;
const BR_GROUPED = /^\(\d{2}\) ?9?\d{4}[- ]?\d{4}$/;

function nationalOk(cc: string, nsn: string): boolean {
  switch (cc) {
    case '1':
      return NANP.test(nsn);
    case '44':
      return (nsn.length === 10 || nsn.length === 9) && nsn[0] !== '0';
    case '49':
      return nsn.length >= 6 && nsn.length <= 12 && nsn[0] !== '0';
    case '33':
      return nsn.length === 9 && nsn[0] !== '0';
    case '91':
      return nsn.length === 10 && nsn[0] !== '0';
    case '55':
      return (nsn.length === 10 || nsn.length === 11) && nsn[0] !== '0';
    case '81':
      return (nsn.length === 9 || nsn.length === 10) && nsn[0] !== '0';
    default:
      return true;
  }
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

const KNOWN_CC = ['1', '44', '49', '33', '91', '55', '81'];

/** Whether a candidate string is written like a phone number of one of the supported plans. */
export function phoneValid(s: string): boolean {
  if (s.includes('.') && /[-\/]/.test(s)) return false;
  if (DATE_LIKE.test(s) || DOTTED_QUAD.test(s)) return false;
  const open = s.indexOf('(');
  const close = s.indexOf(')');
  if ((open === -1) !== (close === -1) || close < open || s.indexOf('(', open + 1) !== -1 || s.indexOf(')', close + 1) !== -1) return false;
  const digits = s.replace(/\D/g, '');
  const intl = s[0] === '+' || (digits.startsWith('00') && digits[2] !== '0');
  if (intl) {
    const e164 = s[0] === '+' ? digits : digits.slice(2);
    if (e164.length < 8 || e164.length > 15 || e164[0] === '0') return false;
    for (const cc of KNOWN_CC) {
      if (e164.startsWith(cc)) {
        let nsn = e164.slice(cc.length);
        if (nsn[0] === '0' && s.includes('(0)')) nsn = nsn.slice(1); // `+44 (0)20 …`
        return nationalOk(cc, nsn);
      }
    }
    return true;
  }
  const bare = digits.length === s.length;
  if (digits[0] === '0') {
    if (digits[1] === '0') return false;
    // Trunk-prefixed national numbers (UK, DE, FR, JP, IN): written with separators, except the
    // mobile ranges commonly written bare (UK 07…, JP 070/080/090).
    if (bare) return digits.length === 11 && (digits[1] === '7' || /^0[789]0/.test(digits));
    // Subscriber numbers never start with 0; part and account numbers often do (`0532 0130 01`).
    const second = /^\(?0\d*\)?[ ./-]+(\d)/.exec(s);
    return second !== null && second[1] !== '0' && digits.length >= 9 && digits.length <= 12;
  }
  if (bare) return false;
  if (US_GROUPED.test(s)) return NANP.test(digits.length === 11 ? digits.slice(1) : digits) && (digits.length === 10 || digits[0] === '1');
  return IN_GROUPED.test(s) || BR_GROUPED.test(s);
}

export const detectPhones: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  PHONE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PHONE_RE.exec(text)) !== null) {
    const raw = m[0];
    // The digit groups of an IBAN that failed its checksum are not a phone number.
    if (IBAN_HEAD.test(text.slice(Math.max(0, m.index - 5), m.index))) continue;
    if (phoneValid(raw)) {
      out.push({ type: 'phone', start: m.index, end: m.index + raw.length, value: raw });
      continue;
    }
    // The candidate may have swallowed a neighbouring number across a space
    // (`room 12 555-123-4567`): try the runs of space-separated tokens, longest first.
    const tokens: Array<{ start: number; end: number }> = [];
    const tokRe = /[^ ]+/g;
    let t: RegExpExecArray | null;
    while ((t = tokRe.exec(raw)) !== null) tokens.push({ start: t.index, end: t.index + t[0].length });
    if (tokens.length < 2) continue;
    // Without a find, rescan the last groups: the candidate's length cap may have cut a number off.
    PHONE_RE.lastIndex = m.index + tokens[Math.max(1, tokens.length - 5)]!.start;
    let found = false;
    // No supported format has more than six groups or fewer than eight digits.
    for (let width = Math.min(tokens.length - 1, 6); width >= 1 && !found; width--) {
      for (let i = 0; i + width <= tokens.length; i++) {
        const a = tokens[i]!.start;
        const b = tokens[i + width - 1]!.end;
        const sub = raw.slice(a, b);
        if (countDigits(sub) < 8) continue;
        const first = sub.charCodeAt(0);
        const last = sub.charCodeAt(sub.length - 1);
        if (!((first >= 48 && first <= 57) || sub[0] === '+' || sub[0] === '(') || !(last >= 48 && last <= 57)) continue;
        if (phoneValid(sub)) {
          out.push({ type: 'phone', start: m.index + a, end: m.index + b, value: sub });
          PHONE_RE.lastIndex = m.index + b; // rescan what followed the sub-span
          found = true;
          break;
        }
      }
    }
  }
  return out;
};

// --- secrets ----------------------------------------------------------------------------------

const SK_RE = /(?<![\w-])sk-[A-Za-z0-9_-]{20,300}(?![\w-])/g;
const AWS_RE = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;
const GITHUB_RE = /(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?!\w)/g;
const SLACK_RE = /(?<![\w-])xox[abprs]-[A-Za-z0-9-]{10,250}(?![\w-])/g;

/** OpenAI (`sk-`, `sk-proj-`), Anthropic (`sk-ant-`), AWS access key ids, GitHub and Slack tokens. */
export const detectApiKeys: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  if (text.includes('sk-')) {
    scan(SK_RE, text, out, 'api_key', (m) => {
      const body = m[0].replace(/^sk-(?:ant-(?:api|admin)\d{2}-|ant-|proj-|svcacct-|admin-)?/, '');
      return body.length >= 20 && looksRandom(body);
    });
  }
  if (text.includes('AKIA') || text.includes('ASIA')) scan(AWS_RE, text, out, 'api_key');
  if (text.includes('gh') || text.includes('github_pat_')) scan(GITHUB_RE, text, out, 'api_key', (m) => looksRandom(m[0].slice(4)));
  if (text.includes('xox')) scan(SLACK_RE, text, out, 'api_key', (m) => looksRandom(m[0].slice(5)));
  if (out.length > 1) out.sort((a, b) => a.start - b.start);
  return out;
};

const JWT_RE = /(?<![\w-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

export const detectJwts: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  if (!text.includes('eyJ')) return out;
  scan(JWT_RE, text, out, 'jwt', (m) => jwtValid(m[0]));
  return out;
};

// A block cut short (a truncated paste) is still a key: take the base64 body that follows.
const PEM_RE = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|[A-Za-z0-9+\/=\s:,\\]*)/g;

export const detectPrivateKeys: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  if (!text.includes('PRIVATE KEY-----')) return out;
  scan(PEM_RE, text, out, 'private_key');
  return out;
};

const URL_CRED_RE = /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s\/?#@:"'<>]+:[^\s\/?#@"'<>]+@[A-Za-z0-9.-]*[A-Za-z0-9](?::\d{1,5})?/g;

export const detectUrlCredentials: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  if (!text.includes('://')) return out;
  scan(URL_CRED_RE, text, out, 'url_credentials');
  return out;
};

/** Built-in detectors and their specificity (breaks ties between overlapping spans of equal length). */
export const BUILTIN_DETECTORS: Readonly<Record<BuiltinPiiType, { detect: DetectorFn; priority: number }>> = {
  private_key: { detect: detectPrivateKeys, priority: 100 },
  jwt: { detect: detectJwts, priority: 95 },
  api_key: { detect: detectApiKeys, priority: 90 },
  url_credentials: { detect: detectUrlCredentials, priority: 85 },
  iban: { detect: detectIbans, priority: 70 },
  credit_card: { detect: detectCreditCards, priority: 65 },
  email: { detect: detectEmails, priority: 60 },
  us_ssn: { detect: detectUsSsns, priority: 55 },
  ipv6: { detect: detectIpv6, priority: 50 },
  ipv4: { detect: detectIpv4, priority: 45 },
  phone: { detect: detectPhones, priority: 30 },
};

export const BUILTIN_PII_TYPES = Object.keys(BUILTIN_DETECTORS) as BuiltinPiiType[];
