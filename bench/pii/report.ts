// PII redaction quality and speed, switchyard beside three npm libraries, as markdown on stdout:
//   npx tsx bench/pii/report.ts            (what `npm run bench:pii` runs)
// PII_BENCH_ROUNDS (default 7) and PII_BENCH_ROUND_MS (default 300) tune the speed measurement;
// PII_BENCH_SPEED=0 skips it. Method: see the top of evaluate.ts and docs/pii.md.
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { corpus, corpusStats, ENTITY_TYPES, holdoutCorpus, type CorpusStats } from './corpus/index.js';
import { evaluate, measureSpeed, type Contestant, type QualityReport, type SpeedResult } from './evaluate.js';
import { contestants } from './peers.js';
import { switchyardDetect } from './switchyard.js';

export interface PiiBenchReport {
  node: string;
  cpu: string;
  date: string;
  loadAverage: number[];
  corpus: CorpusStats;
  holdout: CorpusStats;
  quality: QualityReport[];
  holdoutQuality: QualityReport[];
  speed: SpeedResult[];
  /** The same, on each document followed by ordinary prose (same entities, a fifth of the density). */
  sparseSpeed: SpeedResult[];
  unavailable: Array<{ name: string; reason: string }>;
}

// Ordinary prose (no numbers, no entities) to dilute the corpus for the second speed table.
const PROSE =
  'The quarterly review went well and the team agreed to move the launch by two weeks so that documentation, onboarding material and the support playbook are ready. ' +
  'Please keep the discussion in the shared channel and summarise the decisions at the end of each meeting, so that people who could not attend can follow. ';

export interface PiiBenchOptions {
  rounds?: number;
  minRoundMs?: number;
  speed?: boolean;
}

export async function runPiiBenchmark(options: PiiBenchOptions = {}): Promise<PiiBenchReport> {
  const docs = corpus();
  const held = holdoutCorpus();
  const all = contestants();
  const runnable = all.filter((c) => !c.unavailable);
  const quality: QualityReport[] = [];
  const holdoutQuality: QualityReport[] = [];
  for (const c of runnable) {
    quality.push(await evaluate(c, docs));
    holdoutQuality.push(await evaluate(c, held));
  }
  let speed: SpeedResult[] = [];
  let sparseSpeed: SpeedResult[] = [];
  if (options.speed !== false) {
    const detect = switchyardDetect();
    const fns = [
      { name: 'switchyard (redact)', run: runnable[0]!.redact },
      { name: 'switchyard (detect only)', run: detect },
      ...runnable.slice(1).map((c: Contestant) => ({ name: c.name, run: c.redact })),
    ];
    speed = await measureSpeed(fns, docs, options.rounds ?? 7, options.minRoundMs ?? 300);
    const sparse = docs.map((d) => ({ ...d, text: `${d.text}\n\n${PROSE.repeat(2)}` }));
    sparseSpeed = await measureSpeed(fns, sparse, Math.max(3, Math.ceil((options.rounds ?? 7) / 2)), options.minRoundMs ?? 300);
  }
  return {
    node: process.version,
    cpu: `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'} × ${os.cpus().length}`,
    date: new Date().toISOString(),
    loadAverage: os.loadavg(),
    corpus: corpusStats(docs),
    holdout: corpusStats(held),
    quality,
    holdoutQuality,
    speed,
    sparseSpeed,
    unavailable: all.filter((c) => c.unavailable).map((c) => ({ name: c.name, reason: c.unavailable! })),
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(x > 0 && x < 0.01 ? 2 : 1)}%`;
const num = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(3));

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

function header(cells: string[], align?: string[]): string {
  return `${row(cells)}\n${row(cells.map((_, i) => align?.[i] ?? '---'))}`;
}

export function toMarkdown(r: PiiBenchReport): string {
  const out: string[] = [];
  const names = r.quality.map((q) => q.name);
  out.push('## PII redaction: quality and speed', '');
  out.push(`Run: \`npm run bench:pii\` (\`tsx bench/pii/report.ts\`) — node ${r.node}, ${r.cpu}, load average ${r.loadAverage.map((l) => l.toFixed(2)).join(' / ')}, ${r.date}.`, '');
  const c = r.corpus;
  out.push(
    `Corpus: ${c.documents} documents (${Object.keys(c.languages).length} languages, ${Object.keys(c.genres).length} shapes), ${(c.utf8Bytes / 1e6).toFixed(3)} MB UTF-8; ` +
      `${Object.values(c.positives).reduce((a, b) => a + b, 0)} true entities, ${Object.values(c.negatives).reduce((a, b) => a + b, 0)} hard negatives. ` +
      `Held out: ${r.holdout.documents} hand-written documents, ${Object.values(r.holdout.positives).reduce((a, b) => a + b, 0)} entities, ${Object.values(r.holdout.negatives).reduce((a, b) => a + b, 0)} hard negatives.`,
    '',
  );
  for (const u of r.unavailable) out.push(`- ${u.name}: not run — ${u.reason}`);

  out.push('### Quality per type: F1 · leak rate', '');
  out.push(header(['type', 'entities', 'hard neg.', ...names], ['---', '---:', '---:', ...names.map(() => '---')]));
  for (const t of ENTITY_TYPES) {
    const s0 = r.quality[0]!.perType[t];
    out.push(row([`\`${t}\``, s0.positives, s0.negatives, ...r.quality.map((q) => `${num(q.perType[t].f1)} · ${pct(q.perType[t].leakRate)}`)]));
  }
  out.push(row(['**all (micro)**', r.quality[0]!.overall.tp + r.quality[0]!.overall.fn, r.quality[0]!.negatives.total, ...r.quality.map((q) => `**${num(q.overall.f1)} · ${pct(q.overall.leakRate)}**`)]));
  out.push('');
  out.push(header(['', ...names]));
  out.push(row(['hard negatives touched', ...r.quality.map((q) => `${q.negatives.touched} / ${q.negatives.total}`)]));
  out.push(row(['ordinary text destroyed (runs)', ...r.quality.map((q) => String(q.ordinary.runs))]));
  out.push(row(['overall precision', ...r.quality.map((q) => num(q.overall.precision))]));
  out.push(row(['overall recall', ...r.quality.map((q) => num(q.overall.recall))]));
  out.push(row(['held out: F1 · leak', ...r.holdoutQuality.map((q) => `${num(q.overall.f1)} · ${pct(q.overall.leakRate)}`)]));
  out.push(row(['held out: hard negatives touched', ...r.holdoutQuality.map((q) => `${q.negatives.touched} / ${q.negatives.total}`)]));
  out.push('');

  for (const q of r.quality) {
    out.push(`<details><summary>${q.name}: per type</summary>`, '');
    out.push(header(['type', 'entities', 'TP', 'leaks (FN)', 'partial', 'hard neg. touched', 'ordinary FP', 'precision', 'recall', 'F1', 'leak'], ['---', ...Array(10).fill('---:')]));
    for (const t of ENTITY_TYPES) {
      const s = q.perType[t];
      out.push(row([`\`${t}\``, s.positives, s.tp, s.fn, s.partial, `${s.negativesTouched} / ${s.negatives}`, s.ordinaryFp, num(s.precision), num(s.recall), num(s.f1), pct(s.leakRate)]));
    }
    out.push(row(['unattributed ordinary FP', '', '', '', '', '', q.ordinary.unattributed, '', '', '', '']));
    out.push('', '</details>', '');
  }

  const cats = Object.keys(r.quality[0]!.negatives.byCategory).sort();
  out.push('### Hard negatives touched, by kind', '');
  out.push(header(['kind', 'n', ...names], ['---', '---:', ...names.map(() => '---:')]));
  for (const k of cats) out.push(row([k, r.quality[0]!.negatives.byCategory[k]!.total, ...r.quality.map((q) => q.negatives.byCategory[k]?.touched ?? 0)]));
  out.push('');

  if (r.speed.length > 0) {
    const base = r.speed[0]!;
    out.push('### Speed', '');
    out.push(`MB = 10^6 bytes of UTF-8 input; median of the rounds; each round runs every function over the whole corpus (${(base.bytes / 1e6).toFixed(3)} MB), taking turns.`, '');
    out.push(header(['', 'MB/s (wall)', 'MB/s (CPU time)', 'vs switchyard (redact)'], ['---', '---:', '---:', '---:']));
    for (const s of r.speed) out.push(row([s.name, s.mbPerSec.toFixed(1), s.cpuMbPerSec.toFixed(1), `${(s.mbPerSec / base.mbPerSec).toFixed(2)}×`]));
    out.push('');
  }
  if (r.sparseSpeed.length > 0) {
    const base = r.sparseSpeed[0]!;
    const density = r.speed.length > 0 ? r.speed[0]!.bytes / base.bytes : 0;
    out.push(`Context, not the goal: the same documents each followed by two paragraphs of ordinary prose (${(base.bytes / 1e6).toFixed(3)} MB: the same entities at ${Math.round(density * 100)}% of the density).`, '');
    out.push(header(['', 'MB/s (wall)', 'MB/s (CPU time)', 'vs switchyard (redact)'], ['---', '---:', '---:', '---:']));
    for (const s of r.sparseSpeed) out.push(row([s.name, s.mbPerSec.toFixed(1), s.cpuMbPerSec.toFixed(1), `${(s.mbPerSec / base.mbPerSec).toFixed(2)}×`]));
    out.push('');
  }

  const sw = r.quality.find((q) => q.name === 'switchyard');
  const swHeld = r.holdoutQuality.find((q) => q.name === 'switchyard');
  if (sw && swHeld) {
    out.push('### switchyard: what it missed or touched', '');
    const lines = [
      ...sw.misses.map((m) => `- leak (corpus) \`${m.type}\` ${m.variant}: \`${m.value.slice(0, 60)}\` (${m.doc})`),
      ...swHeld.misses.map((m) => `- leak (held out) \`${m.type}\`: \`${m.value.slice(0, 60)}\` (${m.doc})`),
      ...sw.touched.map((t) => `- hard negative touched (corpus) ${t.category}: \`${t.value.slice(0, 60)}\` (${t.doc})`),
      ...swHeld.touched.map((t) => `- hard negative touched (held out) ${t.category}: \`${t.value.slice(0, 60)}\` (${t.doc})`),
      ...sw.destroyed.map((d) => `- ordinary text redacted (corpus, as ${d.type}): \`${d.text.slice(0, 60)}\` (${d.doc})`),
      ...swHeld.destroyed.map((d) => `- ordinary text redacted (held out, as ${d.type}): \`${d.text.slice(0, 60)}\` (${d.doc})`),
    ];
    out.push(...(lines.length > 0 ? lines : ['- nothing']), '');
  }
  return out.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  const report = await runPiiBenchmark({
    rounds: env.PII_BENCH_ROUNDS ? Number(env.PII_BENCH_ROUNDS) : undefined,
    minRoundMs: env.PII_BENCH_ROUND_MS ? Number(env.PII_BENCH_ROUND_MS) : undefined,
    speed: env.PII_BENCH_SPEED !== '0',
  });
  process.stdout.write(`${toMarkdown(report)}\n`);
}
