// The labelled PII corpus: generated documents (seeded, so every run sees the same text) plus
// hand-written ones. Every document lists its true entities, its hard negatives and the person
// names in it, with UTF-16 offsets. Each labelled value occurs in its document exactly as often
// as it is labelled, so "still present verbatim in the output" is a sound leak test.
import { HANDWRITTEN, type ExtraLang, type HandwrittenDoc } from './handwritten.js';
import { HOLDOUT } from './holdout.js';
import { Rng } from './rng.js';
import { GENRES, genreContext, type Genre, type Part, type Slot } from './templates.js';
import {
  ENTITY_TYPES,
  ibanOk,
  LANGS,
  luhnOk,
  negative,
  NEGATIVE_WEIGHTS,
  phone,
  positive,
  privateKey,
  ssn,
  type EntityType,
  type Lang,
  type NegativeCategory,
} from './values.js';

export { ENTITY_TYPES, LANGS, type EntityType, type Lang, type NegativeCategory } from './values.js';

export interface LabelledEntity {
  type: EntityType;
  value: string;
  start: number;
  end: number;
  /** How the value is written (`us_paren`, `visa_spaced`, `DE_compact`, …). */
  variant: string;
}

export interface HardNegative {
  /** The type a careless detector could take it for. */
  looksLike: EntityType;
  category: NegativeCategory;
  value: string;
  start: number;
  end: number;
}

/** Names, postal addresses and other personal text no scored type covers: redacting them is neither a hit nor a false positive. */
export interface NeutralSpan {
  value: string;
  start: number;
  end: number;
}

export interface CorpusDocument {
  id: string;
  lang: Lang | ExtraLang;
  genre: string;
  source: 'generated' | 'handwritten' | 'holdout';
  text: string;
  entities: LabelledEntity[];
  negatives: HardNegative[];
  neutral: NeutralSpan[];
}

export const DEFAULT_SEED = 0x5eed_2024;

// --- assembling and checking a document ------------------------------------------------------------

function assemble(parts: Part[]): Pick<CorpusDocument, 'text' | 'entities' | 'negatives' | 'neutral'> {
  let text = '';
  const entities: LabelledEntity[] = [];
  const negatives: HardNegative[] = [];
  const neutral: NeutralSpan[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      text += p;
      continue;
    }
    const start = text.length;
    const value = p.kind === 'name' ? p.value : p.v.value;
    text += value;
    const end = text.length;
    if (p.kind === 'name') neutral.push({ value, start, end });
    else if (p.kind === 'pii') entities.push({ type: p.v.type, value, start, end, variant: p.v.variant });
    else negatives.push({ looksLike: p.v.looksLike, category: p.v.category, value, start, end });
  }
  return { text, entities, negatives, neutral };
}

function occurrences(text: string, value: string): number {
  let n = 0;
  for (let i = text.indexOf(value); i !== -1; i = text.indexOf(value, i + 1)) n++;
  return n;
}

const WORDISH = /[A-Za-z0-9_]/;
const digitsOf = (s: string): string => s.replace(/\D/g, '');
const compactIban = (s: string): string => s.replace(/ /g, '');

/** Why a document is unusable as labelled data, or undefined when it is sound. */
export function problem(doc: Pick<CorpusDocument, 'text' | 'entities' | 'negatives' | 'neutral'>): string | undefined {
  const labelled = [...doc.entities, ...doc.negatives];
  const spans = [...labelled, ...doc.neutral].sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) if (spans[i]!.start < spans[i - 1]!.end) return `overlapping labels at ${spans[i]!.start}`;
  const count = new Map<string, number>();
  for (const l of labelled) count.set(l.value, (count.get(l.value) ?? 0) + 1);
  for (const [value, n] of count) if (occurrences(doc.text, value) !== n) return `${JSON.stringify(value)} occurs ${occurrences(doc.text, value)}× but is labelled ${n}×`;
  for (const l of labelled) if (doc.text.slice(l.start, l.end) !== l.value) return `offsets of ${JSON.stringify(l.value)} are wrong`;
  // A value must not run into its neighbours (`852-52-8263` + `3日前` reads as a longer number).
  for (const l of labelled) {
    if (WORDISH.test(l.value[0]!) && WORDISH.test(doc.text[l.start - 1] ?? ' ')) return `${JSON.stringify(l.value)} runs into the text before it`;
    if (WORDISH.test(l.value[l.value.length - 1]!) && WORDISH.test(doc.text[l.end] ?? ' ')) return `${JSON.stringify(l.value)} runs into the text after it`;
  }
  for (const e of doc.entities) {
    if (e.type === 'credit_card' && !luhnOk(digitsOf(e.value))) return `card ${e.value} fails Luhn`;
    if (e.type === 'iban' && !ibanOk(compactIban(e.value))) return `IBAN ${e.value} fails mod-97`;
  }
  for (const n of doc.negatives) {
    if (n.category === 'luhn_invalid' && luhnOk(digitsOf(n.value))) return `negative ${n.value} passes Luhn`;
    if (n.category === 'bad_iban' && ibanOk(compactIban(n.value))) return `negative ${n.value} passes mod-97`;
  }
  return undefined;
}

// --- generation -------------------------------------------------------------------------------------

const GENRE_PLAN: ReadonlyArray<readonly [Genre, number]> = [
  ['ticket', 95],
  ['chat', 70],
  ['email', 60],
  ['json', 70],
  ['env', 40],
  ['yaml', 30],
  ['code', 50],
  ['log', 50],
  ['stacktrace', 30],
  ['table', 50],
];

/** Relative share of each type among the true entities. */
const TYPE_SHARE: Readonly<Record<EntityType, number>> = {
  email: 1.2,
  phone: 2.2,
  credit_card: 1.1,
  us_ssn: 0.8,
  iban: 1,
  ipv4: 1,
  ipv6: 0.8,
  api_key: 1.1,
  jwt: 0.7,
  private_key: 0.55,
  url_credentials: 0.8,
};

const PERSONAL: ReadonlySet<EntityType> = new Set(['email', 'phone', 'credit_card', 'us_ssn', 'iban']);

function typeAffinity(genre: Genre, t: EntityType): number {
  switch (genre) {
    case 'ticket':
    case 'chat':
    case 'email':
      return PERSONAL.has(t) ? 1 : t === 'ipv4' ? 0.6 : t === 'api_key' ? 0.5 : t === 'ipv6' ? 0.3 : 0.25;
    case 'table':
      return PERSONAL.has(t) ? 1.5 : t === 'private_key' ? 0.05 : 0.3;
    case 'json':
      return 1;
    case 'env':
    case 'yaml':
    case 'code':
      return PERSONAL.has(t) ? (t === 'email' || t === 'phone' ? 0.6 : 0.3) : 1.6;
    case 'log':
      return t === 'ipv4' ? 2 : t === 'ipv6' ? 1.5 : t === 'email' || t === 'jwt' ? 1 : t === 'private_key' ? 0 : 0.4;
    case 'stacktrace':
      return t === 'url_credentials' || t === 'ipv4' ? 1.5 : t === 'private_key' ? 0.1 : 0.5;
  }
}

const TECH_NEG: ReadonlySet<NegativeCategory> = new Set(['uuid', 'git_sha', 'hex_hash', 'version', 'timestamp', 'placeholder_key', 'public_pem', 'code_token', 'asset_name', 'scp_remote', 'mac_address', 'invalid_ip', 'jwt_like', 'url_userinfo']);

function negAffinity(genre: Genre, c: NegativeCategory): number {
  const prose = genre === 'ticket' || genre === 'chat' || genre === 'email' || genre === 'table';
  if (prose) return TECH_NEG.has(c) ? (c === 'version' || c === 'invalid_ip' || c === 'uuid' ? 0.6 : 0.15) : 1;
  if (genre === 'json' || genre === 'log') return 1;
  return TECH_NEG.has(c) ? 1.5 : 0.4;
}

function counts(genre: Genre, rng: Rng): [positives: number, negatives: number] {
  switch (genre) {
    case 'ticket':
    case 'chat':
    case 'email':
      return [rng.int(1, 3), rng.int(0, 2)];
    case 'json':
      return [rng.int(2, 4), rng.int(0, 2)];
    case 'env':
    case 'yaml':
    case 'code':
      return [rng.int(2, 5), rng.int(1, 2)];
    case 'log':
      return [rng.int(2, 5), rng.int(1, 3)];
    case 'stacktrace':
      return [rng.int(1, 3), rng.int(0, 2)];
    case 'table':
      return [rng.int(2, 5), rng.int(1, 2)];
  }
}

class Balancer {
  private readonly posCount = new Map<EntityType, number>();
  private readonly negCount = new Map<NegativeCategory, number>();

  pickType(rng: Rng, genre: Genre): EntityType {
    return rng.weighted(ENTITY_TYPES.map((t) => [t, (typeAffinity(genre, t) * TYPE_SHARE[t]) / (1 + (this.posCount.get(t) ?? 0) / (TYPE_SHARE[t] * 10)) ** 2] as const));
  }

  pickNegative(rng: Rng, genre: Genre): NegativeCategory {
    return rng.weighted(NEGATIVE_WEIGHTS.map(([c, w]) => [c, (negAffinity(genre, c) * w) / (1 + (this.negCount.get(c) ?? 0) / (w * 6)) ** 2] as const));
  }

  commit(items: Slot[]): void {
    for (const s of items) {
      if (s.kind === 'pii') this.posCount.set(s.v.type, (this.posCount.get(s.v.type) ?? 0) + 1);
      else this.negCount.set(s.v.category, (this.negCount.get(s.v.category) ?? 0) + 1);
    }
  }
}

function generated(rng: Rng): CorpusDocument[] {
  const plan: Genre[] = [];
  for (const [g, n] of GENRE_PLAN) for (let i = 0; i < n; i++) plan.push(g);
  rng.shuffle(plan);
  const balance = new Balancer();
  const docs: CorpusDocument[] = [];
  plan.forEach((genre, i) => {
    const lang = rng.weighted(LANGS.map((l) => [l, l === 'en' ? 2.5 : 1] as const));
    for (let attempt = 0; attempt < 50; attempt++) {
      const [np, nn] = counts(genre, rng);
      const items: Slot[] = [];
      for (let k = 0; k < np; k++) {
        const t = balance.pickType(rng, genre);
        // Bare SSNs appear only where a label names them; a header row far above is not enough.
        const v = t === 'us_ssn' && genre === 'table' ? ssn(rng, rng.chance(0.8) ? 'dashed' : 'bare') : positive(rng, t, lang);
        items.push({ kind: 'pii', v });
      }
      for (let k = 0; k < nn; k++) items.push({ kind: 'neg', v: negative(rng, balance.pickNegative(rng, genre)) });
      rng.shuffle(items);
      const doc = assemble(GENRES[genre](genreContext(rng, lang, items)));
      if (problem(doc) !== undefined) continue;
      balance.commit(items);
      docs.push({ id: `gen-${String(i).padStart(3, '0')}-${genre}-${lang}`, lang, genre, source: 'generated', ...doc });
      return;
    }
    throw new Error(`could not generate a sound ${genre} document`);
  });
  return docs;
}

// --- hand-written documents ------------------------------------------------------------------------

const MARKUP = /\{\{(\w+)(?::(\w+))?(?:\|([\s\S]*?))?\}\}|\[\[(\w+):(\w+)\|([\s\S]*?)\]\]|\(\(([\s\S]*?)\)\)/g;

function handwritten(rng: Rng, docs: readonly HandwrittenDoc[], source: 'handwritten' | 'holdout'): CorpusDocument[] {
  const prefix = source === 'holdout' ? 'holdout' : 'hand';
  return docs.map((h, i) => {
    const lang: Lang = (LANGS as readonly string[]).includes(h.lang) ? (h.lang as Lang) : 'en';
    const parts: Part[] = [];
    let last = 0;
    MARKUP.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = MARKUP.exec(h.text)) !== null) {
      if (m.index > last) parts.push(h.text.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[7] !== undefined) {
        parts.push({ kind: 'name', value: m[7] });
      } else if (m[4] !== undefined) {
        parts.push({ kind: 'neg', v: { looksLike: m[4] as EntityType, category: m[5] as NegativeCategory, value: m[6]! } });
      } else {
        const type = m[1] as EntityType;
        if (!ENTITY_TYPES.includes(type)) throw new Error(`unknown type ${type} in hand-written document ${i}`);
        const v = m[3] !== undefined ? { type, value: m[3], variant: source } : type === 'private_key' ? privateKey(rng, m[2] === 'escaped') : type === 'phone' ? phone(rng, lang) : positive(rng, type, lang);
        parts.push({ kind: 'pii', v });
      }
    }
    if (last < h.text.length) parts.push(h.text.slice(last));
    const doc = assemble(parts);
    const why = problem(doc);
    if (why) throw new Error(`${source} document ${i} (${h.lang}/${h.genre}): ${why}`);
    return { id: `${prefix}-${String(i).padStart(2, '0')}-${h.genre}-${h.lang}`, lang: h.lang, genre: h.genre, source, ...doc };
  });
}

/** Builds the corpus. The same seed always gives the same documents. */
export function buildCorpus(seed = DEFAULT_SEED): CorpusDocument[] {
  const rng = new Rng(seed);
  return [...generated(rng), ...handwritten(rng, HANDWRITTEN, 'handwritten')];
}

let cached: CorpusDocument[] | undefined;
let cachedHoldout: CorpusDocument[] | undefined;

/** The default corpus, built once per process. */
export function corpus(): CorpusDocument[] {
  return (cached ??= buildCorpus());
}

/**
 * Hand-written documents kept out of the tuning: written after the detectors were tuned on
 * `corpus()`, scored separately, and not used to change the detectors.
 */
export function holdoutCorpus(): CorpusDocument[] {
  return (cachedHoldout ??= handwritten(new Rng(DEFAULT_SEED ^ 0x4010), HOLDOUT, 'holdout'));
}

export interface CorpusStats {
  documents: number;
  utf16Units: number;
  utf8Bytes: number;
  positives: Record<string, number>;
  negatives: Record<string, number>;
  negativesByLooksLike: Record<string, number>;
  languages: Record<string, number>;
  genres: Record<string, number>;
}

export function corpusStats(docs: readonly CorpusDocument[]): CorpusStats {
  const inc = (r: Record<string, number>, k: string) => (r[k] = (r[k] ?? 0) + 1);
  const s: CorpusStats = { documents: docs.length, utf16Units: 0, utf8Bytes: 0, positives: {}, negatives: {}, negativesByLooksLike: {}, languages: {}, genres: {} };
  for (const d of docs) {
    s.utf16Units += d.text.length;
    s.utf8Bytes += Buffer.byteLength(d.text, 'utf8');
    inc(s.languages, d.lang);
    inc(s.genres, d.genre);
    for (const e of d.entities) inc(s.positives, e.type);
    for (const n of d.negatives) {
      inc(s.negatives, n.category);
      inc(s.negativesByLooksLike, n.looksLike);
    }
  }
  return s;
}
