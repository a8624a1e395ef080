import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { anthropic, createGateway, gemini, openai, type Gateway } from '../../src/index.js';
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeServer } from '../../src/testing/index.js';

/** The three real SDK clients, each against its own fake server, behind one gateway. */
export interface SdkFixture {
  servers: { openai: FakeServer; anthropic: FakeServer; google: FakeServer };
  clients: { openai: OpenAI; anthropic: Anthropic; google: GoogleGenAI };
  gateway: Gateway;
  close(): Promise<void>;
}

export const MODELS = {
  openai: 'openai/gpt-4.1-mini',
  anthropic: 'anthropic/claude-sonnet-4-6',
  google: 'google/gemini-2.5-flash',
} as const;

export type ProviderName = keyof typeof MODELS;

export async function startSdkFixture(gatewayOptions: Partial<Parameters<typeof createGateway>[0]> = {}): Promise<SdkFixture> {
  const [o, a, g] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  // SDK defaults are left alone (2 retries for OpenAI/Anthropic) to prove the adapters turn them off.
  const clients = {
    openai: new OpenAI({ apiKey: 'sk-test', baseURL: o.baseURL, logLevel: 'off' }),
    anthropic: new Anthropic({ apiKey: 'sk-ant-test', baseURL: a.baseURL, logLevel: 'off' }),
    google: new GoogleGenAI({ apiKey: 'g-test', vertexai: false, httpOptions: { baseUrl: g.baseURL } }),
  };
  const gateway = createGateway({
    providers: { openai: openai(clients.openai), anthropic: anthropic(clients.anthropic), google: gemini(clients.google) },
    ...gatewayOptions,
  });
  return {
    servers: { openai: o, anthropic: a, google: g },
    clients,
    gateway,
    close: async () => {
      await Promise.all([o.close(), a.close(), g.close()]);
    },
  };
}
