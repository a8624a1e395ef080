import { ChatStream } from '../core/chat-stream.js';
import { attemptGenerate, CALL_OBSERVER } from '../core/run-attempt.js';
import { telemetry } from '../telemetry/telemetry.js';
import { defaultPricing } from '../cost/pricing.js';
import type { AttemptGuard } from '../types/guard.js';
import { startCallObservers, type CallObserver, type Instrumentation, type Pricer } from '../core/instrumentation.js';
import { ConcurrencyLimits } from '../core/concurrency-limits.js';
import { HealthRegistry } from '../core/target-health.js';
import { ResponseBuilder } from '../core/response-builder.js';
import { ConfigError } from '../errors/config-error.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { compose, toMiddleware, type Handler } from '../middleware/compose.js';
import { firstIssue } from '../request/normalize-request.js';
import { normalizeRequest } from '../request/normalize-request.js';
import type { CallContext, ResolvedModel } from '../types/middleware.js';
import type { ProviderAdapter } from '../types/provider-adapter.js';
import type { ChatRequest, RequestMetadata } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { Target } from '../types/target.js';
import type { TargetHealthRegistry } from '../types/routing.js';
import { createCallSignal } from './call-signal.js';
import { gatewayConfigSchema } from './config-schema.js';
import type { GatewayConfig } from './gateway-config.js';
import { createOpenAIFacade, type OpenAIFacade } from '../openai-compat/openai-facade.js';
import { Router, type AliasSpec } from './router.js';

export interface Gateway {
  /** One call, answered as a whole. */
  chat(request: ChatRequest): Promise<ChatResponse>;
  /** One call, answered as a stream of typed events. Throws at once on an invalid request. */
  stream(request: ChatRequest): ChatStream;
  /** OpenAI-shaped facade: `gateway.openai.chat.completions.create(params)`. */
  readonly openai: OpenAIFacade;
  /** Where a `provider/model` string goes; undefined for an alias (its layers decide). */
  resolveTarget(model: string): Target | undefined;
  /** Registered provider names. */
  readonly providers: readonly string[];
  /** Configured alias names. */
  readonly aliases: readonly string[];
  /** The adapter registered under `name`. */
  provider(name: string): ProviderAdapter | undefined;
  /** Health of every target (latency averages, in-flight attempts, circuit state). */
  readonly health: TargetHealthRegistry;
}

const EMPTY_METADATA: Readonly<RequestMetadata> = Object.freeze({});
const idPrefix = Math.random().toString(36).slice(2, 8);
let callCounter = 0;

/**
 * Creates a gateway over the host's own SDK clients. The config is validated up front: a bad field
 * throws ConfigError naming its path, and nothing is half-built.
 */
export function createGateway(config: GatewayConfig): Gateway {
  const parsed = gatewayConfigSchema.safeParse(config);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw new ConfigError(path, message, { cause: parsed.error });
  }
  const providers = new Map(Object.entries(config.providers));
  const aliases = new Map<string, AliasSpec>();
  for (const [name, spec] of Object.entries(config.models ?? {})) {
    if (typeof spec === 'string') aliases.set(name, { target: spec, middleware: [] });
    else if (Array.isArray(spec)) aliases.set(name, { target: undefined, middleware: spec.map(toMiddleware) });
    else aliases.set(name, { target: spec.target, middleware: (spec.middleware ?? []).map(toMiddleware) });
  }
  checkAliases(aliases, providers);
  for (const key of Object.keys(config.concurrency ?? {})) {
    const provider = key.includes('/') ? key.slice(0, key.indexOf('/')) : key;
    if (!providers.has(provider)) throw new ConfigError(`concurrency.${key}`, `no provider named '${provider}'`);
  }

  const health = new HealthRegistry(config.circuitBreaker);
  const instrumentation: Instrumentation[] = [...(config.instrumentation ?? [])];
  // On by default: with no OpenTelemetry SDK registered it costs a fraction of a microsecond.
  if (config.telemetry !== false) instrumentation.unshift(telemetry(config.telemetry ?? {}));
  const pricer: Pricer | undefined = config.pricing === false ? undefined : guardedPricer(config.pricing ?? defaultPricing());
  const router = new Router(providers, aliases, { health, limits: new ConcurrencyLimits(config.concurrency), pricer });
  const layers = (config.middleware ?? []).map(toMiddleware);
  const pipeline: Handler = compose(layers, router.dispatch);
  const defaultTimeout = config.defaults?.timeout;
  const resolveModel = (model: string): ResolvedModel | undefined => {
    const r = router.resolve(model);
    return r.kind === 'target' ? { target: r.target, kind: r.adapter.kind, capabilities: r.adapter.capabilities ?? {} } : undefined;
  };

  function start(request: ChatRequest, mode: 'generate' | 'stream') {
    const normalized = normalizeRequest(request);
    // Resolve now so an unknown model fails before any layer runs.
    const route = router.resolve(request.model);
    const callSignal = createCallSignal(request.signal, request.timeout ?? defaultTimeout, mode === 'stream');
    const ctx: CallContext = {
      id: `${idPrefix}-${++callCounter}`,
      mode,
      model: request.model,
      requestedModel: request.model,
      request: normalized,
      metadata: request.metadata ?? EMPTY_METADATA,
      signal: callSignal.signal,
      deadline: callSignal.deadline,
      attempts: [],
      state: new Map(),
      routing: [],
      limits: undefined,
      guards: NO_GUARDS,
      health,
      startedAt: performance.now(),
      resolve: resolveModel,
    };
    const observer = guardedStart(instrumentation, ctx);
    if (observer) ctx.state.set(CALL_OBSERVER, observer);
    return { ctx, callSignal, route, observer };
  }

  const gateway: Gateway = {
    async chat(request) {
      const { ctx, callSignal, route, observer } = start(request, 'generate');
      const startedAt = Date.now();
      const t0 = performance.now();
      const builder = new ResponseBuilder(t0);
      try {
        if (layers.length === 0 && route.kind === 'target') {
          // Nothing can observe the events in between, so skip iterating them one by one.
          for (const ev of await attemptGenerate(ctx, route.target, route.adapter, router.services)) builder.add(ev);
        } else {
          for await (const ev of pipeline(ctx)) builder.add(ev);
        }
        if (!builder.finish) throw noFinish();
      } catch (err) {
        observer?.end(undefined, err);
        throw withAttempts(err, ctx.attempts);
      } finally {
        callSignal.cleanup();
      }
      const response = builder.build(builder.finish, startedAt, ctx.attempts, ctx.routing);
      observer?.end(response, undefined);
      return response;
    },

    stream(request) {
      const { ctx, callSignal, observer } = start(request, 'stream');
      const startedAt = Date.now();
      const t0 = performance.now();
      const builder = new ResponseBuilder(t0);
      return new ChatStream({
        get events() {
          return pipeline(ctx);
        },
        observe: (ev) => builder.add(ev),
        complete: () => {
          if (!builder.finish) throw noFinish();
          const response = builder.build(builder.finish, startedAt, ctx.attempts, ctx.routing);
          observer?.end(response, undefined);
          return response;
        },
        fail: (err) => {
          observer?.end(undefined, err);
          return withAttempts(err, ctx.attempts);
        },
        cancel: callSignal.cancel,
        cleanup: callSignal.cleanup,
      });
    },

    openai: undefined as unknown as OpenAIFacade,

    resolveTarget(model) {
      const route = router.resolve(model);
      return route.kind === 'target' ? route.target : undefined;
    },

    providers: [...providers.keys()],
    aliases: [...aliases.keys()],

    provider: (name) => providers.get(name),

    health,
  };
  (gateway as { openai: OpenAIFacade }).openai = createOpenAIFacade(gateway);
  return gateway;
}

/** A user's pricer that throws must not fail an attempt that succeeded: no cost is the outcome. */
function guardedPricer(pricer: Pricer): Pricer {
  return {
    price(target, kind, usage, at) {
      try {
        return pricer.price(target, kind, usage, at);
      } catch {
        return undefined;
      }
    },
  };
}

/** Starts the call's observers so that neither starting nor ending them can throw into the call. */
const NO_GUARDS: readonly AttemptGuard[] = Object.freeze([]);

function guardedStart(instrumentation: readonly Instrumentation[], ctx: CallContext): CallObserver | undefined {
  let observer: CallObserver | undefined;
  try {
    observer = startCallObservers(instrumentation, ctx);
  } catch {
    return undefined;
  }
  if (!observer) return undefined;
  const inner = observer;
  return {
    startAttempt: (start) => inner.startAttempt(start),
    end: (response, error) => {
      try {
        inner.end(response, error);
      } catch {
        // an observer's failure must never fail the call
      }
    },
  };
}

function withAttempts(err: unknown, attempts: CallContext['attempts']): unknown {
  if (err instanceof SwitchyardError && err.attempts === undefined) err.attempts = attempts;
  return err;
}

function noFinish(): SwitchyardError {
  return new SwitchyardError('no_finish', 'the call ended without a finish event (a middleware swallowed it?)');
}

function checkAliases(aliases: Map<string, AliasSpec>, providers: Map<string, ProviderAdapter>): void {
  for (const [name, spec] of aliases) {
    const path = `models.${name}${spec.middleware.length > 0 ? '.target' : ''}`;
    if (spec.target === undefined) {
      if (spec.middleware.length === 0) throw new ConfigError(`models.${name}`, 'an alias needs a target or route middleware that chooses one');
      continue;
    }
    // Follow the alias chain to a provider/model, refusing cycles.
    const seen = new Set([name]);
    let target = spec.target;
    while (aliases.has(target)) {
      if (seen.has(target)) throw new ConfigError(path, `alias cycle: ${[...seen, target].join(' -> ')}`);
      seen.add(target);
      const t = aliases.get(target)!.target;
      if (t === undefined) break;
      target = t;
    }
    if (aliases.has(target)) continue;
    const slash = target.indexOf('/');
    if (slash <= 0) throw new ConfigError(path, `'${target}' is neither an alias nor 'provider/model'`);
    if (!providers.has(target.slice(0, slash))) {
      throw new ConfigError(path, `no provider named '${target.slice(0, slash)}' (registered: ${[...providers.keys()].join(', ')})`);
    }
  }
}
