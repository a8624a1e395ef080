import type OpenAI from 'openai';
import type { Gateway } from '../gateway/create-gateway.js';
import { createOpenAIFacade, type OpenAIFacadeOptions } from './openai-facade.js';

/**
 * Returns `client` with `chat.completions.create` served by the gateway; every other property and
 * method is the client's own. Existing code keeps its types and call sites. Bare model names go to
 * `options.provider` (default: the first registered OpenAI provider); `provider/model` strings and
 * aliases route as usual, so an Anthropic or Gemini model can serve OpenAI-shaped code unchanged.
 */
export function wrapOpenAI<T extends OpenAI>(client: T, gateway: Gateway, options: OpenAIFacadeOptions = {}): T {
  const facade = createOpenAIFacade(gateway, options);
  const completions = overlay(client.chat.completions, { create: facade.chat.completions.create });
  const chat = overlay(client.chat, { completions });
  return overlay(client, { chat });
}

/**
 * A view of `target` with some properties replaced. Methods are bound to the real object so SDK
 * classes with private fields keep working through the proxy.
 */
function overlay<T extends object>(target: T, replaced: Record<PropertyKey, unknown>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.prototype.hasOwnProperty.call(replaced, prop)) return replaced[prop];
      const value: unknown = Reflect.get(t, prop, t);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}
