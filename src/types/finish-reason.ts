/**
 * Why generation stopped, unified across providers. `other` covers reasons with no common meaning
 * (the provider's value is always kept as `rawFinishReason`).
 */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'other';
