// PII redaction end to end: `npm run example:pii`.
//
// An in-memory mock provider stands in for the model (no keys, no network); it answers by quoting
// what it received, as models do. The example shows:
// - what the provider actually received: placeholders, never the originals;
// - the answer restored for the caller, in a generate call and in a stream whose placeholders are
//   split across chunks;
// - per-type counts on the response (never values);
// - a `block` action: a private key in a prompt fails the call before anything is sent.
//
// In an application, import from 'switchyard' and 'switchyard/testing' instead of ../src.
import { createGateway, PIIBlockedError, redactPII } from '../src/index.js';
import { mockProvider } from '../src/testing/index.js';

const llm = mockProvider({
  fallback: (request) => {
    const last = request.messages.at(-1)!;
    const prompt = typeof last.content === 'string' ? last.content : '';
    const placeholders = prompt.match(/<[A-Z_]+_\d+>/g) ?? [];
    const text = `I will email ${placeholders[0] ?? 'them'} and call ${placeholders[1] ?? 'them'} about the refund.`;
    // Stream it in 5-character pieces, so placeholders straddle chunk boundaries.
    return { text, chunks: text.match(/.{1,5}/gs) ?? [text] };
  },
});

const gateway = createGateway({
  providers: { llm },
  models: { assistant: 'llm/support-model' },
  middleware: [redactPII({ actions: { private_key: 'block', credit_card: 'mask' } })],
  telemetry: false,
});

const ticket =
  'Customer 🙂 Jane Roe (jane.roe@example.com, +44 20 7946 0958) was charged twice on card 4111 1111 1111 1111. ' +
  'Server 10.20.30.40 logged it; our key sk-proj-4f9aQ2xT8kLmN3pR7sV1wY6zB0cD5eG leaked in the paste.';

const res = await gateway.chat({ model: 'assistant', messages: [{ role: 'user', content: ticket }] });
const sent = llm.calls[0]!.request.messages[0]!.content as string;
console.log('the provider received:\n ', sent);
console.log('\nthe caller gets:\n ', res.text);
console.log('\nredacted, per type:', res.routing.find((e) => e.layer === 'redact-pii')?.detail);
for (const secret of ['jane.roe@example.com', '4111 1111 1111 1111', 'sk-proj-4f9aQ2xT8kLmN3pR7sV1wY6zB0cD5eG']) {
  if (sent.includes(secret)) throw new Error(`leaked: ${secret}`);
}

const stream = gateway.stream({ model: 'assistant', messages: [{ role: 'user', content: ticket }] });
let streamed = '';
for await (const piece of stream.textStream) streamed += piece;
console.log('\nstreamed and restored across chunk boundaries:\n ', streamed);

const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';
const before = llm.calls.length;
try {
  await gateway.chat({ model: 'assistant', messages: [{ role: 'user', content: `Why does this fail?\n${pem}` }] });
} catch (err) {
  if (!(err instanceof PIIBlockedError)) throw err;
  console.log(`\nblocked: ${err.message} (provider calls made: ${llm.calls.length - before})`);
}
