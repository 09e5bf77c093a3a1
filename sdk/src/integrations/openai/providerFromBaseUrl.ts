/**
 * Which provider an OpenAI-format client talks to, from its base URL's host
 * (`gen_ai.provider.name`): api.openai.com is `openai`, api.together.xyz is `together`, and so
 * on. A host we do not know (a self-hosted TitanML Takeoff, vLLM or a proxy) is reported as
 * `openai`, the API it speaks, unless the integration is given a `provider` option.
 */
const KNOWN_HOSTS: readonly (readonly [suffix: string, provider: string])[] = [
  ['openai.azure.com', 'azure.ai.openai'],
  ['openai.com', 'openai'],
  ['together.xyz', 'together'],
  ['together.ai', 'together'],
  ['groq.com', 'groq'],
  ['deepseek.com', 'deepseek'],
  ['mistral.ai', 'mistral_ai'],
  ['x.ai', 'x_ai'],
  ['fireworks.ai', 'fireworks'],
  ['perplexity.ai', 'perplexity'],
  ['openrouter.ai', 'openrouter'],
  ['deepinfra.com', 'deepinfra'],
  ['anyscale.com', 'anyscale'],
  ['titanml.co', 'titanml'],
  ['generativelanguage.googleapis.com', 'gcp.gemini'],
];

export function providerFromHost(host: string | undefined): string {
  if (!host) return 'openai';
  const lower = host.toLowerCase();
  for (const [suffix, provider] of KNOWN_HOSTS)
    if (lower === suffix || lower.endsWith(`.${suffix}`)) return provider;
  return 'openai';
}
