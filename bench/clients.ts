/**
 * The clients under test. Each one makes the same call, `GET
 * {base}/generation?id=…` with `Authorization` and `Accept` headers, reads the
 * whole body and turns it into an object, and resolves with the generation's
 * id (checked by the driver, so no client can skip the work). Each client
 * loads its libraries itself (dynamic `import`), so a child process holds
 * only the code of the client it measures. Every Effect client builds its
 * call per call (the id is an argument), as a program with varying ids would.
 *
 * The main set (what `npm run bench` measures):
 * - `undici`: undici's `request` + `body.json()`: the transport's limit.
 * - `fetch`: the global `fetch` + `JSON.parse` of the text.
 * - `official`: `@openrouter/sdk`, `client.generations.getGeneration({ id })`.
 * - `effect-undici`, `effect-fetch`: the floor. The GET written by hand on
 *   `@effect/platform`, no Schema: `HttpClientRequest.get`, `setUrlParam`,
 *   `bearerToken`, `acceptJson`, `client.execute`,
 *   `HttpClientResponse.filterStatusOk`, `response.json`, one
 *   `ManagedRuntime.runPromise` per call, on `NodeHttpClient.layerUndici` /
 *   `FetchHttpClient.layer`.
 * - `sdk-undici`, `sdk-fetch`: this SDK's `Generations.getGeneration` on the
 *   same two layers, one `ManagedRuntime.runPromise` per call, with the
 *   SDK's default config (30 s per-attempt timeout, default retry policy,
 *   tracing and metrics on), checked when the client starts.
 * - `sdk-undici-notimeout`: the same with `timeout: Infinity`, to price the
 *   timeout in the same run.
 *
 * Diagnostic variants (pass them with `--clients`):
 * - `effect-undici-schema`: the floor plus `schemaBodyJson(Models.GenerationResponse)`.
 * - `sdk-undici-nopropagation`: the SDK with `HttpClient.withTracerPropagation(false)`.
 * - `sdk-undici-notracer`: the SDK with the tracer disabled (`Layer.setTracerEnabled(false)`).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import type { ModelGatesConfig } from "../src/index.js"

/** The id of the generation in `test/fixtures/generation.full.json`. */
export const generationId = "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs"

const apiKey = "sk-mg-bench-0000000000000000"

export interface Client {
  readonly call: () => Promise<string>
  readonly close: () => Promise<void>
}

type Make = (origin: string) => Promise<Client>

const idOf = (body: unknown): string => (body as { readonly data: { readonly id: string } }).data.id

const undiciClient: Make = async (origin) => {
  const { Agent, request } = await import("undici")
  const dispatcher = new Agent()
  const path = `/api/v1/generation?id=${encodeURIComponent(generationId)}`
  const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json" }
  return {
    call: async () => {
      const response = await request(origin + path, { method: "GET", headers, dispatcher })
      return idOf(await response.body.json())
    },
    close: () => dispatcher.close()
  }
}

const fetchClient: Make = async (origin) => {
  const url = `${origin}/api/v1/generation?id=${encodeURIComponent(generationId)}`
  const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json" }
  return {
    call: async () => {
      const response = await fetch(url, { headers })
      return idOf(JSON.parse(await response.text()))
    },
    close: async () => {}
  }
}

const officialClient: Make = async (origin) => {
  const { OpenRouter } = await import("@openrouter/sdk")
  const client = new OpenRouter({ apiKey, serverURL: `${origin}/api/v1` })
  return {
    call: async () => {
      const response = await client.generations.getGeneration({ id: generationId })
      return response.data.id
    },
    close: async () => {}
  }
}

// -----------------------------------------------------------------------------
// Effect clients
// -----------------------------------------------------------------------------

/** The two `@effect/platform` HTTP layers the Effect clients run on. */
export type Transport = "undici" | "fetch"

const transportLayer = async (transport: Transport): Promise<Layer.Layer<HttpClient.HttpClient>> =>
  transport === "undici"
    ? (await import("@effect/platform-node/NodeHttpClient")).layerUndici
    : (await import("@effect/platform/FetchHttpClient")).layer

/** A runtime whose `runPromise` runs one call, and its disposal. */
const runtimeClient = <A, R, ER>(
  runtime: ManagedRuntime.ManagedRuntime<R, ER>,
  call: (id: string) => Effect.Effect<A, unknown, R>,
  id: (result: A) => string
): Client => ({
  call: () => runtime.runPromise(call(generationId)).then(id),
  close: () => runtime.dispose()
})

/**
 * The floor: the GET written by hand on `@effect/platform`, with no Schema.
 * With `schema`, the body is decoded with `Models.GenerationResponse` too
 * (a diagnostic: what decoding adds to the floor).
 */
const effectClient = (transport: Transport, schema = false): Make => async (origin) => {
  const Effect = await import("effect/Effect")
  const ManagedRuntime = await import("effect/ManagedRuntime")
  const HttpClient = await import("@effect/platform/HttpClient")
  const HttpClientRequest = await import("@effect/platform/HttpClientRequest")
  const HttpClientResponse = await import("@effect/platform/HttpClientResponse")
  const { Models } = await import("../src/index.js")
  const runtime = ManagedRuntime.make(await transportLayer(transport))
  const url = `${origin}/api/v1/generation`
  const body: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<unknown, unknown> = schema
    ? HttpClientResponse.schemaBodyJson(Models.GenerationResponse)
    : (response) => response.json
  const getGeneration = (id: string) =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.get(url).pipe(
          HttpClientRequest.setUrlParam("id", id),
          HttpClientRequest.bearerToken(apiKey),
          HttpClientRequest.acceptJson
        )
      ).pipe(Effect.flatMap(HttpClientResponse.filterStatusOk))
      return yield* body(response)
    })
  return runtimeClient(runtime, getGeneration, idOf)
}

/** The layers an SDK client runs on: its config and an HTTP client. */
export type SdkLayer = Layer.Layer<ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient, unknown>

/**
 * This SDK on `transport`, with its default config unless `options` says
 * otherwise; `extra` adds layers (tracer switches and the like).
 */
export const sdkLayer = async (
  origin: string,
  transport: Transport,
  options: Partial<ModelGatesConfig.Options> = {},
  extra?: (
    client: Layer.Layer<HttpClient.HttpClient>,
    modules: { readonly Effect: typeof Effect; readonly HttpClient: typeof HttpClient; readonly Layer: typeof Layer }
  ) => Layer.Layer<HttpClient.HttpClient>
): Promise<SdkLayer> => {
  const { ModelGatesConfig } = await import("../src/index.js")
  const Layer = await import("effect/Layer")
  const client = await transportLayer(transport)
  const modules = {
    Effect: await import("effect/Effect"),
    HttpClient: await import("@effect/platform/HttpClient"),
    Layer
  }
  return Layer.merge(
    ModelGatesConfig.layer({ apiKey, baseUrl: `${origin}/api/v1`, ...options }),
    extra === undefined ? client : extra(client, modules)
  )
}

/**
 * Fails unless the runtime holds the SDK's default config (30 s per attempt,
 * `RetryPolicy.defaultPolicy`) and tracing is on: the targets are about the
 * SDK as a user gets it.
 */
export const checkDefaultConfig = async (
  runtime: ManagedRuntime.ManagedRuntime<ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient, unknown>
): Promise<void> => {
  const { ModelGatesConfig, RetryPolicy } = await import("../src/index.js")
  const Duration = await import("effect/Duration")
  const FiberRef = await import("effect/FiberRef")
  const config = await runtime.runPromise(ModelGatesConfig.ModelGatesConfig)
  const tracing = await runtime.runPromise(FiberRef.get(FiberRef.currentTracerEnabled))
  if (!Duration.equals(config.timeout, Duration.seconds(30))) {
    throw new Error(`the SDK client's timeout is ${Duration.format(config.timeout)}, not the default 30 s`)
  }
  if (config.retryPolicy !== RetryPolicy.defaultPolicy) {
    throw new Error("the SDK client's retry policy is not the default")
  }
  if (!tracing) throw new Error("tracing is off in the SDK client's runtime")
}

/** This SDK's `Generations.getGeneration`, one `runPromise` per call. */
const sdkClient = (layer: (origin: string) => Promise<SdkLayer>, defaults = false): Make => async (origin) => {
  const { Generations } = await import("../src/index.js")
  const ManagedRuntime = await import("effect/ManagedRuntime")
  const runtime = ManagedRuntime.make(await layer(origin))
  if (defaults) await checkDefaultConfig(runtime)
  return runtimeClient(runtime, (id) => Generations.getGeneration({ id }), (response) => response.data.id)
}

export const clients: Record<string, Make> = {
  "undici": undiciClient,
  "fetch": fetchClient,
  "official": officialClient,
  "effect-undici": effectClient("undici"),
  "effect-fetch": effectClient("fetch"),
  "sdk-undici": sdkClient((origin) => sdkLayer(origin, "undici"), true),
  "sdk-fetch": sdkClient((origin) => sdkLayer(origin, "fetch"), true),
  "sdk-undici-notimeout": sdkClient((origin) => sdkLayer(origin, "undici", { timeout: Infinity })),
  "effect-undici-schema": effectClient("undici", true),
  "sdk-undici-nopropagation": sdkClient((origin) =>
    sdkLayer(origin, "undici", {}, (client, { Effect, HttpClient, Layer }) =>
      Layer.provide(
        Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, HttpClient.withTracerPropagation(false))),
        client
      ))
  ),
  "sdk-undici-notracer": sdkClient((origin) =>
    sdkLayer(origin, "undici", {}, (client, { Layer }) => Layer.merge(client, Layer.setTracerEnabled(false)))
  )
}
