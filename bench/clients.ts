/**
 * The clients under test. Each one makes the same call, `GET
 * {base}/generation?id=…` with `Authorization` and `Accept` headers, reads the
 * whole body and turns it into an object, and resolves with the generation's
 * id (checked by the driver, so no client can skip the work). Each client
 * loads its libraries itself (dynamic `import`), so a child process holds
 * only the code of the client it measures.
 *
 * The main set (what `npm run bench` measures):
 * - `undici`: undici's `request` + `body.json()`: the transport's limit.
 * - `fetch`: the global `fetch` + `JSON.parse` of the text.
 * - `official`: `@openrouter/sdk`, `client.generations.getGeneration({ id })`.
 * - `sdk-fetch`, `sdk-undici`: this SDK's `Generations.getGeneration` on the
 *   `FetchHttpClient` and on `NodeHttpClient.layerUndici`, run with
 *   `ManagedRuntime.runPromise` per call, default config (30 s timeout,
 *   default retry policy, tracing on).
 * - `effect-undici`: the same call written directly on `@effect/platform`
 *   (HttpClient + `schemaBodyJson` of `Models.GenerationResponse`), no SDK:
 *   the floor of anything built on `@effect/platform`'s HttpClient.
 *
 * Diagnostic variants (pass them with `--clients`):
 * - `sdk-undici-nopropagation`: the SDK with `HttpClient.withTracerPropagation(false)`.
 * - `sdk-undici-notracer`: the SDK with the tracer disabled (`Layer.setTracerEnabled(false)`).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as EffectModule from "effect/Effect"
import type * as Layer from "effect/Layer"
import type { ModelGatesConfig } from "../src/index.js"

/** The id of the generation in `test/fixtures/generation.full.json`. */
export const generationId = "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs"

const apiKey = "sk-mg-bench-0000000000000000"

export interface Client {
  readonly call: () => Promise<string>
  readonly close: () => Promise<void>
}

type Make = (origin: string) => Promise<Client>

const undiciClient: Make = async (origin) => {
  const { Agent, request } = await import("undici")
  const dispatcher = new Agent()
  const path = `/api/v1/generation?id=${encodeURIComponent(generationId)}`
  const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json" }
  return {
    call: async () => {
      const response = await request(origin + path, { method: "GET", headers, dispatcher })
      const body = await response.body.json() as { data: { id: string } }
      return body.data.id
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
      const body = JSON.parse(await response.text()) as { data: { id: string } }
      return body.data.id
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

type SdkLayer = Layer.Layer<ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient, unknown>

/** This SDK's call, on the HTTP client (and extra layers) chosen by `layers`. */
const sdkClient = (
  layers: (modules: {
    readonly Effect: typeof EffectModule
    readonly Layer: typeof Layer
    readonly HttpClient: typeof HttpClient
    readonly config: Layer.Layer<ModelGatesConfig.ModelGatesConfig, unknown>
  }) => Promise<SdkLayer>
): Make =>
async (origin) => {
  const { Generations, ModelGatesConfig } = await import("../src/index.js")
  const ManagedRuntime = await import("effect/ManagedRuntime")
  const config = ModelGatesConfig.layer({ apiKey, baseUrl: `${origin}/api/v1` })
  const layer = await layers({
    Effect: await import("effect/Effect"),
    Layer: await import("effect/Layer"),
    HttpClient: await import("@effect/platform/HttpClient"),
    config
  })
  const runtime = ManagedRuntime.make(layer)
  const effect = Generations.getGeneration({ id: generationId })
  return {
    call: () => runtime.runPromise(effect).then((response) => response.data.id),
    close: () => runtime.dispose()
  }
}

const undiciLayer = async () => (await import("@effect/platform-node/NodeHttpClient")).layerUndici
const fetchLayer = async () => (await import("@effect/platform/FetchHttpClient")).layer

const effectUndiciClient: Make = async (origin) => {
  const Effect = await import("effect/Effect")
  const ManagedRuntime = await import("effect/ManagedRuntime")
  const HttpClient = await import("@effect/platform/HttpClient")
  const HttpClientRequest = await import("@effect/platform/HttpClientRequest")
  const HttpClientResponse = await import("@effect/platform/HttpClientResponse")
  const Models = await import("../src/Models.js")
  const runtime = ManagedRuntime.make(await undiciLayer())
  const decode = HttpClientResponse.schemaBodyJson(Models.GenerationResponse)
  const effect = Effect.gen(function*() {
    const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
    const response = yield* client.execute(
      HttpClientRequest.get(`${origin}/api/v1/generation`).pipe(
        HttpClientRequest.setUrlParam("id", generationId),
        HttpClientRequest.bearerToken(apiKey),
        HttpClientRequest.acceptJson
      )
    )
    return yield* decode(response)
  })
  return {
    call: () => runtime.runPromise(effect).then((response) => response.data.id),
    close: () => runtime.dispose()
  }
}

export const clients: Record<string, Make> = {
  "undici": undiciClient,
  "fetch": fetchClient,
  "official": officialClient,
  "sdk-fetch": sdkClient(async ({ Layer, config }) => Layer.merge(config, await fetchLayer())),
  "sdk-undici": sdkClient(async ({ Layer, config }) => Layer.merge(config, await undiciLayer())),
  "effect-undici": effectUndiciClient,
  "sdk-undici-nopropagation": sdkClient(async ({ Effect, HttpClient, Layer, config }) =>
    Layer.merge(
      config,
      Layer.provide(
        Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, HttpClient.withTracerPropagation(false))),
        await undiciLayer()
      )
    )
  ),
  "sdk-undici-notracer": sdkClient(async ({ Layer, config }) =>
    Layer.mergeAll(config, await undiciLayer(), Layer.setTracerEnabled(false))
  )
}
