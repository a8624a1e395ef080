import type { MatchRule } from './price-types.js';

// Evaluates the price table's model-name rules with the source's semantics: string comparisons
// are case-insensitive, regexes are tested against the name as given. Only runs when a
// (provider, model) pair is resolved for the first time; the result is cached by the caller.

const regexes = new Map<string, RegExp>();

/** Whether `name` matches `rule`. `lower` is `name.toLowerCase()`, passed in to avoid recomputing it per rule. */
export function matchesRule(rule: MatchRule, name: string, lower: string = name.toLowerCase()): boolean {
  if ('equals' in rule) return lower === rule.equals.toLowerCase();
  if ('starts_with' in rule) return lower.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return lower.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return lower.includes(rule.contains.toLowerCase());
  if ('regex' in rule) {
    let re = regexes.get(rule.regex);
    if (!re) regexes.set(rule.regex, (re = new RegExp(rule.regex)));
    return re.test(name);
  }
  if ('or' in rule) return rule.or.some((r) => matchesRule(r, name, lower));
  if ('and' in rule) return rule.and.every((r) => matchesRule(r, name, lower));
  return false;
}
