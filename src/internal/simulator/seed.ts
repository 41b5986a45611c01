/**
 * The simulator's generations: realistic, varied, and the same for the same
 * seed. Each kind of generation the live service returns appears in every
 * seeded store (the kinds cycle), so tests can pick one by its label.
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Models from "../../Models.js"
import type * as ModelGatesSimulator from "../../testing/ModelGatesSimulator.js"

type Fields = ModelGatesSimulator.GenerationFields
type ProviderName = typeof Models.KnownProviderName.Type

interface CatalogEntry {
  readonly model: string
  readonly permaslug: string
  readonly providers: readonly [ProviderName, ...Array<ProviderName>]
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
// randomness
// -----------------------------------------------------------------------------

const pick = <A>(items: ReadonlyArray<A>): Effect.Effect<A> =>
  Effect.map(Random.nextIntBetween(0, items.length), (i) => items[i])

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

const token = (length: number): Effect.Effect<string> =>
  Effect.map(Effect.replicateEffect(pick(alphabet.split("")), length), (chars) => chars.join(""))

const between = (min: number, max: number, digits: number): Effect.Effect<number> =>
  Effect.map(Random.nextRange(min, max), (x) => round(x, digits))

const round = (x: number, digits: number): number => {
  const factor = 10 ** digits
  return Math.round(x * factor) / factor
}

const upstreamIdOf = (provider: string): Effect.Effect<string> => {
  switch (provider) {
    case "Anthropic":
    case "Amazon Bedrock":
    case "Google":
      return Effect.map(token(22), (t) => `msg_01${t}`)
    case "OpenAI":
    case "Azure":
      return Effect.map(token(29), (t) => `chatcmpl-${t}`)
    default:
      return Effect.map(token(24), (t) => `gen-${t.toLowerCase()}`)
  }
}

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

/** What every kind starts from: a successful chat completion through its model's first provider. */
interface Draft {
  readonly entry: CatalogEntry
  readonly fields: Fields
  readonly content: Models.GenerationContentData | null
}

const attempt = (
  entry: CatalogEntry,
  provider: ProviderName,
  status: number | null,
  latency: number
): Effect.Effect<Models.ProviderResponse> =>
  Effect.gen(function*() {
    return new Models.ProviderResponse({
      status,
      endpointId: `ep_${(yield* token(4)).toLowerCase()}`,
      id: yield* upstreamIdOf(provider),
      isByok: false,
      latency,
      modelPermaslug: entry.permaslug,
      providerName: provider
    })
  })

const messagesOf = (conversation: Conversation, parts: boolean): ReadonlyArray<unknown> => [
  ...(conversation.system === null ? [] : [{ role: "system", content: conversation.system }]),
  parts
    ? { role: "user", content: [{ type: "text", text: conversation.user }] }
    : { role: "user", content: conversation.user }
]

const chatContent = (conversation: Conversation, entry: CatalogEntry, parts: boolean) =>
  new Models.GenerationContentData({
    input: new Models.GenerationContentMessages({ messages: messagesOf(conversation, parts) }),
    output: new Models.GenerationContentOutput({
      completion: conversation.completion,
      reasoning: entry.reasoning ? conversation.reasoning : null
    }),
    error: null
  })

const draft = (entry: CatalogEntry, createdAt: number): Effect.Effect<Draft> =>
  Effect.gen(function*() {
    const provider = entry.providers[0]
    const app = yield* pick(apps)
    const tokensPrompt = yield* Random.nextIntBetween(40, 4000)
    const tokensCompletion = yield* Random.nextIntBetween(5, 1200)
    const reasoningTokens = entry.reasoning ? yield* Random.nextIntBetween(0, tokensCompletion) : 0
    const generationTime = yield* between(tokensCompletion * 8, tokensCompletion * 30 + 200, 1)
    const latency = round(generationTime + (yield* between(150, 900, 2)), 2)
    const cost = round(tokensPrompt * entry.price[0] + tokensCompletion * entry.price[1], 8)
    const seconds = Math.floor(createdAt / 1000)
    const conversation = yield* pick(conversations)
    const streamed = yield* Random.nextBoolean
    const fields: Fields = {
      id: `gen-${seconds}-${yield* token(20)}`,
      createdAt: DateTime.unsafeMake(createdAt),
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
      externalUser: app.appId === null ? null : `user-${yield* Random.nextIntBetween(1000, 9999)}`,
      finishReason: "stop",
      generationTime,
      httpReferer: app.referer,
      latency,
      moderationLatency: entry.model.startsWith("openai/") ? yield* between(5, 40, 1) : null,
      nativeFinishReason: nativeFinishReasonOf(provider),
      nativeTokensCached: 0,
      nativeTokensCompletion: tokensCompletion + (yield* Random.nextIntBetween(0, 12)),
      nativeTokensCompletionImages: 0,
      nativeTokensPrompt: tokensPrompt + (yield* Random.nextIntBetween(0, 24)),
      nativeTokensReasoning: reasoningTokens,
      numFetches: 0,
      numInputAudioPrompt: 0,
      numMediaCompletion: 0,
      numMediaPrompt: 0,
      numSearchResults: 0,
      presetId: null,
      providerName: provider,
      providerResponses: [yield* attempt(entry, provider, 200, round(latency - 40, 2))],
      requestId: `req-${seconds}-${yield* token(20)}`,
      responseCacheSourceId: null,
      router: null,
      serviceTier: null,
      sessionId: (yield* Random.nextBoolean) ? `sess-${(yield* token(8)).toLowerCase()}` : null,
      streamed,
      tokensCompletion,
      tokensPrompt,
      upstreamId: yield* upstreamIdOf(provider),
      upstreamInferenceCost: null,
      userAgent: app.userAgent,
      webSearchEngine: null,
      workspaceId: null
    }
    return { entry, fields, content: chatContent(conversation, entry, yield* Random.nextBoolean) }
  })

/** Turns a draft into one kind of generation. */
type Kind = (draft: Draft) => Effect.Effect<Omit<Draft, "entry">>

const fallback: Kind = ({ content, entry, fields }) =>
  Effect.gen(function*() {
    const [first, second = first] = yield* Random.shuffle(entry.providers)
    const failedWith = yield* pick([529, 502, 429, 503])
    return {
      fields: {
        ...fields,
        providerName: second,
        nativeFinishReason: nativeFinishReasonOf(second),
        serviceTier: "priority",
        workspaceId: "550e8400-e29b-41d4-a716-446655440000",
        providerResponses: [
          yield* attempt(entry, first, failedWith, yield* between(300, 1500, 0)),
          new Models.ProviderResponse({
            ...(yield* attempt(entry, second, 200, round((fields.latency ?? 1000) - 50, 2))),
            routedServiceTier: "priority"
          })
        ]
      },
      content
    }
  })

/** Like most live responses: nulls wherever the service did not record a value, nothing stored. */
const nullHeavy: Kind = ({ fields }) =>
  Effect.succeed({
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

const prompt: Kind = ({ fields }) =>
  Effect.gen(function*() {
    const { completion, prompt } = yield* pick(prompts)
    return {
      fields: { ...fields, streamed: false, nativeTokensReasoning: 0 },
      content: new Models.GenerationContentData({
        input: new Models.GenerationContentPrompt({ prompt }),
        output: new Models.GenerationContentOutput({ completion, reasoning: null }),
        error: null
      })
    }
  })

const failed: Kind = ({ content, entry, fields }) =>
  Effect.gen(function*() {
    const [earlier, last] = [yield* pick(failures), yield* pick(failures)]
    const [firstProvider, lastProvider = firstProvider] = entry.providers
    const latencies = [yield* between(200, 900, 0), yield* between(5000, 30000, 0)]
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
          yield* attempt(entry, firstProvider, earlier.status, latencies[0]),
          yield* attempt(entry, lastProvider, last.status, latencies[1])
        ]
      },
      content: new Models.GenerationContentData({
        input: content?.input ?? new Models.GenerationContentMessages({ messages: [] }),
        output: new Models.GenerationContentOutput({ completion: null, reasoning: null }),
        error: new Models.GenerationContentError({
          status: last.status,
          message: last.message,
          providerName: lastProvider,
          raw: JSON.stringify({ error: { code: last.status, message: last.raw } }),
          previousErrors: [
            new Models.GenerationContentErrorAttempt({
              code: earlier.status,
              message: earlier.message,
              providerName: firstProvider,
              raw: JSON.stringify({ error: { code: earlier.status, message: earlier.raw } })
            })
          ]
        })
      })
    }
  })

const byok: Kind = ({ content, entry, fields }) =>
  Effect.gen(function*() {
    const upstream = round(fields.totalCost * 20, 8)
    const [only] = fields.providerResponses ?? [yield* attempt(entry, entry.providers[0], 200, 1000)]
    return {
      fields: {
        ...fields,
        isByok: true,
        totalCost: round(upstream * 0.05, 8),
        usage: round(upstream * 0.05, 8),
        upstreamInferenceCost: upstream,
        providerResponses: [new Models.ProviderResponse({ ...only, isByok: true })]
      },
      content
    }
  })

const cancelled: Kind = ({ content, fields }) =>
  Effect.succeed({
    fields: {
      ...fields,
      streamed: true,
      cancelled: true,
      finishReason: null,
      nativeFinishReason: null,
      tokensCompletion: Math.min(fields.tokensCompletion ?? 0, 17),
      nativeTokensCompletion: Math.min(fields.nativeTokensCompletion ?? 0, 17)
    },
    content: content === null ? null : new Models.GenerationContentData({
      ...content,
      output: new Models.GenerationContentOutput({
        completion: (content.output.completion ?? "").slice(0, 12),
        reasoning: null
      })
    })
  })

const embeddingKind: Kind = ({ fields }) =>
  Effect.gen(function*() {
    const tokensPrompt = yield* Random.nextIntBetween(8, 512)
    const cost = round(tokensPrompt * embedding.price[0], 10)
    return {
      fields: {
        ...fields,
        model: embedding.model,
        apiType: "embeddings",
        providerName: "OpenAI",
        providerResponses: [yield* attempt(embedding, "OpenAI", 200, yield* between(40, 200, 0))],
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
        generationTime: yield* between(20, 120, 1)
      },
      content: null
    }
  })

/** Routed through a regional endpoint: content is never stored there. */
const regional: Kind = ({ fields }) =>
  Effect.succeed({ fields: { ...fields, dataRegion: "europe", workspaceId: null }, content: null })

const webSearch: Kind = ({ content, entry, fields }) =>
  Effect.gen(function*() {
    const searchCost = 0.02
    const [first, second = first] = entry.providers
    return {
      fields: {
        ...fields,
        numSearchResults: 5,
        numFetches: yield* Random.nextIntBetween(1, 4),
        webSearchEngine: "exa",
        totalCost: round(fields.totalCost + searchCost, 8),
        usage: round(fields.usage + searchCost, 8),
        providerName: second,
        // The first attempt never answered: its status is unknown.
        providerResponses: [
          yield* attempt(entry, first, null, yield* between(10000, 30000, 0)),
          yield* attempt(entry, second, 200, fields.latency ?? 1000)
        ]
      },
      content
    }
  })

const multimodal: Kind = ({ content, fields }) =>
  Effect.gen(function*() {
    const images = yield* Random.nextIntBetween(1, 4)
    return {
      fields: { ...fields, numMediaPrompt: images },
      content: content === null ? null : new Models.GenerationContentData({
        ...content,
        input: new Models.GenerationContentMessages({
          messages: [{
            role: "user",
            content: [
              { type: "text", text: "What is in these pictures?" },
              ...Array.from({ length: images }, (_, i) => ({
                type: "image_url",
                image_url: { url: `https://images.example.org/photo-${i + 1}.jpg` }
              }))
            ]
          }]
        })
      })
    }
  })

const cached: Kind = ({ content, fields }) =>
  Effect.gen(function*() {
    const cachedTokens = Math.floor((fields.tokensPrompt ?? 0) * 0.75)
    const discount = round(cachedTokens * 0.9 * 1e-6, 8)
    return {
      fields: {
        ...fields,
        nativeTokensCached: cachedTokens,
        cacheDiscount: discount,
        responseCacheSourceId: `gen-${Math.floor(fields.createdAt.epochMillis / 1000) - 3600}-${yield* token(20)}`
      },
      content
    }
  })

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

/** A generated store entry, without its readiness. */
export interface Generated {
  readonly label: string
  readonly data: Models.GenerationData
  readonly content: Models.GenerationContentData | null
}

const generate = (index: number, label: string, kind: Kind, createdAt: number): Effect.Effect<Generated> =>
  Effect.gen(function*() {
    const entry = catalog[index % catalog.length]
    const made = yield* Effect.flatMap(draft(entry, createdAt), kind)
    return { label, data: new Models.GenerationData(made.fields), content: made.content }
  })

/** The seeded store, oldest first. */
export const seeded = (seed: number, count: number): Effect.Effect<ReadonlyArray<Generated>> =>
  Effect.gen(function*() {
    const generated: Array<Generated> = []
    let createdAt = seededSince
    for (let i = 0; i < count; i++) {
      const [label, kind] = kinds[i % kinds.length]
      createdAt += (yield* Random.nextIntBetween(20, 2400)) * 1000
      generated.push(yield* generate(i, label, kind, createdAt))
    }
    return generated
  }).pipe(Effect.withRandom(Random.make(`modelgates-simulator/${seed}`)))

/** A chat completion that has just finished, the n-th made by this simulator. */
export const fresh = (seed: number, n: number, createdAt: number): Effect.Effect<Generated> =>
  Effect.withRandom(
    Effect.flatMap(Random.nextIntBetween(0, catalog.length), (index) =>
      generate(index, "fresh", (made) => Effect.succeed(made), createdAt)),
    Random.make(`modelgates-simulator/${seed}/fresh/${n}`)
  )
