import type { BuiltinPiiType, DetectorFn, PiiSpan } from './types.js';
import { ibanValid, IBAN_LENGTHS, ipv6Valid, jwtValid, looksRandom, luhnValid, plausibleCardIin, ssnValid } from './validators.js';

// Detectors are scanners. The digit-driven types (cards, phones, SSNs, IPv4, IBANs) work from one
// list of the text's digit runs; the others start from their trigger (`@`, `:`, `://`, `sk-`, `eyJ`,
// `PRIVATE KEY`) found with indexOf and match a sticky pattern there. No pattern walks the whole
// text, none can backtrack badly, and strings are only cut for candidates that pass the cheap
// checks. Patterns find candidates; validators decide.

// --- character classes ------------------------------------------------------------------------

const C_DIGIT = 1;
const C_UPPER = 2;
const C_LOWER = 4;
const C_UNDERSCORE = 8;
const C_HEX = 16;
const C_WORD = C_DIGIT | C_UPPER | C_LOWER | C_UNDERSCORE; // what `\w` means without the u flag
const CLS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLS[c] = C_DIGIT | C_HEX;
for (let c = 65; c <= 90; c++) CLS[c] = C_UPPER | (c <= 70 ? C_HEX : 0);
for (let c = 97; c <= 122; c++) CLS[c] = C_LOWER | (c <= 102 ? C_HEX : 0);
CLS[95] = C_UNDERSCORE;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWord = (c: number): boolean => c < 128 && (CLS[c]! & C_WORD) !== 0;
const isAlnum = (c: number): boolean => c < 128 && (CLS[c]! & (C_DIGIT | C_UPPER | C_LOWER)) !== 0;
const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const isLetter = (c: number): boolean => c < 128 && (CLS[c]! & (C_UPPER | C_LOWER)) !== 0;

function scan(re: RegExp, text: string, out: PiiSpan[], type: BuiltinPiiType, accept?: (m: RegExpExecArray) => PiiSpan | boolean): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const r = accept ? accept(m) : true;
    if (r === true) out.push({ type, start: m.index, end: m.index + m[0].length, value: m[0] });
    else if (r !== false) out.push(r);
  }
}

/**
 * The digit runs of a text as [start, end) pairs, found in one pass. The detectors for cards, phone
 * numbers, SSNs and IPv4 addresses work from these instead of each scanning the text again;
 * `createDetector` computes them once per text and hands them to all of them.
 */
export interface DigitRuns {
  readonly text: string;
  /** start, end, start, end, … */
  readonly runs: readonly number[];
  readonly count: number;
}

// A digit run not glued to a letter or `_` before it. Digits right after a letter (`v2`, `9f86d08`,
// base64, hex ids, `GB82WEST…`) never start a card, phone number, SSN or IPv4 address, so the
// regex engine skips them (IBANs find their own starts, see detectIbans).
const DIGITS_RE = /(?:^|[^A-Za-z0-9_])[0-9]+/g;

export function digitRuns(text: string): DigitRuns {
  const runs: number[] = [];
  DIGITS_RE.lastIndex = 0;
  // test() moves lastIndex to the end of the next run without allocating a match.
  while (DIGITS_RE.test(text)) {
    const e = DIGITS_RE.lastIndex;
    let s = e - 1;
    while (s > 0 && isDigit(text.charCodeAt(s - 1))) s--;
    runs.push(s, e);
  }
  return { text, runs, count: runs.length >> 1 };
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * When `pos` lies inside an IBAN-shaped run (`DE89 3704 0044 …`, checksum valid or not), the end of
 * that run, else -1. Its digit groups are an account number, never a card or a phone number.
 */
function ibanExtentEnd(text: string, pos: number): number {
  const n = text.length;
  const min = Math.max(0, pos - 40);
  let p = pos;
  while (p > min) {
    const c = text.charCodeAt(p - 1);
    if (c === 32 || isDigit(c) || isUpper(c)) p--;
    else break;
  }
  for (let q = p; q + 3 < n && q <= pos; q++) {
    if (q === p ? q > 0 && isAlnum(text.charCodeAt(q - 1)) : text.charCodeAt(q - 1) !== 32) continue;
    if (!(isUpper(text.charCodeAt(q)) && isUpper(text.charCodeAt(q + 1)) && isDigit(text.charCodeAt(q + 2)) && isDigit(text.charCodeAt(q + 3)))) continue;
    const len = IBAN_LENGTHS[text.slice(q, q + 2)];
    if (len === undefined) continue;
    let r = q;
    let count = 0;
    while (r < n && count < len) {
      const c = text.charCodeAt(r);
      if (isUpper(c) || isDigit(c)) {
        count++;
        r++;
      } else if (c === 32 && r > q && r + 1 < n && (isUpper(text.charCodeAt(r + 1)) || isDigit(text.charCodeAt(r + 1)))) r++;
      else break;
    }
    if (count === len && r > pos) return r;
  }
  return -1;
}

// --- email ------------------------------------------------------------------------------------

// Local part: [A-Za-z0-9._%+-]. Domain: dot-separated labels of [A-Za-z0-9-] and a letters-only TLD.
const LOCAL = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45) LOCAL[c] = 1;
const isLocal = (c: number): boolean => c < 128 && LOCAL[c] === 1;

// `logo@2x.png` is an image asset, not an address: no TLD is a file extension.
const FILE_TLDS = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'avif', 'ico', 'bmp', 'tif', 'tiff', 'pdf']);
const FILE_TLD_FIRST = 'pjgswaibt';

/** End of the longest valid domain starting at `a` (labels, then a letters-only TLD), or -1. */
function emailDomainEnd(text: string, a: number): number {
  const n = text.length;
  let pos = a;
  let labels = 0;
  let best = -1;
  while (pos < n) {
    const c0 = text.charCodeAt(pos);
    if (!isAlnum(c0)) break;
    let q = pos + 1;
    let letters = isLetter(c0);
    for (; q < n; q++) {
      const c = text.charCodeAt(q);
      if (isAlnum(c)) {
        if (letters && !isLetter(c)) letters = false;
      } else if (c === 45) letters = false;
      else break;
    }
    const len = q - pos;
    if (len > 63 || text.charCodeAt(q - 1) === 45) break; // a label never ends with '-'
    const next = q < n ? text.charCodeAt(q) : -1;
    if (labels >= 1 && letters && len >= 2 && len <= 24 && next !== 95) best = q;
    labels++;
    if (next === 46) pos = q + 1;
    else break;
  }
  return best;
}

export const detectEmails: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  let at = text.indexOf('@');
  while (at !== -1) {
    let next = at + 1;
    let s = at;
    while (s > 0 && isLocal(text.charCodeAt(s - 1))) s--;
    // A sentence may run into the address (`...see.john@x.com`): drop leading dots.
    while (s < at && text.charCodeAt(s) === 46) s++;
    const localLen = at - s;
    if (localLen > 0 && localLen <= 64 && text.charCodeAt(at - 1) !== 46) {
      const end = emailDomainEnd(text, at + 1);
      if (end !== -1) {
        let doubleDot = false;
        for (let i = s + 1; i < at && !doubleDot; i++) if (text.charCodeAt(i) === 46 && text.charCodeAt(i - 1) === 46) doubleDot = true;
        const tldLen = end - text.lastIndexOf('.', end - 1) - 1;
        const fileTld = tldLen >= 3 && tldLen <= 4 && FILE_TLD_FIRST.includes(text[end - tldLen]!.toLowerCase()) && FILE_TLDS.has(text.slice(end - tldLen, end).toLowerCase());
        // `git@github.com:org/repo.git` is a repository address, not a mailbox; `ssh://git@host/…`
        // is a URL's user name (with a password it is url_credentials).
        const scpRemote = at - s === 3 && text.startsWith('git', s) && text.charCodeAt(end) === 58;
        const userInfo = s >= 3 && text.startsWith('://', s - 3);
        if (!doubleDot && !fileTld && !scpRemote && !userInfo) {
          out.push({ type: 'email', start: s, end, value: text.slice(s, end) });
          next = end;
        }
      }
    }
    at = text.indexOf('@', next);
  }
  return out;
};

// --- payment cards ----------------------------------------------------------------------------

function cardValid(digits: string): boolean {
  const first = digits.charCodeAt(0);
  if (first < 50 || first > 54) return false; // every issuer range starts with 2–6
  return digits.length >= 13 && digits.length <= 19 && plausibleCardIin(digits) && luhnValid(digits);
}

/**
 * How card numbers are printed: contiguous, in fours (the last group shorter: 4-4-4-4-3, 4-4-4-1),
 * or Amex / Diners 4-6-5 / 4-6-4, 4-4-5. `302-4417785-9981324` (an order number) is none of these.
 */
function printedGrouping(len: ArrayLike<number>, from: number, to: number): boolean {
  const k = to - from + 1;
  if (k === 1) return true;
  if (k === 3) {
    const a = len[from]!;
    const b = len[from + 1]!;
    const c = len[from + 2]!;
    if (a === 4 && b === 6 && (c === 5 || c === 4)) return true;
    if (a === 4 && b === 4 && c === 5) return true;
  }
  let total = 0;
  for (let i = from; i < to; i++) {
    if (len[i] !== 4) return false;
    total += 4;
  }
  total += len[to]!;
  // 4-4-4-4, 4-4-4-1 (13), 4-4-4-4-1…3 (17–19); `3801 7802 0864 96` is not how a card is printed.
  return len[to]! >= 1 && len[to]! <= 4 && (total === 13 || total >= 16);
}

// Scratch space for one run's digit groups (start, length, separator before): reused across calls.
let gStart: Int32Array = new Int32Array(64);
let gLen: Int32Array = new Int32Array(64);
let gSep: Int32Array = new Int32Array(64);

function sameSep(from: number, to: number): boolean {
  for (let i = from + 2; i <= to; i++) if (gSep[i] !== gSep[from + 1]) return false;
  return true;
}

function groupDigits(text: string, from: number, to: number): string {
  let d = '';
  for (let i = from; i <= to; i++) d += text.slice(gStart[i]!, gStart[i]! + gLen[i]!);
  return d;
}

// An outer group glued to something else (`…:7334 4111 …`, `… 1111 192.168…`) belongs to that.
const gluedBefore = (c: number): boolean => isAlnum(c) || c === 58 || c === 46 || c === 95 || c === 47;

function cardsInRun(text: string, s: number, e: number, out: PiiSpan[]): void {
  let k = 0;
  let g = s;
  for (let i = s; i <= e; i++) {
    if (i < e && isDigit(text.charCodeAt(i))) continue;
    if (k === gStart.length) {
      gStart = grown(gStart);
      gLen = grown(gLen);
      gSep = grown(gSep);
    }
    gStart[k] = g;
    gLen[k] = i - g;
    gSep[k] = g === s ? 0 : text.charCodeAt(g - 1);
    k++;
    g = i + 1;
  }
  if (sameSep(0, k - 1) && printedGrouping(gLen, 0, k - 1) && cardValid(groupDigits(text, 0, k - 1))) {
    out.push({ type: 'credit_card', start: s, end: e, value: text.slice(s, e) });
    return;
  }
  if (k < 2) return;
  // A grouped run may hold a card between other numbers (`ref 12 4111 1111 1111 1111 04/27`):
  // try runs of whole groups printed the way cards are, then single contiguous groups. A long run
  // of four-digit groups (a tracking or account number) is only split at its own ends.
  let long4 = k >= 5;
  for (let i = 0; i < k - 1 && long4; i++) if (gLen[i] !== 4) long4 = false;
  const firstOwn = s > 0 && gluedBefore(text.charCodeAt(s - 1)) ? 1 : 0;
  const after = text.charCodeAt(e);
  const lastOwn = isAlnum(after) || ((after === 46 || after === 58 || after === 47) && isAlnum(text.charCodeAt(e + 1))) ? k - 2 : k - 1;
  const used = new Uint8Array(k);
  const found: number[] = []; // from, to pairs
  let resume = firstOwn;
  for (let pass = 0; pass < 2; pass++) {
    const printed = pass === 0;
    for (let i = 0; i < k; i++) {
      if (used[i]) continue;
      let digits = 0;
      let j = i;
      for (; j < k && j <= i + 18; j++) {
        if (used[j]) break;
        digits += gLen[j]!;
        if (digits > 19) break;
      }
      // Longest window first; j is one past the last group a window may take.
      let best = -1;
      for (let t = j - 1; t >= i; t--) {
        let n = 0;
        for (let q = i; q <= t; q++) n += gLen[q]!;
        if (n < 13 || n > 19) continue;
        if (!printed && t !== i) continue;
        // In a long run, only windows that start where it starts (or where a card ended) or end where it ends.
        if (printed && long4 && i !== resume && t !== lastOwn) continue;
        if (printed && (!sameSep(i, t) || !printedGrouping(gLen, i, t))) continue;
        // A dash binds tighter than a space: in `555-2671 4111 …` the 2671 belongs to the 555.
        if (t > i && gSep[i + 1] === 32 && ((i > 0 && gSep[i] === 45) || (t + 1 < k && gSep[t + 1] === 45))) continue;
        if (!cardValid(groupDigits(text, i, t))) continue;
        best = t;
        break;
      }
      if (best === -1) continue;
      for (let q = i; q <= best; q++) used[q] = 1;
      found.push(i, best);
      resume = best + 1;
      i = best;
    }
  }
  const spans: PiiSpan[] = [];
  for (let f = 0; f < found.length; f += 2) {
    const a = gStart[found[f]!]!;
    const b = gStart[found[f + 1]!]! + gLen[found[f + 1]!]!;
    spans.push({ type: 'credit_card', start: a, end: b, value: text.slice(a, b) });
  }
  spans.sort((x, y) => x.start - y.start);
  for (const sp of spans) out.push(sp);
}

/** Cards in the runs of digits joined by single spaces or dashes. */
export function cardsIn(d: DigitRuns): PiiSpan[] {
  const { text, runs, count } = d;
  const out: PiiSpan[] = [];
  let r = 0;
  while (r < count) {
    const i = runs[2 * r]!;
    let j = runs[2 * r + 1]!;
    let digits = j - i;
    let q = r + 1;
    while (q < count && runs[2 * q] === j + 1) {
      const sep = text.charCodeAt(j);
      if (sep !== 32 && sep !== 45) break;
      digits += runs[2 * q + 1]! - runs[2 * q]!;
      j = runs[2 * q + 1]!;
      q++;
    }
    if (digits >= 13) {
      let a = i;
      // `JJD5068545089876941`: digits glued to letters are an identifier; so are an IBAN's groups.
      // Skip that part of the run: a card may still follow it.
      if (i > 0 && (isLetter(text.charCodeAt(i - 1)) || text.charCodeAt(i - 1) === 95)) a = runs[2 * r + 1]!;
      const iban = ibanExtentEnd(text, i);
      if (iban > a) a = iban;
      while (a < j && !isDigit(text.charCodeAt(a))) a++;
      if (a > i && a < j && isDigit(text.charCodeAt(a - 1))) a = j; // the run went on without a break
      if (a < j && countDigits(text.slice(a, j)) >= 13) cardsInRun(text, a, j, out);
    }
    r = q;
  }
  return out;
}

export const detectCreditCards: DetectorFn = (text) => cardsIn(digitRuns(text));

// --- US SSN -----------------------------------------------------------------------------------

// Nine bare digits are far more often an order or account number; accept them only when named
// (`SSN: …`, `"ssn": "…"`, `OWNER_SSN=…`).
const SSN_CONTEXT_RE = /(?:^|[^a-z])(?:ssn|social security(?: number| no\.?)?|soc\.? ?sec\.?|taxpayer id)(?:[^a-z0-9\n][^\n\d]{0,20})?$/i;
const SSN_CAMEL_RE = /[a-z]Ssn["']?[\s:=]{0,4}["']?$/; // `ownerSsn = '…'`

/** `ddd-dd-dddd`, `ddd dd dddd`, or nine digits named as an SSN; valid ranges only. */
export function ssnsIn(d: DigitRuns): PiiSpan[] {
  const { text, runs, count } = d;
  const out: PiiSpan[] = [];
  for (let r = 0; r < count; r++) {
    const s = runs[2 * r]!;
    const len = runs[2 * r + 1]! - s;
    if (len !== 9 && len !== 3) continue;
    const before = s > 0 ? text.charCodeAt(s - 1) : 32;
    if (isWord(before) || before === 45) continue;
    let end: number;
    let sep = 0;
    if (len === 9) end = s + 9;
    else {
      if (r + 2 >= count) continue;
      sep = text.charCodeAt(s + 3);
      if ((sep !== 45 && sep !== 32) || runs[2 * r + 2] !== s + 4 || runs[2 * r + 3] !== s + 6 || text.charCodeAt(s + 6) !== sep || runs[2 * r + 4] !== s + 7 || runs[2 * r + 5] !== s + 11) continue;
      end = s + 11;
    }
    const after = text.charCodeAt(end);
    if (isWord(after) || after === 45) continue;
    const value = text.slice(s, end);
    const area = value.slice(0, 3);
    if (!(sep === 0 ? ssnValid(area, value.slice(3, 5), value.slice(5)) : ssnValid(area, value.slice(4, 6), value.slice(7)))) continue;
    // Space-grouped digits inside a longer spaced run are something else (a card, an account).
    if (sep === 32 && ((s >= 2 && before === 32 && isDigit(text.charCodeAt(s - 2))) || (after === 32 && isDigit(text.charCodeAt(end + 1))))) continue;
    if (sep === 0) {
      const named = text.slice(Math.max(0, s - 40), s);
      if (!SSN_CONTEXT_RE.test(named) && !SSN_CAMEL_RE.test(named)) continue;
    }
    out.push({ type: 'us_ssn', start: s, end, value });
    r += sep === 0 ? 0 : 2;
  }
  return out;
}

export const detectUsSsns: DetectorFn = (text) => ssnsIn(digitRuns(text));

// --- IBAN -------------------------------------------------------------------------------------

const IBAN_RE = /[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}/y;
// IBAN length by country code, indexed by the two letters (`AA` = 0 … `ZZ` = 675); 0: no IBAN.
const IBAN_LENGTH_BY_CODE = new Uint8Array(676);
for (const [cc, len] of Object.entries(IBAN_LENGTHS)) IBAN_LENGTH_BY_CODE[(cc.charCodeAt(0) - 65) * 26 + cc.charCodeAt(1) - 65] = len;

// Where an IBAN may start: two capitals and two digits (not glued to a letter or digit before).
const IBAN_HEAD_RE = /[A-Z]{2}[0-9]{2}/g;

/** IBANs: the country's length of upper-case letters and digits (single spaces allowed), mod-97 valid. */
export const detectIbans: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  IBAN_HEAD_RE.lastIndex = 0;
  while (IBAN_HEAD_RE.test(text)) {
    const at = IBAN_HEAD_RE.lastIndex - 4;
    if (at > 0 && isAlnum(text.charCodeAt(at - 1))) continue;
    const len = IBAN_LENGTH_BY_CODE[(text.charCodeAt(at) - 65) * 26 + text.charCodeAt(at + 1) - 65]!;
    if (len === 0) continue;
    IBAN_RE.lastIndex = at;
    const m = IBAN_RE.exec(text);
    if (m === null) continue;
    const raw = m[0];
    // The pattern may run on into following upper-case words; cut at the country's length.
    let compact = '';
    let i = 0;
    for (; i < raw.length && compact.length < len; i++) if (raw[i] !== ' ') compact += raw[i];
    if (compact.length !== len) continue;
    const end = at + i;
    if (isAlnum(text.charCodeAt(end)) || !ibanValid(compact)) continue;
    out.push({ type: 'iban', start: at, end, value: text.slice(at, end) });
    IBAN_HEAD_RE.lastIndex = end;
  }
  return out;
};

// --- IP addresses -----------------------------------------------------------------------------

// A dotted quad written as a version is not an address: `v1.2.3.4`, `Chrome/120.0.0.0`,
// `version 1.0.0.12`, `"client_version": "4.1.0.7"`. A bare dotted quad is (it is a valid one).
const VERSION_BEFORE_RE = /(?:version|ver\.|release|build|firmware)["']?[\s:=("']{0,4}$/i;

/** The four runs from `r` as octets: 0–255, no leading zero (`010` reads as octal to some parsers). */
function octetsValid(text: string, runs: readonly number[], r: number): boolean {
  for (let k = r; k < r + 4; k++) {
    const a = runs[2 * k]!;
    const len = runs[2 * k + 1]! - a;
    if (len > 1 && text.charCodeAt(a) === 48) return false;
    if (len === 3) {
      const v = (text.charCodeAt(a) - 48) * 100 + (text.charCodeAt(a + 1) - 48) * 10 + (text.charCodeAt(a + 2) - 48);
      if (v > 255) return false;
    }
  }
  return true;
}

/** Dotted quads: four runs of 1–3 digits joined by dots, octets 0–255, not written as a version. */
export function ipv4In(d: DigitRuns): PiiSpan[] {
  const { text, runs, count } = d;
  const out: PiiSpan[] = [];
  for (let r = 0; r + 3 < count; r++) {
    const s = runs[2 * r]!;
    let e = runs[2 * r + 1]!;
    if (e - s > 3) continue;
    const before = s > 0 ? text.charCodeAt(s - 1) : 32;
    if (isWord(before) || before === 46) continue;
    let ok = true;
    for (let k = 1; k <= 3 && ok; k++) {
      const ns = runs[2 * (r + k)]!;
      const ne = runs[2 * (r + k) + 1]!;
      if (ns !== e + 1 || text.charCodeAt(e) !== 46 || ne - ns > 3) ok = false;
      else e = ne;
    }
    if (!ok) continue;
    const c = e < text.length ? text.charCodeAt(e) : -1;
    if (isWord(c) || (c === 46 && isDigit(text.charCodeAt(e + 1)))) continue;
    const value = text.slice(s, e);
    const product = s >= 2 && before === 47 && isLetter(text.charCodeAt(s - 2));
    // `10.0.0.0/8` names a network, not a host.
    const cidr = c === 47 && isDigit(text.charCodeAt(e + 1)) && !isWord(text.charCodeAt(isDigit(text.charCodeAt(e + 2)) ? e + 3 : e + 2));
    if (octetsValid(text, runs, r) && !product && !cidr && !VERSION_BEFORE_RE.test(text.slice(Math.max(0, s - 24), s))) out.push({ type: 'ipv4', start: s, end: e, value });
    r += 3;
  }
  return out;
}

export const detectIpv4: DetectorFn = (text) => ipv4In(digitRuns(text));

const isV6Char = (c: number): boolean => (c < 128 && (CLS[c]! & C_HEX) !== 0) || c === 58 || c === 46;

export const detectIpv6: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  const n = text.length;
  let colon = text.indexOf(':');
  while (colon !== -1) {
    // `"key": value`: a colon with neither a hex digit nor a colon on either side starts nothing.
    if (!isV6Char(text.charCodeAt(colon + 1)) && !isV6Char(text.charCodeAt(colon - 1))) {
      colon = text.indexOf(':', colon + 1);
      continue;
    }
    // The run of [0-9A-Fa-f:.] around this colon; every IPv6 text form has two colons.
    let s = colon;
    while (s > 0 && isV6Char(text.charCodeAt(s - 1))) s--;
    let e = s;
    let colons = 0;
    let double = false;
    let dots = false;
    for (; e < n; e++) {
      const c = text.charCodeAt(e);
      if (c === 58) {
        colons++;
        if (text.charCodeAt(e + 1) === 58) double = true;
      } else if (c === 46) dots = true;
      else if (!isV6Char(c)) break;
    }
    // Eight groups (seven colons, six before an IPv4 tail) unless `::` compresses some:
    // `12:30:45` and MAC addresses are turned away before any parsing.
    const shaped = double ? colons >= 2 : colons === 7 || (colons === 6 && dots);
    if (shaped && e - s <= 45 && (s === 0 || !isWord(text.charCodeAt(s - 1))) && (e === n || !isWord(text.charCodeAt(e)))) {
      let end = e;
      while (end > s && text.charCodeAt(end - 1) === 46) end--; // sentence end
      // The first two colons lie within the first ten characters (`[0-9A-Fa-f]{0,4}:` twice).
      const c1 = text.indexOf(':', s);
      const value = text.slice(s, end);
      if (c1 - s <= 4 && text.indexOf(':', c1 + 1) - c1 <= 5 && ipv6Valid(value)) {
        // `::`, `a::` and the like are code (`Foo::`), not addresses; keep `::1` (loopback).
        let groups = 0;
        for (let i = s; i < end; i++) if (text.charCodeAt(i) !== 58 && (i === s || text.charCodeAt(i - 1) === 58)) groups++;
        if (groups >= 2 || value === '::1') out.push({ type: 'ipv6', start: s, end, value });
      }
    }
    colon = text.indexOf(':', e);
  }
  return out;
};

// --- phone numbers ----------------------------------------------------------------------------

const DATE_LIKE = /^\d{1,4}([./-])\d{1,2}\1\d{1,4}$/;
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const NANP = /^[2-9]\d{2}[2-9]\d{6}$/;
const US_GROUPED = /^(?:1[-. ]?)?(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}$/;
const IN_GROUPED = /^[6-9]\d{4} \d{5}$/;
const BR_GROUPED = /^(?:\(\d{2}\) ?9?\d{4}[- ]?\d{4}|\d{2} 9?\d{4}-\d{4})$/;
const RU_TRUNK = /^8[ -]?(?:\(\d{3}\) ?|\d{3}[ -])\d{3}-\d{2}-\d{2}$/;
const FR_PAIRS = /^0[1-9](?:([ .-])\d{2}(?:\1\d{2}){3})$/;
const UK_MOBILE = /^07\d{3} \d{6}$/;
const CN_MOBILE = /^1[3-9]\d([ -])\d{4}\1\d{4}$/;
const ES_PAIRS = /^(?:[6-9]\d{2} \d{2}|9\d \d{3}) \d{2} \d{2}$/;
// Written like a phone number but also like other numbers: only with a phone word nearby.
const ES_PT_TRIPLES = /^[6-9]\d{2} \d{3} \d{3}$/;
const PT_LAND = /^2\d \d{3} \d{4}$/;
const MX_NATIONAL = /^\d{2} \d{4} \d{4}$/;
const BARE_WITH_CONTEXT = /^(?:0\d{9,11}|1[3-9]\d{9}|[6-9]\d{9}|[6-9]\d{8}|[2-9]\d{2}[2-9]\d{6}|1[2-9]\d{2}[2-9]\d{6})$/;

/** National significant number lengths (min, max) per country code; other codes: E.164 rules only. */
const CC_RULES: Readonly<Record<string, readonly [number, number]>> = {
  '1': [10, 10],
  '7': [10, 10],
  '20': [9, 10],
  '33': [9, 9],
  '34': [9, 9],
  '41': [9, 9],
  '43': [4, 13],
  '44': [9, 10],
  '49': [6, 12],
  '52': [10, 11],
  '55': [10, 11],
  '81': [9, 10],
  '86': [10, 11],
  '91': [10, 10],
  '351': [9, 9],
  '966': [8, 9],
  '971': [8, 9],
};

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) n++;
  return n;
}

const PHONE_NO = 0;
const PHONE_YES = 1;
/** Written like a phone number but also like other numbers: a phone only with a phone word nearby. */
const PHONE_IF_NAMED = 2;

/** How a candidate string is written: PHONE_NO, PHONE_YES or PHONE_IF_NAMED. */
function phoneShape(s: string): number {
  const first = s.charCodeAt(0);
  // Digit count first: E.164 has 8–15 digits (17 with a `00` prefix); every national format 9–12.
  let n = 0;
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) n++;
  if (first === 43 ? n < 8 || n > 15 : s.charCodeAt(0) === 48 && s.charCodeAt(1) === 48 ? n > 17 : n < 9 || n > 12) return PHONE_NO;
  if (s.includes('.') && (s.includes('-') || s.includes('/'))) return PHONE_NO;
  if (DATE_LIKE.test(s) || DOTTED_QUAD.test(s)) return PHONE_NO;
  const open = s.indexOf('(');
  const close = s.indexOf(')');
  if ((open === -1) !== (close === -1) || close < open || s.indexOf('(', open + 1) !== -1 || s.indexOf(')', close + 1) !== -1) return PHONE_NO;
  let digits = '';
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) digits += s[i];
  const intl = first === 43 || (digits.charCodeAt(0) === 48 && digits.charCodeAt(1) === 48 && digits.charCodeAt(2) !== 48);
  if (intl) {
    const e164 = first === 43 ? digits : digits.slice(2);
    if (e164.length < 8 || e164.length > 15 || e164[0] === '0') return PHONE_NO;
    for (let len = 3; len >= 1; len--) {
      const cc = e164.slice(0, len);
      const rule = CC_RULES[cc];
      if (!rule) continue;
      let nsn = e164.slice(len);
      if (nsn[0] === '0' && s.includes('(0)')) nsn = nsn.slice(1); // `+44 (0)20 …`
      if (nsn[0] === '0' || nsn.length < rule[0] || nsn.length > rule[1]) return PHONE_NO;
      return cc !== '1' || NANP.test(nsn) ? PHONE_YES : PHONE_NO;
    }
    return PHONE_YES;
  }
  if (digits.length === s.length) {
    // Bare digits: UK and Japanese mobiles are commonly written so; the rest only when named.
    if (digits.length === 11 && digits[0] === '0' && (digits[1] === '7' || /^0[789]0/.test(digits))) return PHONE_YES;
    return BARE_WITH_CONTEXT.test(digits) ? PHONE_IF_NAMED : PHONE_NO;
  }
  if (RU_TRUNK.test(s)) return PHONE_YES;
  if (digits[0] === '0') {
    if (digits[1] === '0') return PHONE_NO;
    if (FR_PAIRS.test(s) || UK_MOBILE.test(s)) return PHONE_YES;
    // Trunk-prefixed national numbers (UK, DE, FR, JP, IN, CN, AE, …). Subscriber numbers never
    // start with 0; part and account numbers often do (`0532 0130 01`).
    const second = /^\(?0\d*\)?[ ./-]+(\d)/.exec(s);
    return second !== null && second[1] !== '0' && digits.length >= 9 && digits.length <= 12 ? PHONE_YES : PHONE_NO;
  }
  if (US_GROUPED.test(s)) return NANP.test(digits.length === 11 ? digits.slice(1) : digits) && (digits.length === 10 || digits[0] === '1') ? PHONE_YES : PHONE_NO;
  if (IN_GROUPED.test(s) || BR_GROUPED.test(s) || CN_MOBILE.test(s) || ES_PAIRS.test(s)) return PHONE_YES;
  if (ES_PT_TRIPLES.test(s) || PT_LAND.test(s) || MX_NATIONAL.test(s)) return PHONE_IF_NAMED;
  return PHONE_NO;
}

/**
 * Whether a candidate string is written like a phone number of one of the supported plans.
 * `context`: a phone word (tel, phone, mobile, Telefon, 电话, …) stands next to it, which admits
 * the formats that are otherwise too much like other numbers (bare digits, Spanish 3-3-3, …).
 */
export function phoneValid(s: string, context: boolean | (() => boolean) = false): boolean {
  const shape = phoneShape(s);
  return shape === PHONE_YES || (shape === PHONE_IF_NAMED && (typeof context === 'function' ? context() : context));
}

// Words that name a phone number, in the languages the corpus covers. Short Latin and Cyrillic
// stems must start a word (`hotel`, `cancelled`, `automobile`, `пользователей` are not phone words).
const PHONE_WORDS =
  /(?:^|[^a-zß-ÿ])(?:tel|tél|fax|cell|call|mobil|móvil|movil|liga|llam|llám|ligue|appel|joindre|portable|handy|anruf)|phone|whats ?app|hotline|contact (?:no|number)|(?:my|our|your|his|her) (?:new )?number|mi número|meu número|meine nummer|mon numéro|rufnummer|rückruf|erreichbar|tel[eé]fono|celular|telefone|(?:^|[^а-яё])(?:тел|моб)|звон|电话|手机|拨打|致电|電話|携帯|फ़ोन|फोन|मोबाइल|कॉल|संपर्क|هاتف|جوال|الاتصال|اتصل|واتساب/gi;
// Labels of identifiers: a number right after one of these is an order, part or tracking number.
const ID_WORDS =
  /p\/n|s\/n|sku|part (?:no|number)|order|invoice|serial|tracking|artikel|bestell|auftrag|rechnung|sendung|teilenr|pedido|seguimiento|pieza|commande|suivi|pièce|rastreio|peça|订单|快递|零件|注文|追跡|部品|品番|заказ|артикул|трек|детал|ऑर्डर|ट्रैकिंग|الطلب|التتبع/gi;

/** Index after the last match of a global `re` in `s`, or -1. */
function lastMatchEnd(re: RegExp, s: string): number {
  re.lastIndex = 0;
  let end = -1;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) end = m.index + m[0].length;
  return end;
}

/** The header cell above `pos` when it sits in a markdown table row or a CSV line, else undefined. */
function columnHeader(text: string, pos: number): string | undefined {
  const ls = text.lastIndexOf('\n', pos - 1) + 1;
  const le = text.indexOf('\n', pos);
  const line = text.slice(ls, le === -1 ? text.length : le);
  const delim = line.trimStart().startsWith('|') ? '|' : line.includes(',') ? ',' : undefined;
  if (!delim) return undefined;
  let col = 0;
  for (let i = ls; i < pos; i++) if (text[i] === delim) col++;
  // Walk up while the previous lines belong to the same table.
  let top = ls;
  while (top > 0) {
    const ps = text.lastIndexOf('\n', top - 2) + 1;
    const prev = text.slice(ps, top - 1);
    if (delim === '|' ? !prev.trimStart().startsWith('|') : !prev.includes(',')) break;
    top = ps;
  }
  if (top === ls) return undefined;
  const he = text.indexOf('\n', top);
  return text.slice(top, he === -1 ? text.length : he).split(delim)[col];
}

const PHONE_CONTEXT = 1;
const ID_CONTEXT = -1;

/**
 * What the words around `[start, end)` say: PHONE_CONTEXT when a phone word stands right before it
 * (back to the previous digit or line break), right after it (`…までお電話ください`), or heads its
 * table column; ID_CONTEXT when an identifier label (order, part, tracking, …) stands before it; else 0.
 * A number listed right after a phone number (`030 123456 / 0171 1234567`) shares its context.
 */
/** Where the words before `start` begin: back to the previous digit or line break, at most 32 characters. */
function wordsBefore(text: string, start: number): number {
  let a = start;
  const min = Math.max(0, start - 32);
  while (a > min) {
    const c = text.charCodeAt(a - 1);
    if (c === 10 || isDigit(c)) break;
    a--;
  }
  return a;
}

const ID_WORDS_TEST = new RegExp(ID_WORDS.source, 'i');

/** Whether an identifier label (order, part, tracking, …) stands right before `start`, nearer than any phone word. */
function idLabelled(text: string, start: number): boolean {
  const a = wordsBefore(text, start);
  if (a === start) return false;
  const before = text.slice(a, start);
  if (!ID_WORDS_TEST.test(before)) return false;
  return lastMatchEnd(PHONE_WORDS, before) < lastMatchEnd(ID_WORDS, before);
}

function phoneContext(text: string, start: number, end: number, lastPhoneEnd: number): number {
  const a = wordsBefore(text, start);
  const before = text.slice(a, start);
  // The label nearest to the number wins.
  const phoneWord = lastMatchEnd(PHONE_WORDS, before);
  const idWord = lastMatchEnd(ID_WORDS, before);
  if (phoneWord !== -1 || idWord !== -1) return phoneWord > idWord ? PHONE_CONTEXT : ID_CONTEXT;
  if (lastPhoneEnd >= 0 && start - lastPhoneEnd <= 8 && a <= lastPhoneEnd) return PHONE_CONTEXT;
  // After the number: only a word that ends the sentence, not the label of the next value.
  let b = end;
  const max = Math.min(text.length, end + 16);
  let stop = 0;
  while (b < max) {
    stop = text.charCodeAt(b);
    if (stop === 10 || stop === 58 || stop === 0xff1a || isDigit(stop)) break;
    stop = 0;
    b++;
  }
  if (b > end && (stop === 0 || stop === 10) && lastMatchEnd(PHONE_WORDS, text.slice(end, b)) !== -1) return PHONE_CONTEXT;
  const header = columnHeader(text, start);
  return header !== undefined && lastMatchEnd(PHONE_WORDS, header) !== -1 ? PHONE_CONTEXT : 0;
}

const isPhoneChar = (c: number): boolean => isDigit(c) || c === 32 || c === 40 || c === 41 || c === 45 || c === 46 || c === 47;
// A number never starts right after a word character or + . / ( ) -.
const phoneBlockedBefore = (c: number): boolean => isWord(c) || c === 43 || c === 46 || c === 47 || c === 40 || c === 41 || c === 45;
// `1234 5678 9012 3456`: grouped like a card or a tracking number, not a phone number.
const FOUR_GROUPS = /^\d{4}([ -])\d{4}\1\d{4}\1\d{4}/;

/** Inside a run of four-digit groups (`9400 1000 0000 …`): a candidate starting here is a piece of it. */
function insideFourGroups(text: string, start: number): boolean {
  if (start < 5) return false;
  const sep = text.charCodeAt(start - 1);
  if (sep !== 32 && sep !== 45) return false;
  for (let i = start - 5; i < start - 1; i++) if (!isDigit(text.charCodeAt(i))) return false;
  if (start >= 6 && isDigit(text.charCodeAt(start - 6))) return false;
  for (let i = start; i < start + 4; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return !isDigit(text.charCodeAt(start + 4));
}

/**
 * Whether the candidate `raw` at `[start, end)` is a phone number: written like one, named when its
 * shape needs it, and (written nationally) not right after an identifier label.
 */
function acceptPhone(text: string, raw: string, start: number, end: number, lastPhoneEnd: number): boolean {
  const shape = phoneShape(raw);
  if (shape === PHONE_NO) return false;
  const national = raw.charCodeAt(0) !== 43 && !(raw.charCodeAt(0) === 48 && raw.charCodeAt(1) === 48);
  if (shape === PHONE_YES) return !national || !idLabelled(text, start);
  return phoneContext(text, start, end, lastPhoneEnd) === PHONE_CONTEXT;
}

/** Phone numbers: one candidate per digit run (with a `+`, `+ ` or `(` right before it). */
export function phonesIn(d: DigitRuns): PiiSpan[] {
  const { text, runs, count } = d;
  const out: PiiSpan[] = [];
  let p = 0; // where the next candidate may start
  let lastPhoneEnd = -1;
  for (let r = 0; r < count; r++) {
    const d0 = runs[2 * r]!;
    if (d0 < p) continue;
    const b1 = d0 > 0 ? text.charCodeAt(d0 - 1) : -1;
    // A number never starts right after a word character (`v2`, `id123`).
    if (b1 !== -1 && isWord(b1)) continue;
    let start = d0;
    if ((b1 === 40 || b1 === 43) && d0 - 1 >= p) start = d0 - 1; // `(`, `+`
    else if (b1 === 32 && d0 >= 2 && text.charCodeAt(d0 - 2) === 43 && d0 - 2 >= p) start = d0 - 2; // `+ `
    if (start > 0 && phoneBlockedBefore(text.charCodeAt(start - 1))) continue;
    // The candidate: runs joined by phone characters (spaces and `().\/-`) within 26 characters of
    // the first digit, ending at the last run end that no word character (or `.`, `/`, `-` and a
    // digit) follows. No supported format has fewer than eight digits.
    let end = -1;
    let digits = 0;
    let total = 0;
    for (let q = r; q < count; q++) {
      const rs = runs[2 * q]!;
      const re = runs[2 * q + 1]!;
      if (re - d0 > 26) break;
      if (q > r) {
        let joined = true;
        for (let g = runs[2 * q - 1]!; g < rs && joined; g++) if (!isPhoneChar(text.charCodeAt(g))) joined = false;
        if (!joined) break;
      }
      total += re - rs;
      if (re - d0 < 7) continue;
      const c = text.charCodeAt(re);
      if (isWord(c) || ((c === 46 || c === 47 || c === 45) && isDigit(text.charCodeAt(re + 1)))) continue;
      end = re;
      digits = total;
    }
    if (end === -1) continue;
    if (digits < 8) {
      p = end;
      continue;
    }
    // The digit groups of an IBAN (one that failed its checksum, too) are not a phone number.
    const before = start >= 2 && text.charCodeAt(start - 1) === 32 ? text.charCodeAt(start - 2) : 0;
    const iban = isDigit(before) || isUpper(before) ? ibanExtentEnd(text, start) : -1;
    if (iban !== -1) {
      p = iban;
      continue;
    }
    if (insideFourGroups(text, start)) {
      p = start + 1;
      continue;
    }
    p = end;
    const raw = text.slice(start, end);
    if (acceptPhone(text, raw, start, end, lastPhoneEnd)) {
      out.push({ type: 'phone', start, end, value: raw });
      lastPhoneEnd = end;
      continue;
    }
    // The candidate may have swallowed a neighbouring number across a space
    // (`room 12 555-123-4567`): try the runs of space-separated tokens, longest first.
    if (raw.indexOf(' ') === -1) continue;
    const tokens: number[] = []; // start, end pairs within raw
    for (let i = 0; i < raw.length; ) {
      while (i < raw.length && raw.charCodeAt(i) === 32) i++;
      if (i >= raw.length) break;
      const t = i;
      while (i < raw.length && raw.charCodeAt(i) !== 32) i++;
      tokens.push(t, i);
    }
    const nTok = tokens.length / 2;
    if (nTok < 2) continue;
    // Without a find, rescan the last groups: the candidate's length cap may have cut a number off.
    p = start + tokens[2 * Math.max(1, nTok - 5)]!;
    if (FOUR_GROUPS.test(raw)) continue;
    let found = false;
    // No supported format has more than six groups or fewer than eight digits.
    for (let width = Math.min(nTok - 1, 6); width >= 1 && !found; width--) {
      for (let i = 0; i + width <= nTok; i++) {
        const a = tokens[2 * i]!;
        const b = tokens[2 * (i + width - 1) + 1]!;
        const sub = raw.slice(a, b);
        if (countDigits(sub) < 8) continue;
        const f = sub.charCodeAt(0);
        if (!(isDigit(f) || f === 43 || f === 40) || !isDigit(sub.charCodeAt(sub.length - 1))) continue;
        if (acceptPhone(text, sub, start + a, start + b, lastPhoneEnd)) {
          out.push({ type: 'phone', start: start + a, end: start + b, value: sub });
          lastPhoneEnd = start + b;
          p = start + b; // rescan what followed the sub-span
          found = true;
          break;
        }
      }
    }
  }
  return out;
}

export const detectPhones: DetectorFn = (text) => phonesIn(digitRuns(text));

// --- secrets ----------------------------------------------------------------------------------

// Secrets are found from their literal prefixes (indexOf), then matched with a sticky pattern there.
const SK_Y = /sk-[A-Za-z0-9_-]{20,300}(?![\w-])/y;
const AWS_Y = /(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/y;
const GITHUB_Y = /(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?!\w)/y;
const SLACK_Y = /xox[abprs]-[A-Za-z0-9-]{10,250}(?![\w-])/y;
const JWT_Y = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/y;
const SK_PREFIX = /^sk-(?:ant-(?:api|admin)\d{2}-|ant-|proj-|svcacct-|admin-)?/;

const blockedWordOrDash = (c: number): boolean => isWord(c) || c === 45;

/**
 * Every match of the sticky `re` that starts at an occurrence of `needle` not preceded by a
 * character `blocked` rejects; `accept` decides. Scanning resumes after a match, like a global regex.
 */
function atPrefixes(text: string, needle: string, re: RegExp, blocked: (c: number) => boolean, out: PiiSpan[], type: BuiltinPiiType, accept: (value: string) => boolean): void {
  let i = text.indexOf(needle);
  while (i !== -1) {
    let next = i + 1;
    if (i === 0 || !blocked(text.charCodeAt(i - 1))) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m !== null) {
        next = i + m[0].length;
        if (accept(m[0])) out.push({ type, start: i, end: next, value: m[0] });
      }
    }
    i = text.indexOf(needle, next);
  }
}

const skAccept = (v: string): boolean => {
  const body = v.replace(SK_PREFIX, '');
  return body.length >= 20 && looksRandom(body) && !placeholderLike(body);
};
const awsAccept = (v: string): boolean => !placeholderLike(v.slice(4));
const githubAccept = (v: string): boolean => looksRandom(v.slice(4)) && !placeholderLike(v.slice(4));
const slackAccept = (v: string): boolean => looksRandom(v.slice(5));

/** `AKIAXXXXXXXXXXXXXXXX`, `sk-…000000…`: documentation placeholders repeat one character. */
function placeholderLike(s: string): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = s.charCodeAt(i) === s.charCodeAt(i - 1) ? run + 1 : 1;
    if (run >= 6) return true;
  }
  return false;
}

/** OpenAI (`sk-`, `sk-proj-`), Anthropic (`sk-ant-`), AWS access key ids, GitHub and Slack tokens. */
export const detectApiKeys: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  atPrefixes(text, 'sk-', SK_Y, blockedWordOrDash, out, 'api_key', skAccept);
  atPrefixes(text, 'AKIA', AWS_Y, isAlnum, out, 'api_key', awsAccept);
  atPrefixes(text, 'ASIA', AWS_Y, isAlnum, out, 'api_key', awsAccept);
  // GitHub tokens: found from their underscore (`ghp_`, `github_pat_`), rarer than `gh`.
  let u = text.indexOf('_');
  while (u !== -1) {
    let next = u + 1;
    let at = -1;
    if (u >= 3 && text.charCodeAt(u - 3) === 103 && text.charCodeAt(u - 2) === 104 && 'pousr'.includes(text[u - 1]!)) at = u - 3;
    else if (u >= 6 && text.startsWith('github_pat_', u - 6)) at = u - 6;
    if (at !== -1 && (at === 0 || !isWord(text.charCodeAt(at - 1)))) {
      GITHUB_Y.lastIndex = at;
      const m = GITHUB_Y.exec(text);
      if (m !== null) {
        next = at + m[0].length;
        if (githubAccept(m[0])) out.push({ type: 'api_key', start: at, end: next, value: m[0] });
      }
    }
    u = text.indexOf('_', next);
  }
  atPrefixes(text, 'xox', SLACK_Y, blockedWordOrDash, out, 'api_key', slackAccept);
  if (out.length > 1) out.sort((a, b) => a.start - b.start);
  return out;
};

export const detectJwts: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  atPrefixes(text, 'eyJ', JWT_Y, blockedWordOrDash, out, 'jwt', jwtValid);
  return out;
};

// A block cut short (a truncated paste) is still a key: take the base64 body that follows.
// Its lines: base64 (12+ characters) or the `Proc-Type:` / `DEK-Info:` headers, after a real or a
// JSON-escaped line break, possibly indented (YAML).
const PEM_RE = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|(?:(?:\r?\n|\\n)[ \t]*(?:[A-Za-z0-9+\/=]{12,}|(?:Proc-Type|DEK-Info):[^\n\\]*))*)/g;

export const detectPrivateKeys: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  if (!text.includes('PRIVATE KEY-----')) return out;
  scan(PEM_RE, text, out, 'private_key');
  return out;
};

// `scheme://user:password@host[:port]`; the user may be empty (`redis://:password@host`).
const isSchemeChar = (c: number): boolean => isAlnum(c) || c === 43 || c === 46 || c === 45;
const isSpace = (c: number): boolean => c <= 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
// Characters that end the user or password part: whitespace and / ? # @ " ' < >
const endsUserInfo = (c: number): boolean => isSpace(c) || c === 47 || c === 63 || c === 35 || c === 64 || c === 34 || c === 39 || c === 60 || c === 62;
const isHostChar = (c: number): boolean => isAlnum(c) || c === 46 || c === 45;

export const detectUrlCredentials: DetectorFn = (text) => {
  const out: PiiSpan[] = [];
  const n = text.length;
  let k = text.indexOf('://');
  while (k !== -1) {
    let next = k + 3;
    let s = k;
    while (s > 0 && isSchemeChar(text.charCodeAt(s - 1))) s--;
    if (k - s >= 2 && k - s <= 21 && isLetter(text.charCodeAt(s))) {
      let u = k + 3;
      while (u < n && !endsUserInfo(text.charCodeAt(u)) && text.charCodeAt(u) !== 58) u++;
      if (text.charCodeAt(u) === 58) {
        let w = u + 1;
        while (w < n && !endsUserInfo(text.charCodeAt(w))) w++;
        if (w > u + 1 && text.charCodeAt(w) === 64) {
          let h = w + 1;
          while (h < n && isHostChar(text.charCodeAt(h))) h++;
          while (h > w + 1 && !isAlnum(text.charCodeAt(h - 1))) h--;
          if (h > w + 1) {
            let end = h;
            if (text.charCodeAt(h) === 58 && isDigit(text.charCodeAt(h + 1))) {
              end = h + 1;
              while (end < n && end < h + 6 && isDigit(text.charCodeAt(end))) end++;
            }
            out.push({ type: 'url_credentials', start: s, end, value: text.slice(s, end) });
            next = end;
          }
        }
      }
    }
    k = text.indexOf('://', next);
  }
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

/**
 * The built-in detectors that work from a text's digit runs: `createDetector` finds the runs once
 * per text and gives them to each of these (same results as their `detect` functions).
 */
export const DIGIT_RUN_DETECTORS: Readonly<Partial<Record<BuiltinPiiType, (runs: DigitRuns) => PiiSpan[]>>> = {
  credit_card: cardsIn,
  us_ssn: ssnsIn,
  ipv4: ipv4In,
  phone: phonesIn,
};
