import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeAnthropic, startFakeOpenAI, type FakeServer } from '../../../src/testing/index.js';

// Every TypeScript block of docs/routing.md, type-checked against the real API and run. Blocks that
// construct real SDK clients (`new OpenAI()`, `new Anthropic()`, `new AzureOpenAI({ endpoint })`)
// reach fake servers through the environment variables those SDKs read. A ```text block right after
// a ```ts block is the output the block prints with console.log, line for line.

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const DOC = 'docs/routing.md';

interface Block {
  /** 1-based line of the opening fence in the doc. */
  line: number;
  code: string;
  expected: string[] | undefined;
}

function extractBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  /** Index of the closing fence of the last ts block, while only blank lines have followed it. */
  let lastTsEnd = -1;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() !== '') lastTsEnd = -1;
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    if (open[1] === 'ts') {
      out.push({ line: start + 1, code: body.join('\n'), expected: undefined });
      lastTsEnd = i;
    } else {
      // A text block right after a ts block (blank lines only between) is that block's output.
      if (open[1] === 'text' && lastTsEnd >= 0) out[out.length - 1]!.expected = body;
      lastTsEnd = -1;
    }
  }
  return out;
}

const markdown = readFileSync(join(root, DOC), 'utf8');
const blocks = extractBlocks(markdown);

let dir: string;
let files: string[] = [];
let openaiServer: FakeServer;
let anthropicServer: FakeServer;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dir = mkdtempSync(join(here, '.docs-'));
  const src = relative(dir, join(root, 'src')).split('\\').join('/');
  files = blocks.map((b, n) => {
    const file = join(dir, `block-${String(n + 1).padStart(2, '0')}-line-${b.line}.ts`);
    const code = b.code.replace(/from 'switchyard\/testing'/g, `from '${src}/testing/index.js'`).replace(/from 'switchyard'/g, `from '${src}/index.js'`);
    // `export {}` makes each block a module of its own (top-level await, no shared globals).
    writeFileSync(file, `${code}\nexport {};\n`);
    return file;
  });
  const o = await startFakeOpenAI();
  const a = await startFakeAnthropic();
  openaiServer = o;
  anthropicServer = a;
  Object.assign(process.env, {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: o.baseURL,
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: a.baseURL,
    AZURE_OPENAI_API_KEY: 'azure-test',
    AZURE_OPENAI_EASTUS_ENDPOINT: o.origin,
    AZURE_OPENAI_SWEDEN_ENDPOINT: o.origin,
    AZURE_OPENAI_WESTUS_ENDPOINT: o.origin,
  });
});

afterAll(async () => {
  process.env = savedEnv;
  if (dir) rmSync(dir, { recursive: true, force: true });
  await Promise.all([openaiServer?.close(), anthropicServer?.close()]);
});

describe(`${DOC}: the code blocks`, () => {
  it('has code blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it('type-check against the real API', () => {
    const configPath = join(root, 'tsconfig.json');
    const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
    const problems: string[] = [];
    for (const file of files) {
      const sf = program.getSourceFile(file)!;
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        const { line } = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : { line: 0 };
        const docLine = blocks[files.indexOf(file)]!.line + 1 + line;
        problems.push(`${DOC}:${docLine}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      }
    }
    expect(problems).toEqual([]);
  }, 60_000);

  it.each(blocks.map((b, n) => [b.line, n] as const))(`the block at ${DOC}:%i runs (and prints what the doc says)`, async (_line, n) => {
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // `AzureOpenAI` refuses OPENAI_BASE_URL next to an `endpoint`: a machine set up for Azure has none.
    const azureOnly = blocks[n]!.code.includes('AzureOpenAI') && !blocks[n]!.code.includes('new OpenAI(');
    const baseURL = process.env.OPENAI_BASE_URL;
    if (azureOnly) delete process.env.OPENAI_BASE_URL;
    try {
      await import(pathToFileURL(files[n]!).href);
    } finally {
      if (azureOnly) process.env.OPENAI_BASE_URL = baseURL;
      log.mockRestore();
      warn.mockRestore();
    }
    const expected = blocks[n]!.expected;
    if (expected) expect(printed.join('\n').split('\n')).toEqual(expected);
  });
});
