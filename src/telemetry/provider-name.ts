// `gen_ai.provider.name` for an attempt. The conventions define well-known values; the value says
// what the instrumentation knows (an OpenAI-compatible server reached through the OpenAI SDK is not
// `openai`), and providers outside the list get a custom lowercase value.

/** What is known about where an attempt goes. */
export interface ProviderInfo {
  /** The name the provider was registered under in `createGateway({ providers })`. */
  provider: string;
  /** The adapter kind: `openai`, `anthropic`, `gemini`, or a custom adapter's. */
  kind: string;
  server: { address: string; port?: number } | undefined;
}

/** Registration names (lowercased, `-` and ` ` read as `_`) that name a well-known provider. */
const BY_NAME: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  azureopenai: 'azure.ai.openai',
  azure_ai_openai: 'azure.ai.openai',
  azure_ai_inference: 'azure.ai.inference',
  bedrock: 'aws.bedrock',
  aws_bedrock: 'aws.bedrock',
  cohere: 'cohere',
  deepseek: 'deepseek',
  gemini: 'gcp.gemini',
  vertex: 'gcp.vertex_ai',
  vertex_ai: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  groq: 'groq',
  watsonx: 'ibm.watsonx.ai',
  mistral: 'mistral_ai',
  mistral_ai: 'mistral_ai',
  mistralai: 'mistral_ai',
  perplexity: 'perplexity',
  xai: 'x_ai',
  x_ai: 'x_ai',
  grok: 'x_ai',
  moonshot: 'moonshot_ai',
  moonshot_ai: 'moonshot_ai',
};

/** Host suffixes of well-known providers' API endpoints. */
const BY_HOST: ReadonlyArray<readonly [suffix: string, value: string]> = [
  ['api.openai.com', 'openai'],
  ['.openai.azure.com', 'azure.ai.openai'],
  ['.services.ai.azure.com', 'azure.ai.inference'],
  ['.models.ai.azure.com', 'azure.ai.inference'],
  ['api.anthropic.com', 'anthropic'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
  ['aiplatform.googleapis.com', 'gcp.vertex_ai'],
  ['api.groq.com', 'groq'],
  ['api.deepseek.com', 'deepseek'],
  ['api.mistral.ai', 'mistral_ai'],
  ['api.x.ai', 'x_ai'],
  ['api.perplexity.ai', 'perplexity'],
  ['api.cohere.com', 'cohere'],
  ['api.cohere.ai', 'cohere'],
  ['api.moonshot.ai', 'moonshot_ai'],
  ['api.moonshot.cn', 'moonshot_ai'],
];

/**
 * The `gen_ai.provider.name` value:
 * - `anthropic` kind → `anthropic`; `gemini` kind → `gcp.gemini` (`gcp.vertex_ai` when the server is
 *   `aiplatform.googleapis.com`);
 * - any other kind (OpenAI and OpenAI-compatible, custom adapters): the registration name when it
 *   names a well-known provider (`openai`, `groq`, `deepseek`, `mistral`, `xai`, `azure`, …), else
 *   the server's host when it is a well-known endpoint (`api.groq.com`, `*.openai.azure.com`, …),
 *   else the registration name, lowercased.
 */
export function genAiProviderName(info: ProviderInfo): string {
  const host = info.server?.address.toLowerCase();
  if (info.kind === 'anthropic') return 'anthropic';
  if (info.kind === 'gemini') return host?.endsWith('aiplatform.googleapis.com') ? 'gcp.vertex_ai' : 'gcp.gemini';
  const name = info.provider.toLowerCase();
  const known = BY_NAME[name.replace(/[-\s.]/g, '_')];
  if (known) return known;
  if (host) for (const [suffix, value] of BY_HOST) if (host === suffix || host.endsWith(suffix.startsWith('.') ? suffix : `.${suffix}`)) return value;
  return name;
}
