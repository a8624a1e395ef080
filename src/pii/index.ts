export type { AllowEntry, BuiltinPiiType, CustomDetector, DetectOptions, DetectorFn, PiiSpan, PiiType } from './types.js';
export { createDetector, detect, type Detector } from './detect.js';
export {
  BUILTIN_DETECTORS,
  BUILTIN_PII_TYPES,
  detectApiKeys,
  detectCreditCards,
  detectEmails,
  detectIbans,
  detectIpv4,
  detectIpv6,
  detectJwts,
  detectPhones,
  detectPrivateKeys,
  detectUrlCredentials,
  detectUsSsns,
  phoneValid,
} from './detectors.js';
export { ibanValid, ipv4Valid, ipv6Valid, jwtValid, luhnValid, plausibleCardIin, ssnValid } from './validators.js';
export {
  createRedactor,
  PLACEHOLDER_RE,
  RedactionSession,
  type PiiAction,
  type PiiCounts,
  type RedactResult,
  type Redactor,
  type RedactorOptions,
} from './redactor.js';
export { createStreamRestorer, type StreamRestorer, type StreamRestorerOptions } from './stream-restorer.js';
export { PIIBlockedError } from './pii-blocked-error.js';
export { redactPII, redactRequest, type RedactPIIOptions } from './redact-pii.js';
