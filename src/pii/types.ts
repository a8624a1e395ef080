/** The built-in entity types. Custom detectors may use any other lower_snake_case name. */
export type BuiltinPiiType =
  | 'email'
  | 'phone'
  | 'credit_card'
  | 'us_ssn'
  | 'iban'
  | 'ipv4'
  | 'ipv6'
  | 'api_key'
  | 'jwt'
  | 'private_key'
  | 'url_credentials';

// `string & {}` keeps editor completion for the built-in names while accepting custom ones.
export type PiiType = BuiltinPiiType | (string & {});

/** One detected entity. Offsets are UTF-16 code unit indices into the scanned string (`end` exclusive). */
export interface PiiSpan {
  type: PiiType;
  start: number;
  end: number;
  value: string;
}

/** A built-in detector: a pure function from text to the spans it finds, in order of `start`. */
export type DetectorFn = (text: string) => PiiSpan[];

/**
 * A detector the host adds. Either a pattern (every match is a candidate; `validate` may reject it)
 * or a function returning `{ start, end }` ranges. `priority` breaks ties between overlapping spans
 * of equal length (built-ins use 30–100; the default for custom detectors is 75).
 */
export type CustomDetector =
  | { type: string; pattern: RegExp; validate?: (value: string) => boolean; priority?: number }
  | {
      type: string;
      detect: (text: string) => Iterable<{ start: number; end: number }>;
      priority?: number;
    };

/** A value that is never redacted: the exact string, or a RegExp tested against the detected value. */
export type AllowEntry = string | RegExp;

export interface DetectOptions {
  /** Built-in types to run. Default: all of them. */
  types?: readonly BuiltinPiiType[];
  /** Extra detectors. */
  custom?: readonly CustomDetector[];
  /** Values never reported. */
  allow?: readonly AllowEntry[];
}
