// Public surface of the telemetry module (re-exported from the package root).
export { telemetry, type TelemetryOptions } from './telemetry.js';
export type { ContentCapture } from './content-capture.js';
export type { SemconvMode } from './semconv-mode.js';
export type { ProviderInfo } from './provider-name.js';
export { genAiProviderName } from './provider-name.js';
