import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('a service with only openai installed', () => {
  it('imports and uses switchyard without the Anthropic and Gemini SDKs resolvable', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--import', './test/fixtures/block-sdks.mjs', 'test/fixtures/only-openai.ts'], {
      cwd: root,
      timeout: 30_000,
    });
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(out).toEqual({ blocked: true, text: 'Echo: hi', streamed: 'Echo: again' });
  });
});
