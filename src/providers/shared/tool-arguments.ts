/**
 * Parses a tool call's JSON arguments text. An empty text means `{}` (Anthropic streams an empty
 * string for argument-less calls). Text that is not JSON is returned as the raw string so nothing is
 * lost; callers can tell by `typeof`.
 */
export function parseToolArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
