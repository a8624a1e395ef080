import { createHash, randomBytes } from 'node:crypto';
import { createDetector, type Detector } from './detect.js';
import { PIIBlockedError } from './pii-blocked-error.js';
import type { DetectOptions, PiiSpan, PiiType } from './types.js';

/**
 * What to do with an entity: `mask` → `[EMAIL]`; `placeholder` → `<EMAIL_1>`, restorable;
 * `hash` → `<EMAIL:ab12cd34>`, stable for a salt; `block` → throw `PIIBlockedError`.
 */
export type PiiAction = 'mask' | 'placeholder' | 'hash' | 'block';

export interface RedactorOptions extends DetectOptions {
  /** Action per type; types not named use `defaultAction`. */
  actions?: Partial<Record<PiiType, PiiAction>>;
  /** Default `placeholder`. */
  defaultAction?: PiiAction;
  /**
   * Salt for `hash`. Default: random per redactor, so hashes are stable for the process's lifetime
   * but cannot be brute-forced from a rainbow table of phone numbers. Set it to correlate across processes.
   */
  salt?: string;
  /** Hex characters of the hash to keep (4–64, default 8). */
  hashLength?: number;
}

/** Entity counts per type. Values never appear here. */
export type PiiCounts = Record<string, number>;

export interface RedactResult {
  text: string;
  /** Entities found in this text, per type. */
  counts: PiiCounts;
}

/** `<LABEL_n>`: the shape every reversible placeholder has. */
export const PLACEHOLDER_RE = /<([A-Z][A-Z0-9_]*)_(\d+)>/g;

const LITERAL_LABEL = 'PLACEHOLDER';

export interface Redactor {
  /** A new session: one per gateway call, so placeholders map back only within that call. */
  session(): RedactionSession;
  /** Redacts one text in a fresh session (which it returns for restoring the answer). */
  redact(text: string): RedactResult & { session: RedactionSession };
}

interface RedactorConfig {
  detector: Detector;
  actionFor: (type: string) => PiiAction;
  /** Whether any type is blocked (otherwise the per-entity check is skipped). */
  blocks: boolean;
  /** `email` → `EMAIL`, cached. */
  label: (type: string) => string;
  hash: (value: string) => string;
}

/**
 * The placeholder ↔ original map for one call. Redact every text the call sends with the same
 * session (so one value gets one placeholder across messages), then restore what comes back.
 */
export class RedactionSession {
  // Created on first use: a session per text must stay cheap, and most texts hold no entity.
  /** label → original value → placeholder */
  private byValue: Map<string, Map<string, string>> | undefined;
  private byPlaceholder: Map<string, string> | undefined;
  private nextIndex: Map<string, number> | undefined;
  /** Placeholder-shaped text the caller wrote themselves: never issued, so never restored. */
  private reserved: Set<string> | undefined;
  /** Proper prefixes of issued placeholders, built on first use (streaming) and kept up to date. */
  private prefixes: Set<string> | undefined;
  private prefixesCover = 0;
  private readonly issued: string[] = [];
  private maxPlaceholderLength = 0;
  private readonly totals: PiiCounts = {};

  /** @internal use `Redactor.session()` */
  constructor(private readonly config: RedactorConfig) {}

  /** Entities redacted so far in this session, per type. */
  get counts(): Readonly<PiiCounts> {
    return this.totals;
  }

  /** How many distinct placeholders were issued. */
  get size(): number {
    return this.byPlaceholder?.size ?? 0;
  }

  /** Longest issued placeholder, in UTF-16 units (what a stream restorer may need to hold back). */
  get longestPlaceholder(): number {
    return this.maxPlaceholderLength;
  }

  /** Redacts one text. Throws `PIIBlockedError` (before changing any state) when a blocked type is present. */
  redact(text: string): RedactResult {
    const spans = this.config.detector(text);
    const counts: PiiCounts = {};
    let blocked: PiiCounts | undefined;
    for (const s of spans) {
      counts[s.type] = (counts[s.type] ?? 0) + 1;
      if (this.config.blocks && this.config.actionFor(s.type) === 'block') (blocked ??= {})[s.type] = (blocked[s.type] ?? 0) + 1;
    }
    if (blocked) throw new PIIBlockedError(blocked);

    // Placeholder-shaped text already in the input: if we issued it, it must not restore to our
    // value, so it becomes an entity of its own; otherwise reserve it so we never issue it.
    let all: Array<PiiSpan & { literal?: true }> = spans;
    if (text.includes('<')) {
      const literals: Array<PiiSpan & { literal: true }> = [];
      PLACEHOLDER_RE.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = PLACEHOLDER_RE.exec(text)) !== null) {
        if (this.byPlaceholder?.has(m[0])) {
          const start = m.index;
          const end = start + m[0].length;
          if (spans.some((s) => s.start < end && s.end > start)) continue; // already inside an entity
          literals.push({ type: LITERAL_LABEL, start, end, value: m[0], literal: true });
        } else (this.reserved ??= new Set()).add(m[0]);
      }
      if (literals.length > 0) all = [...spans, ...literals].sort((a, b) => a.start - b.start);
    }
    if (all.length === 0) return { text, counts };

    let out = '';
    let pos = 0;
    for (const s of all) {
      out += text.slice(pos, s.start);
      out += s.literal ? this.placeholderFor(LITERAL_LABEL, s.value) : this.replacement(s);
      pos = s.end;
    }
    out += text.slice(pos);
    for (const type in counts) this.totals[type] = (this.totals[type] ?? 0) + counts[type]!;
    return { text: out, counts };
  }

  /**
   * Redacts every string inside a JSON-like value (tool-call arguments, structured tool results);
   * object keys are left as they are. Counts add to the session's totals.
   */
  redactValue<T>(value: T): T {
    return this.mapStrings(value, (s) => this.redact(s).text) as T;
  }

  /** Replaces every placeholder this session issued with its original value. */
  restore(text: string): string {
    const map = this.byPlaceholder;
    if (!map || map.size === 0 || !text.includes('<')) return text;
    return text.replace(PLACEHOLDER_RE, (ph: string) => map.get(ph) ?? ph);
  }

  /**
   * Like `restore`, for JSON text whose placeholders sit inside string literals (tool-call
   * arguments): originals are inserted JSON-escaped, so the text stays parseable.
   */
  restoreJson(text: string): string {
    const map = this.byPlaceholder;
    if (!map || map.size === 0 || !text.includes('<')) return text;
    return text.replace(PLACEHOLDER_RE, (ph: string) => {
      const original = map.get(ph);
      return original === undefined ? ph : JSON.stringify(original).slice(1, -1);
    });
  }

  /** Restores every string inside a parsed JSON-like value (e.g. a `tool-call-end`'s `arguments`). */
  restoreValue<T>(value: T): T {
    return this.mapStrings(value, (s) => this.restore(s)) as T;
  }

  /** Whether `s` is a proper prefix of a placeholder this session issued (used by the stream restorer). */
  isPlaceholderPrefix(s: string): boolean {
    const prefixes = (this.prefixes ??= new Set<string>());
    for (; this.prefixesCover < this.issued.length; this.prefixesCover++) {
      const ph = this.issued[this.prefixesCover]!;
      for (let i = 1; i < ph.length; i++) prefixes.add(ph.slice(0, i));
    }
    return prefixes.has(s);
  }

  private mapStrings(value: unknown, fn: (s: string) => string): unknown {
    if (typeof value === 'string') return fn(value);
    if (Array.isArray(value)) return value.map((v) => this.mapStrings(v, fn));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.mapStrings(v, fn);
      return out;
    }
    return value;
  }

  private replacement(s: PiiSpan): string {
    const label = this.config.label(s.type);
    switch (this.config.actionFor(s.type)) {
      case 'mask':
        return `[${label}]`;
      case 'hash':
        return `<${label}:${this.config.hash(s.value)}>`;
      default:
        return this.placeholderFor(label, s.value);
    }
  }

  private placeholderFor(label: string, value: string): string {
    const byValue = (this.byValue ??= new Map());
    let forLabel = byValue.get(label);
    if (forLabel === undefined) byValue.set(label, (forLabel = new Map()));
    const existing = forLabel.get(value);
    if (existing !== undefined) return existing;
    const nextIndex = (this.nextIndex ??= new Map());
    let n = nextIndex.get(label) ?? 1;
    let ph = `<${label}_${n}>`;
    while (this.reserved?.has(ph)) ph = `<${label}_${++n}>`;
    nextIndex.set(label, n + 1);
    forLabel.set(value, ph);
    (this.byPlaceholder ??= new Map()).set(ph, value);
    this.issued.push(ph);
    if (ph.length > this.maxPlaceholderLength) this.maxPlaceholderLength = ph.length;
    return ph;
  }
}

const ACTIONS = new Set<PiiAction>(['mask', 'placeholder', 'hash', 'block']);

/** Builds a redactor: detectors compiled once, actions per type, a salted hash. */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const defaultAction = options.defaultAction ?? 'placeholder';
  if (!ACTIONS.has(defaultAction)) throw new TypeError(`Unknown PII action ${JSON.stringify(defaultAction)}`);
  const actions = new Map<string, PiiAction>();
  for (const [type, action] of Object.entries(options.actions ?? {})) {
    if (action === undefined) continue;
    if (!ACTIONS.has(action)) throw new TypeError(`Unknown PII action ${JSON.stringify(action)} for type ${type}`);
    actions.set(type, action);
  }
  const hashLength = options.hashLength ?? 8;
  if (!Number.isInteger(hashLength) || hashLength < 4 || hashLength > 64) throw new TypeError('hashLength must be an integer from 4 to 64');
  const salt = options.salt ?? randomBytes(16).toString('hex');
  const labels = new Map<string, string>();
  const config: RedactorConfig = {
    detector: createDetector(options),
    actionFor: (type) => actions.get(type) ?? defaultAction,
    blocks: defaultAction === 'block' || [...actions.values()].includes('block'),
    label: (type) => {
      let l = labels.get(type);
      if (l === undefined) labels.set(type, (l = type.toUpperCase()));
      return l;
    },
    hash: (value) => createHash('sha256').update(salt).update('\u0000').update(value).digest('hex').slice(0, hashLength),
  };
  return {
    session: () => new RedactionSession(config),
    redact(text) {
      const session = new RedactionSession(config);
      const r = session.redact(text);
      return { text: r.text, counts: r.counts, session };
    },
  };
}
