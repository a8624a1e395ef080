// Thin adapters: three npm redaction libraries as `Contestant`s for evaluate.ts (switchyard's own
// adapter is in switchyard.ts).
// Every library runs with its defaults (what a user gets from its README's first example); all
// three run offline (no API key, no model download), so every number in the report is measured.
//
// - redact-pii 3 (`SyncRedactor`): regex built-ins incl. names, street addresses, digits and URLs;
//   the Google DLP redactor is opt-in and not used. Returns text only.
// - @redactpii/node 1 (`Redactor`): five regexes (credit card, email, name, US phone, SSN); the
//   dashboard hook is off without an apiKey. Returns text only.
// - openredaction 1 (`OpenRedaction`): several hundred regex patterns with validators and context
//   scoring, async `detect()` returning the redacted text and the detections (used to attribute
//   false positives to a type).
import { Redactor as RedactPiiNode } from '@redactpii/node';
import { OpenRedaction } from 'openredaction';
import { SyncRedactor } from 'redact-pii';
import { ENTITY_TYPES, type EntityType } from './corpus/index.js';
import type { Contestant, DetectedSpan } from './evaluate.js';
import { switchyard } from './switchyard.js';

export { switchyard };

export function redactPii(): Contestant {
  const r = new SyncRedactor();
  return { name: 'redact-pii', redact: (text) => r.redact(text), claims: ['email', 'phone', 'credit_card', 'us_ssn', 'ipv4'] };
}

export function redactPiiNode(): Contestant {
  const r = new RedactPiiNode();
  return { name: '@redactpii/node', redact: (text) => r.redact(text), claims: ['email', 'phone', 'credit_card', 'us_ssn'] };
}

/** openredaction's type names (several hundred) onto the corpus types; the rest count as unattributed. */
function openRedactionType(t: string): EntityType | undefined {
  if (t === 'EMAIL') return 'email';
  if (t.startsWith('PHONE')) return 'phone';
  if (t === 'CREDIT_CARD') return 'credit_card';
  if (t === 'SSN') return 'us_ssn';
  if (t.includes('IBAN')) return 'iban';
  if (t === 'IPV4') return 'ipv4';
  if (t === 'IPV6') return 'ipv6';
  if (t === 'JWT_TOKEN') return 'jwt';
  if (t === 'PRIVATE_KEY' || t === 'SSH_PRIVATE_KEY') return 'private_key';
  if (t === 'DATABASE_CONNECTION' || t === 'URL_WITH_AUTH') return 'url_credentials';
  if (/API_KEY|ACCESS_KEY|SECRET_KEY|_TOKEN$|^SLACK_/.test(t)) return 'api_key';
  return undefined;
}

export function openRedaction(): Contestant {
  const r = new OpenRedaction();
  // One detect() per text serves both the redacted text and the spans of that same call.
  let lastText: string | undefined;
  let lastSpans: DetectedSpan[] = [];
  return {
    name: 'openredaction',
    async redact(text) {
      const res = await r.detect(text);
      lastText = text;
      lastSpans = res.detections.map((d) => ({ start: d.position[0], end: d.position[1], type: d.type }));
      return res.redacted;
    },
    async spans(text) {
      if (text !== lastText) await this.redact(text);
      return lastSpans;
    },
    mapType: openRedactionType,
    claims: ENTITY_TYPES,
  };
}

/** Every contestant, switchyard first. */
export function contestants(): Contestant[] {
  return [switchyard(), redactPii(), redactPiiNode(), openRedaction()];
}
