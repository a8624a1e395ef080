import { ConfigError } from '../errors/config-error.js';
import { InvalidRequestError } from '../errors/invalid-request-error.js';
import { compose, type Handler } from '../middleware/compose.js';
import { runAttempt, type AttemptServices } from '../core/run-attempt.js';
import type { Middleware } from '../types/middleware.js';
import type { ProviderAdapter } from '../types/provider-adapter.js';
import type { Target } from '../types/target.js';

export interface AliasSpec {
  target: string | undefined;
  middleware: Middleware[];
}

export type Route = { kind: 'target'; target: Target; adapter: ProviderAdapter } | { kind: 'alias'; name: string; handler: Handler };

/**
 * Resolves model strings (aliases first, then `provider/model` split at the first `/`) and is the
 * innermost handler of every chain: a layer that re-routes with `next({ model })` lands here, so an
 * alias reached that way runs its own route middleware too.
 */
export class Router {
  private readonly routes = new Map<string, Route>();
  readonly dispatch: Handler;

  constructor(
    private readonly providers: ReadonlyMap<string, ProviderAdapter>,
    aliases: ReadonlyMap<string, AliasSpec>,
    readonly services: AttemptServices,
  ) {
    this.dispatch = (ctx) => {
      const route = this.resolve(ctx.model);
      if (route.kind === 'target') return runAttempt(ctx, route.target, route.adapter, services);
      return route.handler(ctx);
    };
    for (const [name, spec] of aliases) {
      // Inside an alias the call is addressed to the alias's target (if any); the chain's end
      // dispatches wherever the layers left it.
      const terminal: Handler = (ctx) => {
        if (ctx.model === name) {
          throw new ConfigError(`models.${name}`, `alias '${name}' has no target and its middleware did not choose one`);
        }
        return this.dispatch(ctx);
      };
      const chain = compose(spec.middleware, terminal);
      const handler: Handler = spec.target === undefined ? chain : (ctx) => chain({ ...ctx, model: spec.target! });
      this.routes.set(name, { kind: 'alias', name, handler });
    }
  }

  /** Looks up a model string; throws InvalidRequestError naming `model` when nothing matches. */
  resolve(model: string): Route {
    const cached = this.routes.get(model);
    if (cached) return cached;
    const slash = model.indexOf('/');
    if (slash <= 0 || slash === model.length - 1) {
      throw new InvalidRequestError('model', `'${model}' is neither an alias nor 'provider/model' (aliases: ${[...this.aliasNames()].join(', ') || 'none'})`);
    }
    const provider = model.slice(0, slash);
    const adapter = this.providers.get(provider);
    if (!adapter) {
      throw new InvalidRequestError('model', `no provider named '${provider}' (registered: ${[...this.providers.keys()].join(', ')})`);
    }
    const route: Route = { kind: 'target', target: { provider, model: model.slice(slash + 1), id: model }, adapter };
    // Bounded: callers choose model strings, so do not let arbitrary ones grow the cache forever.
    if (this.routes.size < 10_000) this.routes.set(model, route);
    return route;
  }

  private *aliasNames(): Iterable<string> {
    for (const [name, r] of this.routes) if (r.kind === 'alias') yield name;
  }
}
