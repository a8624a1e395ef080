import { BUILTIN_DETECTORS, BUILTIN_PII_TYPES, digitRuns, DIGIT_RUN_DETECTORS, type DigitRuns } from './detectors.js';
import type { AllowEntry, CustomDetector, DetectOptions, PiiSpan } from './types.js';

interface Candidate extends PiiSpan {
  priority: number;
}

/** What the built-in detectors share while scanning one text (found on first use). */
interface Shared {
  runs: DigitRuns | undefined;
}

type Runner = { run: (text: string, out: Candidate[], shared: Shared) => void };

const TYPE_NAME = /^[a-z][a-z0-9_]*$/;

function customRunner(d: CustomDetector): Runner {
  if (!TYPE_NAME.test(d.type)) throw new TypeError(`PII detector type must be lower_snake_case, got ${JSON.stringify(d.type)}`);
  const priority = d.priority ?? 75;
  const type = d.type;
  if ('pattern' in d) {
    const flags = d.pattern.flags.includes('g') ? d.pattern.flags : d.pattern.flags + 'g';
    const re = new RegExp(d.pattern.source, flags);
    const validate = d.validate;
    return {
      run(text, out) {
        re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = re.exec(text)) !== null) {
          if (m[0].length === 0) {
            re.lastIndex++; // an empty match would loop forever
            continue;
          }
          if (validate && !validate(m[0])) continue;
          out.push({ type, start: m.index, end: m.index + m[0].length, value: m[0], priority });
        }
      },
    };
  }
  const fn = d.detect;
  return {
    run(text, out) {
      for (const r of fn(text)) {
        if (!(Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.end <= text.length && r.start < r.end)) continue;
        out.push({ type, start: r.start, end: r.end, value: text.slice(r.start, r.end), priority });
      }
    },
  };
}

function allowFilter(allow: readonly AllowEntry[] | undefined): ((value: string) => boolean) | undefined {
  if (!allow || allow.length === 0) return undefined;
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const a of allow) {
    if (typeof a === 'string') exact.add(a);
    else patterns.push(new RegExp(a.source, a.flags.replace(/[gy]/g, ''))); // no lastIndex state
  }
  return (value) => exact.has(value) || patterns.some((p) => p.test(value));
}

/**
 * Keeps a non-overlapping subset: within each cluster of overlapping candidates the longest wins,
 * then the most specific (priority), then the earliest. Clusters are nearly always of size one.
 */
function resolveOverlaps(cands: Candidate[]): PiiSpan[] {
  let sorted = true;
  for (let k = 1; k < cands.length && sorted; k++) if (cands[k]!.start < cands[k - 1]!.start || (cands[k]!.start === cands[k - 1]!.start && cands[k]!.end > cands[k - 1]!.end)) sorted = false;
  if (!sorted) cands.sort((a, b) => a.start - b.start || b.end - a.end);
  const result: PiiSpan[] = [];
  let i = 0;
  while (i < cands.length) {
    let j = i + 1;
    let clusterEnd = cands[i]!.end;
    while (j < cands.length && cands[j]!.start < clusterEnd) {
      clusterEnd = Math.max(clusterEnd, cands[j]!.end);
      j++;
    }
    if (j === i + 1) {
      const c = cands[i]!;
      result.push({ type: c.type, start: c.start, end: c.end, value: c.value });
    } else {
      const cluster = cands.slice(i, j).sort((a, b) => b.end - b.start - (a.end - a.start) || b.priority - a.priority || a.start - b.start);
      const kept: Candidate[] = [];
      for (const c of cluster) if (kept.every((k) => c.end <= k.start || c.start >= k.end)) kept.push(c);
      kept.sort((a, b) => a.start - b.start);
      for (const c of kept) result.push({ type: c.type, start: c.start, end: c.end, value: c.value });
    }
    i = j;
  }
  return result;
}

/** A compiled detector: options are validated and patterns built once, then reused for every text. */
export type Detector = (text: string) => PiiSpan[];

export function createDetector(options: DetectOptions = {}): Detector {
  const runners: Runner[] = [];
  for (const t of options.types ?? BUILTIN_PII_TYPES) {
    const b = BUILTIN_DETECTORS[t];
    if (!b) throw new TypeError(`Unknown PII type ${JSON.stringify(t)}; expected one of ${BUILTIN_PII_TYPES.join(', ')}`);
    const priority = b.priority;
    const fromRuns = DIGIT_RUN_DETECTORS[t];
    runners.push(
      fromRuns
        ? {
            run(text, out, shared) {
              for (const s of fromRuns((shared.runs ??= digitRuns(text)))) out.push({ type: s.type, start: s.start, end: s.end, value: s.value, priority });
            },
          }
        : {
            run(text, out) {
              for (const s of b.detect(text)) out.push({ type: s.type, start: s.start, end: s.end, value: s.value, priority });
            },
          },
    );
  }
  for (const c of options.custom ?? []) runners.push(customRunner(c));
  const allowed = allowFilter(options.allow);
  return (text) => {
    if (text.length === 0) return [];
    let cands: Candidate[] = [];
    const shared: Shared = { runs: undefined };
    for (const r of runners) r.run(text, cands, shared);
    if (allowed) cands = cands.filter((c) => !allowed(c.value));
    return resolveOverlaps(cands);
  };
}

const cache = new WeakMap<DetectOptions, Detector>();
let defaultDetector: Detector | undefined;

/**
 * Finds PII in `text`: spans sorted by `start`, never overlapping. Pass the same options object
 * again to reuse its compiled detector (or hold a `createDetector` result).
 */
export function detect(text: string, options?: DetectOptions): PiiSpan[] {
  if (!options) return (defaultDetector ??= createDetector())(text);
  let d = cache.get(options);
  if (!d) {
    d = createDetector(options);
    cache.set(options, d);
  }
  return d(text);
}
