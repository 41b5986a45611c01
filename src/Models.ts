/**
 * Schema models of the ModelGates Generations API.
 *
 * Properties are camelCase; each is mapped from the snake_case wire name, so
 * the models decode what the API sends and encode back to the same wire shape.
 * They are written for the live service, not only its published description:
 * a field described as "required and nullable" that is missing decodes to
 * `null` (never to `0`), unknown fields are ignored, and open enumerations
 * accept values this version of the SDK has never seen.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { nullable, optional, required } from "./internal/wireFields.js"

// An open enumeration is any string: the known values are documented (and
// exported as `Known*` literals to narrow with `Schema.is`), but a value added
// to the API later must decode. Checking the string against the known literals
// first would cost a try per literal on every decode and change nothing.
const openEnum = (literals: ReadonlyArray<string>) =>
  Schema.String.annotations({ description: `One of ${literals.join(", ")}, or a value added to the API since.` })

// -----------------------------------------------------------------------------
// open enumerations
// -----------------------------------------------------------------------------

/**
 * The values of `api_type` known to this version of the SDK.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const KnownApiType = Schema.Literal("completions", "embeddings", "rerank", "tts", "stt", "video", "image")

/**
 * The kind of API a generation was made through. Open: a value the SDK does
 * not know yet still decodes, as a plain string.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const ApiType = openEnum(KnownApiType.literals)

/**
 * The values of `data_region` known to this version of the SDK.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const KnownDataRegion = Schema.Literal("global", "europe", "us")

/**
 * The data region a generation was routed through. Open, like {@link ApiType}.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const DataRegion = openEnum(KnownDataRegion.literals)

/**
 * The values of `routed_service_tier` known to this version of the SDK.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const KnownServiceTier = Schema.Literal("flex", "priority")

/**
 * The service tier an attempt was routed to. Open, like {@link ApiType}.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const ServiceTier = openEnum(KnownServiceTier.literals)

/**
 * The upstream provider names known to this version of the SDK.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const KnownProviderName = Schema.Literal(
  "AnyScale",
  "Atoma",
  "Cent-ML",
  "CrofAI",
  "Enfer",
  "GoPomelo",
  "HuggingFace",
  "Hyperbolic",
  "Hyperbolic 2",
  "InoCloud",
  "Kluster",
  "Lambda",
  "Lepton",
  "Lynn 2",
  "Lynn",
  "Mancer",
  "Modal",
  "Nineteen",
  "OctoAI",
  "Recursal",
  "Reflection",
  "Replicate",
  "SambaNova 2",
  "SF Compute",
  "Targon",
  "Together 2",
  "Ubicloud",
  "01.AI",
  "AkashML",
  "AI21",
  "AionLabs",
  "Alibaba",
  "Ambient",
  "Baidu",
  "Amazon Bedrock",
  "Amazon Nova",
  "Anthropic",
  "Arcee AI",
  "AtlasCloud",
  "Avian",
  "Azure",
  "BaseTen",
  "BytePlus",
  "Black Forest Labs",
  "Cerebras",
  "Chutes",
  "Cirrascale",
  "Claude Platform on AWS",
  "Clarifai",
  "Cloudflare",
  "Cohere",
  "CoreWeave",
  "Crucible",
  "Crusoe",
  "Darkbloom",
  "Databricks",
  "Decart",
  "Deepgram",
  "DeepInfra",
  "DeepSeek",
  "DekaLLM",
  "DigitalOcean",
  "Featherless",
  "Fireworks",
  "Fish Audio",
  "Friendli",
  "GMICloud",
  "Google",
  "Google AI Studio",
  "Groq",
  "HeyGen",
  "Inception",
  "Inceptron",
  "InferenceNet",
  "Ionstream",
  "Infermatic",
  "Io Net",
  "Inferact vLLM",
  "Inflection",
  "Liquid",
  "Makora",
  "Mara",
  "Mancer 2",
  "Meta",
  "Minimax",
  "ModelRun",
  "Mistral",
  "Modular",
  "Moonshot AI",
  "Morph",
  "VoyageAI by MongoDB",
  "NCompass",
  "Nebius",
  "Nex AGI",
  "NextBit",
  "Novita",
  "Nvidia",
  "OpenAI",
  "OpenInference",
  "Parasail",
  "Poolside",
  "Perceptron",
  "Perplexity",
  "Phala",
  "Recraft",
  "Reka",
  "Relace",
  "Sail Research",
  "Sakana AI",
  "SambaNova",
  "Seed",
  "SiliconFlow",
  "Sourceful",
  "StepFun",
  "Stealth",
  "StreamLake",
  "Switchpoint",
  "Tencent",
  "Tenstorrent",
  "Thinking Machines",
  "Together",
  "Upstage",
  "Venice",
  "Wafer",
  "WandB",
  "Quiver",
  "Krea",
  "Runway",
  "Xiaomi",
  "xAI",
  "Z.AI",
  "FakeProvider"
)

/**
 * The provider that served an attempt. Open, like {@link ApiType}: providers
 * join the gateway every few weeks.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const ProviderName = openEnum(KnownProviderName.literals)

// -----------------------------------------------------------------------------
// get generation
// -----------------------------------------------------------------------------

/**
 * One upstream attempt of a generation: the provider that was tried, and the
 * status it answered with. Fallbacks show up as several attempts.
 *
 * @since 0.1.0
 * @category models
 */
export class ProviderResponse extends Schema.Class<ProviderResponse>("@modelgates/effect/ProviderResponse")({
  status: nullable(Schema.Int, "status"),
  endpointId: optional(Schema.String, "endpoint_id"),
  id: optional(Schema.String, "id"),
  isByok: optional(Schema.Boolean, "is_byok"),
  latency: optional(Schema.Finite, "latency"),
  modelPermaslug: optional(Schema.String, "model_permaslug"),
  providerName: optional(ProviderName, "provider_name"),
  routedServiceTier: optional(ServiceTier, "routed_service_tier")
}) {}

/**
 * What a generation cost and how it ran.
 *
 * Only `id`, `createdAt`, `model`, `origin`, `isByok`, `totalCost`, `usage`
 * and `dataRegion` are always present; every other field is `null` when the
 * service did not record it. A `null` token count or cost means "unknown",
 * not zero.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationData extends Schema.Class<GenerationData>("@modelgates/effect/GenerationData")({
  id: required(Schema.String, "id"),
  createdAt: required(Schema.DateTimeUtc, "created_at"),
  model: required(Schema.String, "model"),
  origin: required(Schema.String, "origin"),
  isByok: required(Schema.Boolean, "is_byok"),
  totalCost: required(Schema.Finite, "total_cost"),
  usage: required(Schema.Finite, "usage"),
  dataRegion: required(DataRegion, "data_region"),
  apiType: nullable(ApiType, "api_type"),
  appId: nullable(Schema.Int, "app_id"),
  cacheDiscount: nullable(Schema.Finite, "cache_discount"),
  cancelled: nullable(Schema.Boolean, "cancelled"),
  externalUser: nullable(Schema.String, "external_user"),
  finishReason: nullable(Schema.String, "finish_reason"),
  generationTime: nullable(Schema.Finite, "generation_time"),
  httpReferer: nullable(Schema.String, "http_referer"),
  latency: nullable(Schema.Finite, "latency"),
  moderationLatency: nullable(Schema.Finite, "moderation_latency"),
  nativeFinishReason: nullable(Schema.String, "native_finish_reason"),
  nativeTokensCached: nullable(Schema.Int, "native_tokens_cached"),
  nativeTokensCompletion: nullable(Schema.Int, "native_tokens_completion"),
  nativeTokensCompletionImages: nullable(Schema.Int, "native_tokens_completion_images"),
  nativeTokensPrompt: nullable(Schema.Int, "native_tokens_prompt"),
  nativeTokensReasoning: nullable(Schema.Int, "native_tokens_reasoning"),
  numFetches: nullable(Schema.Int, "num_fetches"),
  numInputAudioPrompt: nullable(Schema.Int, "num_input_audio_prompt"),
  numMediaCompletion: nullable(Schema.Int, "num_media_completion"),
  numMediaPrompt: nullable(Schema.Int, "num_media_prompt"),
  numSearchResults: nullable(Schema.Int, "num_search_results"),
  presetId: nullable(Schema.String, "preset_id"),
  providerName: nullable(Schema.String, "provider_name"),
  providerResponses: nullable(Schema.Array(ProviderResponse), "provider_responses"),
  requestId: nullable(Schema.String, "request_id"),
  responseCacheSourceId: nullable(Schema.String, "response_cache_source_id"),
  router: nullable(Schema.String, "router"),
  serviceTier: nullable(Schema.String, "service_tier"),
  sessionId: nullable(Schema.String, "session_id"),
  streamed: nullable(Schema.Boolean, "streamed"),
  tokensCompletion: nullable(Schema.Int, "tokens_completion"),
  tokensPrompt: nullable(Schema.Int, "tokens_prompt"),
  upstreamId: nullable(Schema.String, "upstream_id"),
  upstreamInferenceCost: nullable(Schema.Finite, "upstream_inference_cost"),
  userAgent: nullable(Schema.String, "user_agent"),
  webSearchEngine: nullable(Schema.String, "web_search_engine"),
  workspaceId: nullable(Schema.String, "workspace_id")
}) {}

/**
 * The body of a successful `GET /generation`.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationResponse extends Schema.Class<GenerationResponse>("@modelgates/effect/GenerationResponse")({
  data: GenerationData
}) {}

// -----------------------------------------------------------------------------
// list generation content
// -----------------------------------------------------------------------------

/**
 * Input of a completion-style generation: a single prompt string.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentPrompt
  extends Schema.Class<GenerationContentPrompt>("@modelgates/effect/GenerationContentPrompt")({
    prompt: Schema.String
  })
{}

/**
 * Input of a chat-style generation: the messages as sent. Messages are kept
 * as the JSON values the service stored; their shape is not typed by the API.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentMessages
  extends Schema.Class<GenerationContentMessages>("@modelgates/effect/GenerationContentMessages")({
    messages: Schema.Array(Schema.Unknown)
  })
{}

/**
 * The stored input of a generation: a prompt or a list of messages. Tell them
 * apart with `"prompt" in input` or `input instanceof GenerationContentPrompt`.
 *
 * @since 0.1.0
 * @category models
 */
export const GenerationContentInput = Schema.Union(GenerationContentPrompt, GenerationContentMessages)

/**
 * @since 0.1.0
 * @category models
 */
export type GenerationContentInput = typeof GenerationContentInput.Type

/**
 * The stored output of a generation.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentOutput
  extends Schema.Class<GenerationContentOutput>("@modelgates/effect/GenerationContentOutput")({
    completion: nullable(Schema.String, "completion"),
    reasoning: nullable(Schema.String, "reasoning")
  })
{}

/**
 * One failed upstream attempt recorded for a failed generation.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentErrorAttempt
  extends Schema.Class<GenerationContentErrorAttempt>("@modelgates/effect/GenerationContentErrorAttempt")({
    code: Schema.Int,
    message: Schema.String,
    providerName: nullable(Schema.String, "provider_name"),
    raw: nullable(Schema.String, "raw")
  })
{}

/**
 * The stored failure of a generation, with the attempts that failed before
 * it, in order.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentError
  extends Schema.Class<GenerationContentError>("@modelgates/effect/GenerationContentError")({
    status: nullable(Schema.Int, "status"),
    message: nullable(Schema.String, "message"),
    providerName: nullable(Schema.String, "provider_name"),
    raw: nullable(Schema.String, "raw"),
    previousErrors: required(Schema.Array(GenerationContentErrorAttempt), "previous_errors")
  })
{}

/**
 * What went into and came out of a generation. `error` is `null` when the
 * generation succeeded, and also when an older deployment of the API did not
 * send the key at all.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentData
  extends Schema.Class<GenerationContentData>("@modelgates/effect/GenerationContentData")({
    input: GenerationContentInput,
    output: GenerationContentOutput,
    error: nullable(GenerationContentError, "error")
  })
{}

/**
 * The body of a successful `GET /generation/content`.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentResponse
  extends Schema.Class<GenerationContentResponse>("@modelgates/effect/GenerationContentResponse")({
    data: GenerationContentData
  })
{}

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * The `error` object of the API's error envelope.
 *
 * @since 0.1.0
 * @category models
 */
export class ErrorResponseData extends Schema.Class<ErrorResponseData>("@modelgates/effect/ErrorResponseData")({
  code: Schema.Int,
  message: Schema.String,
  metadata: nullable(Schema.Record({ key: Schema.String, value: Schema.Unknown }), "metadata")
}) {}

/**
 * The envelope of every error body the API itself produces. Its `code` equals
 * the HTTP status. Errors from the edge network (an HTML page on a 524, some
 * 502s and 503s) do not have it.
 *
 * @since 0.1.0
 * @category models
 */
export class ErrorResponse extends Schema.Class<ErrorResponse>("@modelgates/effect/ErrorResponse")({
  error: ErrorResponseData,
  userId: nullable(Schema.String, "user_id"),
  modelgatesMetadata: nullable(Schema.Record({ key: Schema.String, value: Schema.Unknown }), "modelgates_metadata")
}) {}
