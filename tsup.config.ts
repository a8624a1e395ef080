import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', redis: 'src/redis/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  // Peers and optional peers are never bundled: the host's own SDK instances must be used as given.
  external: ['openai', '@anthropic-ai/sdk', '@google/genai', '@opentelemetry/api', 'zod', 'p-retry', 'p-limit', 'ioredis', 'gpt-tokenizer', /^gpt-tokenizer\//],
});
