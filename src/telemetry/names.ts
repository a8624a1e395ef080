// Every attribute, span, event and metric name telemetry writes, in one place. Our own string
// constants rather than `@opentelemetry/semantic-conventions/incubating`: the GenAI names there are
// deprecated, frozen at v1.41 and miss the newer ones, and the package advises copying them.

/** Instrumentation scope (tracer and meter) name. Not `ai`: Langfuse special-cases that scope. */
export const SCOPE_NAME = 'switchyard';

// --- GenAI semantic conventions (v1.41; HEAD differences noted) ----------------------------------

export const ATTR_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_OUTPUT_TYPE = 'gen_ai.output.type';

export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences';
export const ATTR_REQUEST_SEED = 'gen_ai.request.seed';
export const ATTR_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';
export const ATTR_REQUEST_STREAM = 'gen_ai.request.stream';

export const ATTR_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';

export const ATTR_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
/** v1.41 name; HEAD renamed it to {@link ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS}. */
export const ATTR_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
/** HEAD (`gen_ai_latest_experimental`) name of the cache-write subset of input tokens. */
export const ATTR_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_write.input_tokens';
export const ATTR_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';

/** USD cost of the attempt, as a double. Vendor attribute (OpenLIT) that Langfuse and the Grafana dashboards read. */
export const ATTR_USAGE_COST = 'gen_ai.usage.cost';
/** HEAD (unreleased PR #443) cost attributes, written only under `gen_ai_latest_experimental`. */
export const ATTR_USAGE_COST_AMOUNT = 'gen_ai.usage.cost.amount';
export const ATTR_USAGE_COST_CURRENCY = 'gen_ai.usage.cost.currency';
export const ATTR_USAGE_COST_SOURCE = 'gen_ai.usage.cost.source';

export const ATTR_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions';

export const ATTR_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_TOKEN_MODALITY = 'gen_ai.token.modality';

export const ATTR_OPENAI_API_TYPE = 'openai.api.type';

// --- borrowed stable attributes ------------------------------------------------------------------

export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

// --- switchyard's own ----------------------------------------------------------------------------

export const ATTR_SY_CALL_ID = 'switchyard.call.id';
export const ATTR_SY_MODE = 'switchyard.mode';
/** The model string the caller asked for: an alias or `provider/model`. */
export const ATTR_SY_REQUEST_MODEL = 'switchyard.request.model';
/** `provider/model` of the target that served the call. */
export const ATTR_SY_RESPONSE_TARGET = 'switchyard.response.target';
export const ATTR_SY_ATTEMPT_COUNT = 'switchyard.attempt.count';
export const ATTR_SY_ATTEMPT_SKIPPED = 'switchyard.attempt.skipped';
export const ATTR_SY_COST_TOTAL = 'switchyard.cost.total';
export const ATTR_SY_METADATA_PREFIX = 'switchyard.metadata.';
export const ATTR_SY_TARGET = 'switchyard.target';
export const ATTR_SY_ATTEMPT_INDEX = 'switchyard.attempt.index';
export const ATTR_SY_ATTEMPT_OUTCOME = 'switchyard.attempt.outcome';
export const ATTR_SY_CIRCUIT_STATE = 'switchyard.circuit.state';
export const ATTR_SY_RAW_FINISH_REASON = 'switchyard.response.raw_finish_reason';
export const ATTR_SY_SPLIT_ARM = 'switchyard.split.arm';
export const ATTR_SY_FALLBACK_COUNT = 'switchyard.fallback.count';
export const ATTR_SY_HEDGE_COUNT = 'switchyard.hedge.count';
export const ATTR_SY_HEDGE_WINNER = 'switchyard.hedge.winner';
export const ATTR_SY_ROUTING_LAYER = 'switchyard.routing.layer';
export const ATTR_SY_ROUTING_ACTION = 'switchyard.routing.action';
export const ATTR_SY_ROUTING_TARGET = 'switchyard.routing.target';
export const ATTR_SY_ROUTING_DETAIL_PREFIX = 'switchyard.routing.';

// --- metrics ---------------------------------------------------------------------------------------

/** v1.41 metric names (the default). */
export const METRIC_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
export const METRIC_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.operation.time_per_output_chunk';

/** HEAD metric names (`gen_ai_latest_experimental`). */
export const METRIC_INFERENCE_DURATION = 'gen_ai.client.inference.duration';
export const METRIC_INFERENCE_TIME_TO_FIRST_CHUNK = 'gen_ai.client.inference.time_to_first_chunk';
export const METRIC_INFERENCE_TIME_PER_OUTPUT_CHUNK = 'gen_ai.client.inference.time_per_output_chunk';
export const METRIC_INFERENCE_USAGE_INPUT = 'gen_ai.client.inference.usage.input_tokens';
export const METRIC_INFERENCE_USAGE_OUTPUT = 'gen_ai.client.inference.usage.output_tokens';
export const METRIC_INFERENCE_USAGE_CACHE_READ = 'gen_ai.client.inference.usage.cache_read.input_tokens';
export const METRIC_INFERENCE_USAGE_CACHE_WRITE = 'gen_ai.client.inference.usage.cache_write.input_tokens';
export const METRIC_INFERENCE_USAGE_REASONING = 'gen_ai.client.inference.usage.reasoning.output_tokens';
export const METRIC_INFERENCE_OPERATION_INPUT = 'gen_ai.client.inference.operation.input_tokens';
export const METRIC_INFERENCE_OPERATION_OUTPUT = 'gen_ai.client.inference.operation.output_tokens';

/** Cost histogram (HEAD #443 name), USD; emitted in both modes since no released name exists. */
export const METRIC_OPERATION_COST = 'gen_ai.client.operation.cost';
/** Monotonic USD counter: what was spent, by provider, model and the configured metadata keys. */
export const METRIC_SY_COST = 'switchyard.cost';
/** Counter of attempts by outcome (success, error, aborted, skipped). */
export const METRIC_SY_ATTEMPTS = 'switchyard.attempts';

/** Advised buckets for durations in seconds. */
export const DURATION_BUCKETS: readonly number[] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** Advised buckets for token counts. */
export const TOKEN_BUCKETS: readonly number[] = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** Buckets for the cost histogram in USD (the convention gives no advice): $0.00001 to $100, about ×3 apart. */
export const COST_BUCKETS: readonly number[] = [0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 100];
