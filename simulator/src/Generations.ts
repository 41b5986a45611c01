/**
 * The simulator's generations: realistic, varied, and the same for the same
 * seed. Each kind of generation the live service returns appears in every
 * seeded store (the kinds cycle), so tests can pick one by its label. They are
 * written in the SDK's field names and turned into wire JSON by the field
 * tables of the domain core, so the simulator and the clients cannot drift.
 */
import * as Wire from "../../core/Wire.js"
import * as Random from "./Random.js"

/** A JSON object as it is on the wire. */
export type WireObject = { readonly [key: string]: unknown }

interface CatalogEntry {
  readonly model: string
  readonly permaslug: string
  readonly providers: readonly [string, ...Array<string>]
  /** Dollars per token, prompt and completion. */
  readonly price: readonly [number, number]
  readonly reasoning: boolean
}

const catalog: ReadonlyArray<CatalogEntry> = [
  {
    model: "anthropic/claude-sonnet-4.5",
    permaslug: "anthropic/claude-4.5-sonnet-20250929",
    providers: ["Anthropic", "Amazon Bedrock", "Google"],
    price: [3e-6, 15e-6],
    reasoning: true
  },
  {
    model: "openai/gpt-4o-mini",
    permaslug: "openai/gpt-4o-mini-2024-07-18",
    providers: ["OpenAI", "Azure"],
    price: [0.15e-6, 0.6e-6],
    reasoning: false
  },
  {
    model: "openai/gpt-5",
    permaslug: "openai/gpt-5-2025-08-07",
    providers: ["OpenAI", "Azure"],
    price: [1.25e-6, 10e-6],
    reasoning: true
  },
  {
    model: "google/gemini-2.5-flash",
    permaslug: "google/gemini-2.5-flash",
    providers: ["Google AI Studio", "Google"],
    price: [0.3e-6, 2.5e-6],
    reasoning: true
  },
  {
    model: "meta-llama/llama-3.3-70b-instruct",
    permaslug: "meta-llama/llama-3.3-70b-instruct",
    providers: ["Groq", "Together", "DeepInfra", "Fireworks", "Cerebras"],
    price: [0.13e-6, 0.4e-6],
    reasoning: false
  },
  {
    model: "deepseek/deepseek-chat-v3.1",
    permaslug: "deepseek/deepseek-chat-v3.1",
    providers: ["DeepSeek", "DeepInfra", "Novita", "Chutes"],
    price: [0.2e-6, 0.8e-6],
    reasoning: true
  },
  {
    model: "mistralai/mistral-small-3.2-24b-instruct",
    permaslug: "mistralai/mistral-small-3.2-24b-instruct-2506",
    providers: ["Mistral", "Parasail"],
    price: [0.1e-6, 0.3e-6],
    reasoning: false
  },
  {
    model: "qwen/qwen3-235b-a22b-2507",
    permaslug: "qwen/qwen3-235b-a22b-07-25",
    providers: ["Alibaba", "Together", "Nebius", "Cerebras"],
    price: [0.08e-6, 0.55e-6],
    reasoning: true
  },
  {
    model: "x-ai/grok-4-fast",
    permaslug: "x-ai/grok-4-fast",
    providers: ["xAI"],
    price: [0.2e-6, 0.5e-6],
    reasoning: true
  },
  {
    model: "moonshotai/kimi-k2-0905",
    permaslug: "moonshotai/kimi-k2-0905",
    providers: ["Moonshot AI", "Groq", "Fireworks"],
    price: [0.39e-6, 1.9e-6],
    reasoning: false
  }
]

const embedding: CatalogEntry = {
  model: "openai/text-embedding-3-small",
  permaslug: "openai/text-embedding-3-small",
  providers: ["OpenAI"],
  price: [0.02e-6, 0],
  reasoning: false
}

interface App {
  readonly referer: string | null
  readonly appId: number | null
  readonly userAgent: string
}

const apps: ReadonlyArray<App> = [
  { referer: "https://notes.example.app/", appId: 48213, userAgent: "notes-app/2.3 (node)" },
  { referer: "https://cli.example.dev/", appId: 51902, userAgent: "example-cli/0.9.1" },
  { referer: "https://chat.example.org/", appId: 10077, userAgent: "Mozilla/5.0 (X11; Linux x86_64)" },
  { referer: null, appId: null, userAgent: "python-httpx/0.27.2" }
]

interface Conversation {
  readonly system: string | null
  readonly user: string
  readonly completion: string
  readonly reasoning: string
}

const conversations: ReadonlyArray<Conversation> = [
  {
    system: "You are terse.",
    user: "What is the meaning of life?",
    completion: "42, give or take.",
    reasoning: "The user quotes a famous joke; answer in kind."
  },
  {
    system: null,
    user: "Translate 'good morning' into French and Spanish.",
    completion: "French: « Bonjour ». Spanish: «¡Buenos días!»",
    reasoning: "Two short translations; keep the punctuation of each language."
  },
  {
    system: "You write haiku.",
    user: "A haiku about retrying a request.",
    completion: "Backoff, then again —\nthe server breathes, then answers.\nPatience has a cap.",
    reasoning: "Five, seven, five syllables; mention backoff."
  },
  {
    system: "Answer with a list.",
    user: "Name three prime numbers greater than 100.",
    completion: "101, 103 and 107.",
    reasoning: "101 is prime, 102 is even, 103 is prime, 105 = 3·5·7, 107 is prime."
  },
  {
    system: null,
    user: "Is 2026-02-29 a valid date?",
    completion: "No: 2026 is not a leap year, so February has 28 days.",
    reasoning: "2026 is not divisible by 4."
  },
  {
    system: "You review code.",
    user: "Why does `for (var i = 0; i < 3; i++) setTimeout(() => log(i))` log 3 three times?",
    completion: "`var` is function-scoped: the three callbacks share one `i`, which is 3 when they run. Use `let`.",
    reasoning: "Classic closure-over-loop-variable question."
  }
]

interface PromptCompletion {
  readonly prompt: string
  readonly completion: string
}

const prompts: ReadonlyArray<PromptCompletion> = [
  { prompt: "Complete: The quick brown fox", completion: " jumps over the lazy dog." },
  {
    prompt: "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n",
    completion: "    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n"
  },
  { prompt: "Q: What is the capital of Australia?\nA:", completion: " Canberra." }
]

interface StoredFailure {
  readonly status: number
  readonly message: string
  readonly raw: string
}

const failures: ReadonlyArray<StoredFailure> = [
  { status: 504, message: "Timed out waiting for the provider", raw: "Deadline exceeded" },
  { status: 502, message: "Provider returned error", raw: "upstream connect error or disconnect/reset before headers" },
  { status: 400, message: "Provider returned error", raw: "This model's maximum context length is 131072 tokens" },
  { status: 429, message: "Provider returned error", raw: "Resource exhausted" }
]

// -----------------------------------------------------------------------------
// wire encoding
// -----------------------------------------------------------------------------

type Value = { readonly [name: string]: unknown }

const encodeValue = (type: Wire.FieldType, value: unknown): unknown => {
  if (value === null || value === undefined) return null
  if (type === "datetime") return new Date(value as number | string).toISOString()
  if (typeof type === "string" || "openEnum" in type) return value
  if ("model" in type) return toWire(type.model, value as Value)
  if ("arrayOf" in type) return (value as ReadonlyArray<unknown>).map((item) => encodeValue(type.arrayOf, item))
  // One of several models: the first whose required fields the value has.
  const given = value as Value
  const model =
    type.oneOf.find((name) =>
      Object.entries(Wire.models[name]).every(([field, { presence }]) => presence !== "required" || field in given)
    ) ?? type.oneOf[0]
  return toWire(model, value as Value)
}

/**
 * A model's value, in the SDK's field names, as its wire JSON: keys renamed,
 * date-times (epoch milliseconds) as ISO strings, absent nullable fields null.
 */
export const toWire = (model: Wire.ModelName, value: Value): WireObject => {
  const out: Record<string, unknown> = {}
  for (const [name, field] of Object.entries(Wire.models[model] as Wire.Model)) {
    const given = value[name]
    if (given === undefined && field.presence === "optional") continue
    out[field.wire] = encodeValue(field.type, given)
  }
  return out
}

// -----------------------------------------------------------------------------
// randomness
// -----------------------------------------------------------------------------

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

const round = (x: number, digits: number): number => {
  const factor = 10 ** digits
  return Math.round(x * factor) / factor
}

const tools = (random: Random.Random) => {
  const token = (length: number) => Array.from({ length }, () => alphabet[random.int(0, alphabet.length)]).join("")
  return {
    token,
    between: (min: number, max: number, digits: number) => round(random.range(min, max), digits),
    upstreamIdOf: (provider: string): string => {
      switch (provider) {
        case "Anthropic":
        case "Amazon Bedrock":
        case "Google":
          return `msg_01${token(22)}`
        case "OpenAI":
        case "Azure":
          return `chatcmpl-${token(29)}`
        default:
          return `gen-${token(24).toLowerCase()}`
      }
    }
  }
}

type Tools = ReturnType<typeof tools>

const nativeFinishReasonOf = (provider: string): string => {
  switch (provider) {
    case "Anthropic":
    case "Amazon Bedrock":
      return "end_turn"
    case "Google":
    case "Google AI Studio":
      return "STOP"
    default:
      return "stop"
  }
}

// -----------------------------------------------------------------------------
// generations
// -----------------------------------------------------------------------------

interface Attempt {
  readonly status: number | null
  readonly endpointId: string
  readonly id: string
  readonly isByok: boolean
  readonly latency: number
  readonly modelPermaslug: string
  readonly providerName: string
  readonly routedServiceTier?: string
}

/** A generation's metadata in the SDK's field names; `createdAt` in epoch milliseconds. */
interface Fields {
  readonly [name: string]: unknown
  readonly id: string
  readonly createdAt: number
  readonly totalCost: number
  readonly usage: number
  readonly latency: number | null
  readonly tokensPrompt: number | null
  readonly tokensCompletion: number | null
  readonly nativeTokensCompletion: number | null
  readonly providerResponses: ReadonlyArray<Attempt> | null
}

interface Content {
  readonly input: { readonly prompt: string } | { readonly messages: ReadonlyArray<unknown> }
  readonly output: { readonly completion: string | null; readonly reasoning: string | null }
  readonly error: unknown
}

/** What every kind starts from: a successful chat completion through its model's first provider. */
interface Draft {
  readonly entry: CatalogEntry
  readonly fields: Fields
  readonly content: Content | null
}

interface Context {
  readonly random: Random.Random
  readonly tools: Tools
}

const attempt = (
  { tools }: Context,
  entry: CatalogEntry,
  provider: string,
  status: number | null,
  latency: number
): Attempt => ({
  status,
  endpointId: `ep_${tools.token(4).toLowerCase()}`,
  id: tools.upstreamIdOf(provider),
  isByok: false,
  latency,
  modelPermaslug: entry.permaslug,
  providerName: provider
})

const messagesOf = (conversation: Conversation, parts: boolean): ReadonlyArray<unknown> => [
  ...(conversation.system === null ? [] : [{ role: "system", content: conversation.system }]),
  parts
    ? { role: "user", content: [{ type: "text", text: conversation.user }] }
    : { role: "user", content: conversation.user }
]

const chatContent = (conversation: Conversation, entry: CatalogEntry, parts: boolean): Content => ({
  input: { messages: messagesOf(conversation, parts) },
  output: { completion: conversation.completion, reasoning: entry.reasoning ? conversation.reasoning : null },
  error: null
})

const draft = (context: Context, entry: CatalogEntry, createdAt: number): Draft => {
  const { random, tools } = context
  const provider = entry.providers[0]
  const app = random.pick(apps)
  const tokensPrompt = random.int(40, 4000)
  const tokensCompletion = random.int(5, 1200)
  const reasoningTokens = entry.reasoning ? random.int(0, tokensCompletion) : 0
  const generationTime = tools.between(tokensCompletion * 8, tokensCompletion * 30 + 200, 1)
  const latency = round(generationTime + tools.between(150, 900, 2), 2)
  const cost = round(tokensPrompt * entry.price[0] + tokensCompletion * entry.price[1], 8)
  const seconds = Math.floor(createdAt / 1000)
  const conversation = random.pick(conversations)
  const streamed = random.boolean()
  const fields: Fields = {
    id: `gen-${seconds}-${tools.token(20)}`,
    createdAt,
    model: entry.model,
    origin: app.referer ?? "",
    isByok: false,
    totalCost: cost,
    usage: cost,
    dataRegion: "global",
    apiType: "completions",
    appId: app.appId,
    cacheDiscount: null,
    cancelled: false,
    externalUser: app.appId === null ? null : `user-${random.int(1000, 9999)}`,
    finishReason: "stop",
    generationTime,
    httpReferer: app.referer,
    latency,
    moderationLatency: entry.model.startsWith("openai/") ? tools.between(5, 40, 1) : null,
    nativeFinishReason: nativeFinishReasonOf(provider),
    nativeTokensCached: 0,
    nativeTokensCompletion: tokensCompletion + random.int(0, 12),
    nativeTokensCompletionImages: 0,
    nativeTokensPrompt: tokensPrompt + random.int(0, 24),
    nativeTokensReasoning: reasoningTokens,
    numFetches: 0,
    numInputAudioPrompt: 0,
    numMediaCompletion: 0,
    numMediaPrompt: 0,
    numSearchResults: 0,
    presetId: null,
    providerName: provider,
    providerResponses: [attempt(context, entry, provider, 200, round(latency - 40, 2))],
    requestId: `req-${seconds}-${tools.token(20)}`,
    responseCacheSourceId: null,
    router: null,
    serviceTier: null,
    sessionId: random.boolean() ? `sess-${tools.token(8).toLowerCase()}` : null,
    streamed,
    tokensCompletion,
    tokensPrompt,
    upstreamId: tools.upstreamIdOf(provider),
    upstreamInferenceCost: null,
    userAgent: app.userAgent,
    webSearchEngine: null,
    workspaceId: null
  }
  return { entry, fields, content: chatContent(conversation, entry, random.boolean()) }
}

/** Turns a draft into one kind of generation. */
type Kind = (context: Context, draft: Draft) => Omit<Draft, "entry">

const fallback: Kind = (context, { content, entry, fields }) => {
  const [first, second = first] = context.random.shuffle(entry.providers)
  const failedWith = context.random.pick([529, 502, 429, 503])
  return {
    fields: {
      ...fields,
      providerName: second,
      nativeFinishReason: nativeFinishReasonOf(second),
      serviceTier: "priority",
      workspaceId: "550e8400-e29b-41d4-a716-446655440000",
      providerResponses: [
        attempt(context, entry, first, failedWith, context.tools.between(300, 1500, 0)),
        {
          ...attempt(context, entry, second, 200, round((fields.latency ?? 1000) - 50, 2)),
          routedServiceTier: "priority"
        }
      ]
    },
    content
  }
}

/** Like most live responses: nulls wherever the service did not record a value, nothing stored. */
const nullHeavy: Kind = (_, { fields }) => ({
  fields: {
    ...fields,
    apiType: null,
    appId: null,
    externalUser: null,
    httpReferer: null,
    origin: "",
    moderationLatency: null,
    nativeFinishReason: null,
    nativeTokensCached: null,
    nativeTokensCompletion: null,
    nativeTokensCompletionImages: null,
    nativeTokensPrompt: null,
    nativeTokensReasoning: null,
    numFetches: null,
    numInputAudioPrompt: null,
    numMediaCompletion: null,
    numMediaPrompt: null,
    numSearchResults: null,
    providerResponses: null,
    requestId: null,
    sessionId: null,
    upstreamId: null,
    userAgent: null
  },
  content: null
})

const prompt: Kind = (context, { fields }) => {
  const { completion, prompt } = context.random.pick(prompts)
  return {
    fields: { ...fields, streamed: false, nativeTokensReasoning: 0 },
    content: { input: { prompt }, output: { completion, reasoning: null }, error: null }
  }
}

const failed: Kind = (context, { content, entry, fields }) => {
  const [earlier, last] = [context.random.pick(failures), context.random.pick(failures)]
  const [firstProvider, lastProvider = firstProvider] = entry.providers
  const latencies = [context.tools.between(200, 900, 0), context.tools.between(5000, 30000, 0)]
  return {
    fields: {
      ...fields,
      finishReason: "error",
      nativeFinishReason: null,
      tokensCompletion: 0,
      nativeTokensCompletion: 0,
      nativeTokensReasoning: 0,
      totalCost: 0,
      usage: 0,
      generationTime: null,
      latency: latencies[0] + latencies[1],
      upstreamId: null,
      providerName: lastProvider,
      providerResponses: [
        attempt(context, entry, firstProvider, earlier.status, latencies[0]),
        attempt(context, entry, lastProvider, last.status, latencies[1])
      ]
    },
    content: {
      input: content?.input ?? { messages: [] },
      output: { completion: null, reasoning: null },
      error: {
        status: last.status,
        message: last.message,
        providerName: lastProvider,
        raw: JSON.stringify({ error: { code: last.status, message: last.raw } }),
        previousErrors: [{
          code: earlier.status,
          message: earlier.message,
          providerName: firstProvider,
          raw: JSON.stringify({ error: { code: earlier.status, message: earlier.raw } })
        }]
      }
    }
  }
}

const byok: Kind = (context, { content, entry, fields }) => {
  const upstream = round(fields.totalCost * 20, 8)
  const [only] = fields.providerResponses ?? [attempt(context, entry, entry.providers[0], 200, 1000)]
  return {
    fields: {
      ...fields,
      isByok: true,
      totalCost: round(upstream * 0.05, 8),
      usage: round(upstream * 0.05, 8),
      upstreamInferenceCost: upstream,
      providerResponses: [{ ...only, isByok: true }]
    },
    content
  }
}

const cancelled: Kind = (_, { content, fields }) => ({
  fields: {
    ...fields,
    streamed: true,
    cancelled: true,
    finishReason: null,
    nativeFinishReason: null,
    tokensCompletion: Math.min(fields.tokensCompletion ?? 0, 17),
    nativeTokensCompletion: Math.min(fields.nativeTokensCompletion ?? 0, 17)
  },
  content: content === null
    ? null
    : { ...content, output: { completion: (content.output.completion ?? "").slice(0, 12), reasoning: null } }
})

const embeddingKind: Kind = (context, { fields }) => {
  const tokensPrompt = context.random.int(8, 512)
  const cost = round(tokensPrompt * embedding.price[0], 10)
  return {
    fields: {
      ...fields,
      model: embedding.model,
      apiType: "embeddings",
      providerName: "OpenAI",
      providerResponses: [attempt(context, embedding, "OpenAI", 200, context.tools.between(40, 200, 0))],
      streamed: false,
      finishReason: null,
      nativeFinishReason: null,
      tokensPrompt,
      nativeTokensPrompt: tokensPrompt,
      tokensCompletion: 0,
      nativeTokensCompletion: 0,
      nativeTokensReasoning: 0,
      totalCost: cost,
      usage: cost,
      moderationLatency: null,
      generationTime: context.tools.between(20, 120, 1)
    },
    content: null
  }
}

/** Routed through a regional endpoint: content is never stored there. */
const regional: Kind = (_, { fields }) => ({
  fields: { ...fields, dataRegion: "europe", workspaceId: null },
  content: null
})

const webSearch: Kind = (context, { content, entry, fields }) => {
  const searchCost = 0.02
  const [first, second = first] = entry.providers
  return {
    fields: {
      ...fields,
      numSearchResults: 5,
      numFetches: context.random.int(1, 4),
      webSearchEngine: "exa",
      totalCost: round(fields.totalCost + searchCost, 8),
      usage: round(fields.usage + searchCost, 8),
      providerName: second,
      // The first attempt never answered: its status is unknown.
      providerResponses: [
        attempt(context, entry, first, null, context.tools.between(10000, 30000, 0)),
        attempt(context, entry, second, 200, fields.latency ?? 1000)
      ]
    },
    content
  }
}

const multimodal: Kind = (context, { content, fields }) => {
  const images = context.random.int(1, 4)
  const messages = [{
    role: "user",
    content: [
      { type: "text", text: "What is in these pictures?" },
      ...Array.from({ length: images }, (_, i) => ({
        type: "image_url",
        image_url: { url: `https://images.example.org/photo-${i + 1}.jpg` }
      }))
    ]
  }]
  return {
    fields: { ...fields, numMediaPrompt: images },
    content: content === null ? null : { ...content, input: { messages } }
  }
}

const cached: Kind = (context, { content, fields }) => {
  const cachedTokens = Math.floor((fields.tokensPrompt ?? 0) * 0.75)
  return {
    fields: {
      ...fields,
      nativeTokensCached: cachedTokens,
      cacheDiscount: round(cachedTokens * 0.9 * 1e-6, 8),
      responseCacheSourceId: `gen-${Math.floor(fields.createdAt / 1000) - 3600}-${context.tools.token(20)}`
    },
    content
  }
}

const kinds: ReadonlyArray<readonly [label: string, kind: Kind]> = [
  ["fallback", fallback],
  ["null-heavy", nullHeavy],
  ["prompt", prompt],
  ["failed", failed],
  ["byok", byok],
  ["cancelled", cancelled],
  ["embedding", embeddingKind],
  ["regional", regional],
  ["web-search", webSearch],
  ["multimodal", multimodal],
  ["cached", cached]
]

// The seeded past: minutes apart, before the simulated "now".
const seededSince = Date.UTC(2026, 10, 20, 9, 0, 0)

/** A generated store entry, as wire JSON, without its readiness. */
export interface Generated {
  readonly label: string
  readonly data: WireObject
  readonly content: WireObject | null
}

const contextOf = (seed: string): Context => {
  const random = Random.make(seed)
  return { random, tools: tools(random) }
}

const generate = (context: Context, index: number, label: string, kind: Kind, createdAt: number): Generated => {
  const entry = catalog[index % catalog.length]
  const made = kind(context, draft(context, entry, createdAt))
  return {
    label,
    data: toWire("GenerationData", made.fields),
    content: made.content === null ? null : toWire("GenerationContentData", { ...made.content })
  }
}

/** The seeded store, oldest first. */
export const seeded = (seed: number, count: number): ReadonlyArray<Generated> => {
  const context = contextOf(`modelgates-simulator/${seed}`)
  const generated: Array<Generated> = []
  let createdAt = seededSince
  for (let i = 0; i < count; i++) {
    const [label, kind] = kinds[i % kinds.length]
    createdAt += context.random.int(20, 2400) * 1000
    generated.push(generate(context, i, label, kind, createdAt))
  }
  return generated
}

/** A chat completion that has just finished, the n-th made by this simulator. */
export const fresh = (seed: number, n: number, createdAt: number): Generated => {
  const context = contextOf(`modelgates-simulator/${seed}/fresh/${n}`)
  return generate(context, context.random.int(0, catalog.length), "fresh", (_, made) => made, createdAt)
}
