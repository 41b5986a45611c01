/**
 * The bodies of the API as they are on the wire: for each model, its fields in
 * the SDK's names, each with its snake_case wire key, its type and whether the
 * live service may send it null or leave it out. Each Effect line builds its
 * Schemas from these tables.
 *
 * - `required`: always present and never null.
 * - `nullable`: described as required but nullable; the live service omits
 *   some of them, so a missing key reads as `null` (never as `0`).
 * - `optional`: optional and not nullable; a stray `null` reads as absent.
 */

/** The type of a field's value. */
export type FieldType =
  | "string"
  | "int"
  | "finite"
  | "boolean"
  /** An ISO 8601 date-time string, decoded to a UTC date-time. */
  | "datetime"
  /** Any JSON value, kept as it is. */
  | "unknown"
  /** A JSON object of any values. */
  | "object"
  /** An open enumeration: any string, with the values known to this version documented. */
  | { readonly openEnum: ReadonlyArray<string> }
  /** Another model of this file, by name. */
  | { readonly model: ModelName }
  | { readonly arrayOf: FieldType }
  /** One of several models, tried in order. */
  | { readonly oneOf: ReadonlyArray<ModelName> }

/** Whether a field may be null or missing on the wire. */
export type Presence = "required" | "nullable" | "optional"

/** One field of a model. */
export interface Field {
  readonly wire: string
  readonly type: FieldType
  readonly presence: Presence
}

/** A model: its fields by the SDK's (camelCase) name. */
export type Model = { readonly [name: string]: Field }

const required = <const T extends FieldType, const W extends string>(wire: W, type: T) =>
  ({ wire, type, presence: "required" }) as const
const nullable = <const T extends FieldType, const W extends string>(wire: W, type: T) =>
  ({ wire, type, presence: "nullable" }) as const
const optional = <const T extends FieldType, const W extends string>(wire: W, type: T) =>
  ({ wire, type, presence: "optional" }) as const

// -----------------------------------------------------------------------------
// open enumerations
// -----------------------------------------------------------------------------

/** The values of `api_type` known to this version. */
export const knownApiTypes = ["completions", "embeddings", "rerank", "tts", "stt", "video", "image"] as const

/** The values of `data_region` known to this version. */
export const knownDataRegions = ["global", "europe", "us"] as const

/** The values of `routed_service_tier` known to this version. */
export const knownServiceTiers = ["flex", "priority"] as const

/** The upstream provider names known to this version. */
export const knownProviderNames = [
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
] as const

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

/** One upstream attempt of a generation. */
export const ProviderResponse = {
  status: nullable("status", "int"),
  endpointId: optional("endpoint_id", "string"),
  id: optional("id", "string"),
  isByok: optional("is_byok", "boolean"),
  latency: optional("latency", "finite"),
  modelPermaslug: optional("model_permaslug", "string"),
  providerName: optional("provider_name", { openEnum: knownProviderNames }),
  routedServiceTier: optional("routed_service_tier", { openEnum: knownServiceTiers })
} as const satisfies Model

/** What a generation cost and how it ran. */
export const GenerationData = {
  id: required("id", "string"),
  createdAt: required("created_at", "datetime"),
  model: required("model", "string"),
  origin: required("origin", "string"),
  isByok: required("is_byok", "boolean"),
  totalCost: required("total_cost", "finite"),
  usage: required("usage", "finite"),
  dataRegion: required("data_region", { openEnum: knownDataRegions }),
  apiType: nullable("api_type", { openEnum: knownApiTypes }),
  appId: nullable("app_id", "int"),
  cacheDiscount: nullable("cache_discount", "finite"),
  cancelled: nullable("cancelled", "boolean"),
  externalUser: nullable("external_user", "string"),
  finishReason: nullable("finish_reason", "string"),
  generationTime: nullable("generation_time", "finite"),
  httpReferer: nullable("http_referer", "string"),
  latency: nullable("latency", "finite"),
  moderationLatency: nullable("moderation_latency", "finite"),
  nativeFinishReason: nullable("native_finish_reason", "string"),
  nativeTokensCached: nullable("native_tokens_cached", "int"),
  nativeTokensCompletion: nullable("native_tokens_completion", "int"),
  nativeTokensCompletionImages: nullable("native_tokens_completion_images", "int"),
  nativeTokensPrompt: nullable("native_tokens_prompt", "int"),
  nativeTokensReasoning: nullable("native_tokens_reasoning", "int"),
  numFetches: nullable("num_fetches", "int"),
  numInputAudioPrompt: nullable("num_input_audio_prompt", "int"),
  numMediaCompletion: nullable("num_media_completion", "int"),
  numMediaPrompt: nullable("num_media_prompt", "int"),
  numSearchResults: nullable("num_search_results", "int"),
  presetId: nullable("preset_id", "string"),
  providerName: nullable("provider_name", "string"),
  providerResponses: nullable("provider_responses", { arrayOf: { model: "ProviderResponse" } }),
  requestId: nullable("request_id", "string"),
  responseCacheSourceId: nullable("response_cache_source_id", "string"),
  router: nullable("router", "string"),
  serviceTier: nullable("service_tier", "string"),
  sessionId: nullable("session_id", "string"),
  streamed: nullable("streamed", "boolean"),
  tokensCompletion: nullable("tokens_completion", "int"),
  tokensPrompt: nullable("tokens_prompt", "int"),
  upstreamId: nullable("upstream_id", "string"),
  upstreamInferenceCost: nullable("upstream_inference_cost", "finite"),
  userAgent: nullable("user_agent", "string"),
  webSearchEngine: nullable("web_search_engine", "string"),
  workspaceId: nullable("workspace_id", "string")
} as const satisfies Model

/** The body of a successful `GET /generation`. */
export const GenerationResponse = {
  data: required("data", { model: "GenerationData" })
} as const satisfies Model

/** Input of a completion-style generation. */
export const GenerationContentPrompt = {
  prompt: required("prompt", "string")
} as const satisfies Model

/** Input of a chat-style generation: the messages as stored, untyped. */
export const GenerationContentMessages = {
  messages: required("messages", { arrayOf: "unknown" })
} as const satisfies Model

/** The stored output of a generation. */
export const GenerationContentOutput = {
  completion: nullable("completion", "string"),
  reasoning: nullable("reasoning", "string")
} as const satisfies Model

/** One failed upstream attempt of a failed generation. */
export const GenerationContentErrorAttempt = {
  code: required("code", "int"),
  message: required("message", "string"),
  providerName: nullable("provider_name", "string"),
  raw: nullable("raw", "string")
} as const satisfies Model

/** The stored failure of a generation. */
export const GenerationContentError = {
  status: nullable("status", "int"),
  message: nullable("message", "string"),
  providerName: nullable("provider_name", "string"),
  raw: nullable("raw", "string"),
  previousErrors: required("previous_errors", { arrayOf: { model: "GenerationContentErrorAttempt" } })
} as const satisfies Model

/** What went into and came out of a generation. */
export const GenerationContentData = {
  input: required("input", { oneOf: ["GenerationContentPrompt", "GenerationContentMessages"] }),
  output: required("output", { model: "GenerationContentOutput" }),
  error: nullable("error", { model: "GenerationContentError" })
} as const satisfies Model

/** The body of a successful `GET /generation/content`. */
export const GenerationContentResponse = {
  data: required("data", { model: "GenerationContentData" })
} as const satisfies Model

/** The `error` object of the API's error envelope. */
export const ErrorResponseData = {
  code: required("code", "int"),
  message: required("message", "string"),
  metadata: nullable("metadata", "object")
} as const satisfies Model

/** The envelope of every error body the API itself produces. */
export const ErrorResponse = {
  error: required("error", { model: "ErrorResponseData" }),
  userId: nullable("user_id", "string"),
  modelgatesMetadata: nullable("modelgates_metadata", "object")
} as const satisfies Model

/** Every model, by name. */
export const models = {
  ProviderResponse,
  GenerationData,
  GenerationResponse,
  GenerationContentPrompt,
  GenerationContentMessages,
  GenerationContentOutput,
  GenerationContentErrorAttempt,
  GenerationContentError,
  GenerationContentData,
  GenerationContentResponse,
  ErrorResponseData,
  ErrorResponse
} as const

/** The name of a model of this file. */
export type ModelName =
  | "ProviderResponse"
  | "GenerationData"
  | "GenerationResponse"
  | "GenerationContentPrompt"
  | "GenerationContentMessages"
  | "GenerationContentOutput"
  | "GenerationContentErrorAttempt"
  | "GenerationContentError"
  | "GenerationContentData"
  | "GenerationContentResponse"
  | "ErrorResponseData"
  | "ErrorResponse"
