// Scores a redactor on the labelled corpus (bench/pii/corpus) by what it outputs.
//
// Method. Every redactor is a function `text → redacted text` (some also return the spans they
// found, used only to say which type a false positive came from). Scoring reads the output text
// only, so a library that returns nothing but text is scored the same way as switchyard:
//
// - True entity caught (TP) when its value no longer appears verbatim in the output; missed (FN,
//   a leak) when it does. Each labelled value occurs in its document exactly as often as it is
//   labelled (the corpus checks this), so the test cannot be fooled by a second copy. Recall is
//   therefore 1 − leak rate; both are shown because the leak rate is the number that matters.
//   "Partial" counts caught entities of which half or more of the letters and digits still
//   survive in the output (e.g. `DE89 <redacted> 00` keeps 6 of 22) — reported, not penalised.
// - Hard negative touched when its value no longer appears verbatim. It is a false positive of the
//   type it looks like (a Luhn-invalid 16-digit number counts against credit_card, a version string
//   `v1.2.3.4` against ipv4, …).
// - Ordinary text destroyed: the input and output are split into tokens (letter runs, digit runs,
//   single symbols) and aligned with a minimal diff (Myers). Input tokens the alignment drops form
//   runs (broken by a kept letter/digit token). A run with at least one letter or digit that touches
//   no labelled span (entity, hard negative or name) is one false positive. It is attributed to the
//   type of the detected span that overlaps it when the redactor reports spans, otherwise it is
//   "unattributed" and only counts in the overall row. Runs that overlap a labelled entity (over-
//   redaction around a true hit) and names/addresses (personal data no scored type covers) are not
//   counted against anyone.
// - Per type: precision = TP / (TP + touched hard negatives of that type + attributed ordinary
//   runs), F1 from precision and recall. Overall: micro-averaged over all types, with every
//   ordinary run (attributed or not) as a false positive.
import { corpus, ENTITY_TYPES, type CorpusDocument, type EntityType, type NegativeCategory } from './corpus/index.js';

export interface DetectedSpan {
  start: number;
  end: number;
  /** The redactor's own type name; `Contestant.mapType` turns it into a corpus type. */
  type: string;
}

export interface Contestant {
  name: string;
  /** Text in, redacted text out: what the quality score reads and the speed benchmark times. */
  redact(text: string): string | Promise<string>;
  /** The spans found in `text`, when the redactor can say (attribution of false positives only). */
  spans?(text: string): DetectedSpan[] | Promise<DetectedSpan[]>;
  mapType?(type: string): EntityType | undefined;
  /** Types the redactor claims to detect (shown in reports; `undefined`: not stated). */
  claims?: readonly EntityType[];
  /** Set when the redactor cannot run here (e.g. needs a network service); no numbers are produced. */
  unavailable?: string;
}

export interface TypeScore {
  type: EntityType;
  positives: number;
  tp: number;
  fn: number;
  partial: number;
  negatives: number;
  negativesTouched: number;
  ordinaryFp: number;
  precision: number | undefined;
  recall: number;
  f1: number | undefined;
  leakRate: number;
}

export interface Miss {
  doc: string;
  type: EntityType;
  variant: string;
  value: string;
}

export interface Touched {
  doc: string;
  looksLike: EntityType;
  category: NegativeCategory;
  value: string;
}

export interface Destroyed {
  doc: string;
  text: string;
  type: EntityType | 'unattributed';
}

export interface QualityReport {
  name: string;
  documents: number;
  perType: Record<EntityType, TypeScore>;
  overall: { tp: number; fp: number; fn: number; precision: number | undefined; recall: number; f1: number | undefined; leakRate: number };
  negatives: { total: number; touched: number; byCategory: Record<string, { total: number; touched: number }> };
  ordinary: { runs: number; unattributed: number };
  misses: Miss[];
  touched: Touched[];
  destroyed: Destroyed[];
}

// --- tokens and alignment ---------------------------------------------------------------------------

interface Token {
  text: string;
  start: number;
  end: number;
  /** 0 whitespace, 1 letter/digit run, 2 other symbol */
  kind: 0 | 1 | 2;
}

const TOKEN_RE = /(\s+)|([\p{L}\p{M}]+)|(\p{N}+)|([\s\S])/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN_RE.exec(text)) !== null) {
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length, kind: m[1] !== undefined ? 0 : m[2] !== undefined || m[3] !== undefined ? 1 : 2 });
  }
  return out;
}

/** Which elements of `a` a longest common subsequence with `b` keeps (Myers' O((N+M)·D) diff). */
export function keptByDiff(a: readonly number[], b: readonly number[]): Uint8Array {
  const kept = new Uint8Array(a.length);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) kept[pre++] = 1;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) {
    kept[a.length - 1 - suf] = 1;
    suf++;
  }
  const n = a.length - pre - suf;
  const m = b.length - pre - suf;
  if (n === 0 || m === 0) return kept;
  const A = (i: number) => a[pre + i]!;
  const B = (j: number) => b[pre + j]!;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && A(x) === B(y)) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers, marking the diagonal (matched) moves.
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0 && (x > 0 || y > 0); d--) {
    const prev = trace[d]!; // frontier before step d, indexed k + d + 1
    const at = (k: number) => prev[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      kept[pre + x - 1] = 1;
      x--;
      y--;
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    kept[pre + x - 1] = 1;
    x--;
    y--;
  }
  return kept;
}

function alignment(input: string, output: string): { tokens: Token[]; kept: Uint8Array } {
  const ids = new Map<string, number>();
  const id = (s: string) => {
    let v = ids.get(s);
    if (v === undefined) ids.set(s, (v = ids.size));
    return v;
  };
  const tokens = tokenize(input);
  const out = tokenize(output);
  return { tokens, kept: keptByDiff(tokens.map((t) => id(t.text)), out.map((t) => id(t.text))) };
}

// --- scoring ----------------------------------------------------------------------------------------

const ALNUM = /[\p{L}\p{N}]/u;

function countAlnum(s: string): number {
  let n = 0;
  for (const ch of s) if (ALNUM.test(ch)) n++;
  return n;
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

function ratio(a: number, b: number): number | undefined {
  return b === 0 ? undefined : a / b;
}

function f1(p: number | undefined, r: number): number | undefined {
  if (p === undefined) return undefined;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

interface DocResult {
  caught: boolean[];
  partial: boolean[];
  touched: boolean[];
  runs: Array<{ start: number; end: number; type: EntityType | 'unattributed' }>;
}

/** Scores one document's output. `spans` (optional) attribute destroyed ordinary text to a type. */
export function scoreDocument(doc: CorpusDocument, output: string, spans?: readonly DetectedSpan[], mapType?: (t: string) => EntityType | undefined): DocResult {
  const caught = doc.entities.map((e) => !output.includes(e.value));
  const touched = doc.negatives.map((n) => !output.includes(n.value));
  const partial = doc.entities.map(() => false);
  const runs: DocResult['runs'] = [];
  if (output === doc.text) return { caught, partial, touched, runs };
  const { tokens, kept } = alignment(doc.text, output);

  doc.entities.forEach((e, i) => {
    if (!caught[i]) return;
    let total = 0;
    let survived = 0;
    for (let t = 0; t < tokens.length; t++) {
      const tok = tokens[t]!;
      if (tok.end <= e.start || tok.start >= e.end || tok.kind === 0) continue;
      const piece = doc.text.slice(Math.max(tok.start, e.start), Math.min(tok.end, e.end));
      const n = countAlnum(piece);
      total += n;
      if (kept[t]) survived += n;
    }
    partial[i] = total > 0 && survived / total >= 0.5;
  });

  const labelled = [...doc.entities, ...doc.negatives, ...doc.neutral];
  let runStart = -1;
  let runEnd = -1;
  let runAlnum = false;
  const flush = () => {
    if (runStart < 0) return;
    const run = { start: runStart, end: runEnd };
    if (runAlnum && !labelled.some((l) => overlaps(l, run))) {
      let type: EntityType | 'unattributed' = 'unattributed';
      const hit = spans?.find((s) => overlaps(s, run));
      if (hit) type = (mapType ? mapType(hit.type) : (hit.type as EntityType)) ?? 'unattributed';
      if (type !== 'unattributed' && !ENTITY_TYPES.includes(type)) type = 'unattributed';
      runs.push({ ...run, type });
    }
    runStart = -1;
    runAlnum = false;
  };
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t]!;
    if (tok.kind === 0) continue;
    if (kept[t]) {
      if (tok.kind === 1) flush();
      continue;
    }
    if (runStart < 0) runStart = tok.start;
    runEnd = tok.end;
    if (tok.kind === 1) runAlnum = true;
  }
  flush();
  return { caught, partial, touched, runs };
}

function emptyScore(type: EntityType): TypeScore {
  return { type, positives: 0, tp: 0, fn: 0, partial: 0, negatives: 0, negativesTouched: 0, ordinaryFp: 0, precision: undefined, recall: 0, f1: undefined, leakRate: 0 };
}

/** Runs `c` over the corpus and scores it. Documents are processed one after another. */
export async function evaluate(c: Contestant, docs: readonly CorpusDocument[] = corpus()): Promise<QualityReport> {
  const perType = Object.fromEntries(ENTITY_TYPES.map((t) => [t, emptyScore(t)])) as Record<EntityType, TypeScore>;
  const byCategory: Record<string, { total: number; touched: number }> = {};
  const misses: Miss[] = [];
  const touchedList: Touched[] = [];
  const destroyed: Destroyed[] = [];
  let unattributed = 0;
  let runsTotal = 0;
  for (const doc of docs) {
    const output = await c.redact(doc.text);
    const spans = c.spans ? await c.spans(doc.text) : undefined;
    const r = scoreDocument(doc, output, spans, c.mapType);
    doc.entities.forEach((e, i) => {
      const s = perType[e.type];
      s.positives++;
      if (r.caught[i]) {
        s.tp++;
        if (r.partial[i]) s.partial++;
      } else {
        s.fn++;
        misses.push({ doc: doc.id, type: e.type, variant: e.variant, value: e.value });
      }
    });
    doc.negatives.forEach((n, i) => {
      const s = perType[n.looksLike];
      const cat = (byCategory[n.category] ??= { total: 0, touched: 0 });
      s.negatives++;
      cat.total++;
      if (r.touched[i]) {
        s.negativesTouched++;
        cat.touched++;
        touchedList.push({ doc: doc.id, looksLike: n.looksLike, category: n.category, value: n.value });
      }
    });
    for (const run of r.runs) {
      runsTotal++;
      destroyed.push({ doc: doc.id, text: doc.text.slice(run.start, run.end), type: run.type });
      if (run.type === 'unattributed') unattributed++;
      else perType[run.type].ordinaryFp++;
    }
  }
  let tp = 0;
  let fn = 0;
  let fp = unattributed;
  for (const s of Object.values(perType)) {
    s.recall = s.positives === 0 ? 0 : s.tp / s.positives;
    s.leakRate = s.positives === 0 ? 0 : s.fn / s.positives;
    s.precision = ratio(s.tp, s.tp + s.negativesTouched + s.ordinaryFp);
    s.f1 = f1(s.precision, s.recall);
    tp += s.tp;
    fn += s.fn;
    fp += s.negativesTouched + s.ordinaryFp;
  }
  const precision = ratio(tp, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  const negTotal = Object.values(byCategory).reduce((a, b) => a + b.total, 0);
  return {
    name: c.name,
    documents: docs.length,
    perType,
    overall: { tp, fp, fn, precision, recall, f1: f1(precision, recall), leakRate: fn / Math.max(1, tp + fn) },
    negatives: { total: negTotal, touched: touchedList.length, byCategory },
    ordinary: { runs: runsTotal, unattributed },
    misses,
    touched: touchedList,
    destroyed,
  };
}

// --- speed --------------------------------------------------------------------------------------------

export interface SpeedResult {
  name: string;
  /** UTF-8 bytes of input per pass over the corpus. */
  bytes: number;
  /** MB (10^6 bytes of UTF-8 input) per second of wall time, median over rounds. */
  mbPerSec: number;
  /** The same per second of this process's CPU time (less sensitive to a busy machine), median. */
  cpuMbPerSec: number;
  /** Wall-time MB/s of each round. */
  rounds: number[];
}

/**
 * Throughput of each function over the whole corpus. Texts are flattened first (the corpus builds
 * them by concatenation; real input arrives flat from JSON.parse). Every round runs each function
 * over all documents, repeated so a round lasts at least `minRoundMs`; functions take turns within
 * a round, so drift on a shared machine spreads over all of them. Functions more than ten times
 * slower than the fastest take their turns in rounds of their own, after the others, so the garbage
 * they leave is not collected on the clock of a fast one. The median round counts.
 */
export async function measureSpeed(
  fns: ReadonlyArray<{ name: string; run: (text: string) => unknown }>,
  docs: readonly CorpusDocument[] = corpus(),
  rounds = 7,
  minRoundMs = 300,
): Promise<SpeedResult[]> {
  const texts = docs.map((d) => JSON.parse(JSON.stringify(d.text)) as string);
  const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t, 'utf8'), 0);
  const wall = fns.map(() => [] as number[]);
  const cpu = fns.map(() => [] as number[]);
  const pass = async (f: (text: string) => unknown) => {
    for (const t of texts) {
      const out = f(t);
      if (out instanceof Promise) await out;
    }
  };
  // Warm-up (JIT), and how many passes make one round last `minRoundMs`.
  const reps: number[] = [];
  const passMs: number[] = [];
  for (const f of fns) {
    await pass(f.run);
    const t0 = performance.now();
    await pass(f.run);
    const ms = Math.max(performance.now() - t0, 0.01);
    passMs.push(ms);
    reps.push(Math.max(1, Math.ceil(minRoundMs / ms)));
  }
  const fastest = Math.min(...passMs);
  const groups = [fns.map((_, i) => i).filter((i) => passMs[i]! <= fastest * 10), fns.map((_, i) => i).filter((i) => passMs[i]! > fastest * 10)];
  for (const group of groups) {
    for (let r = 0; r < rounds; r++) {
      for (const i of group) {
        const n = reps[i]!;
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        for (let k = 0; k < n; k++) await pass(fns[i]!.run);
        const c = process.cpuUsage(c0);
        const sec = (performance.now() - t0) / 1000;
        wall[i]!.push((bytes * n) / 1e6 / sec);
        cpu[i]!.push((bytes * n) / 1e6 / ((c.user + c.system) / 1e6));
      }
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return fns.map((f, i) => ({ name: f.name, bytes, mbPerSec: median(wall[i]!), cpuMbPerSec: median(cpu[i]!), rounds: wall[i]! }));
}
