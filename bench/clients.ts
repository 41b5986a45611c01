/**
 * The clients under test (see `transportClients.ts` for what every client
 * does, and for `undici`, `fetch` and `official`). Each client loads its
 * libraries itself (dynamic `import`), so a child process holds only the code
 * of the client it measures. Every Effect client builds its call per call
 * (the id is an argument), as a program with varying ids would.
 *
 * The main set (what `npm run bench` measures), beside the three of
 * `transportClients.ts`:
 * - `effect-undici`, `effect-fetch`: the plain floor. The GET written by hand
 *   on `@effect/platform`, no Schema: `HttpClientRequest.get`, `setUrlParam`,
 *   `bearerToken`, `acceptJson`, `client.execute`,
 *   `HttpClientResponse.filterStatusOk`, `response.json`, one
 *   `ManagedRuntime.runPromise` per call, on `NodeHttpClient.layerUndici` /
 *   `FetchHttpClient.layer`.
 * - `effect-undici-guarded`, `effect-fetch-guarded`: the floor with the SDK's
 *   guarantees (issue 17): the same GET, its body decoded with
 *   `Models.GenerationResponse` (`HttpClientResponse.schemaBodyJson`), each
 *   attempt bounded by `Effect.timeoutFail` (30 s), `Effect.retry` with an
 *   exponential, jittered `Schedule` on transient failures, all in
 *   `Effect.withSpan(..., { kind: "client", captureStackTrace: false })`.
 * - `sdk-undici`, `sdk-fetch`: this SDK's `Generations.getGeneration` on the
 *   same two layers, one `ManagedRuntime.runPromise` per call, with the
 *   SDK's default config (30 s per-attempt timeout, default retry policy,
 *   tracing and metrics on), checked when the client starts.
 * - `sdk-undici-notimeout`: the same with `timeout: Infinity`, to price the
 *   timeout in the same run.
 *
 * Diagnostic variants (pass them with `--clients`):
 * - `effect-undici-schema`: the plain floor plus `schemaBodyJson(Models.GenerationResponse)`.
 * - `effect-undici-guarded-json`: the guarded floor with `response.json` for
 *   the decode: what its Schema decode costs.
 * - `sdk-undici-nopropagation`: the SDK with `HttpClient.withTracerPropagation(false)`.
 * - `sdk-undici-notracer`: the SDK with the tracer disabled (`Layer.setTracerEnabled(false)`).
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import type { ModelGatesConfig } from "../src/index.js"
import { apiKey, type Client, generationId, idOf, type Make, transportClients } from "./transportClients.js"

export { type Client, generationId } from "./transportClients.js"

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

/** The modules the hand-written Effect clients use, loaded by the client that runs. */
const platformModules = async () => ({
  Effect: await import("effect/Effect"),
  ManagedRuntime: await import("effect/ManagedRuntime"),
  HttpClient: await import("@effect/platform/HttpClient"),
  HttpClientError: await import("@effect/platform/HttpClientError"),
  HttpClientRequest: await import("@effect/platform/HttpClientRequest"),
  HttpClientResponse: await import("@effect/platform/HttpClientResponse")
})

type PlatformModules = Awaited<ReturnType<typeof platformModules>>

/** The GET written by hand on `@effect/platform`: one attempt, the body read by `body`. */
const handWrittenGet = <A, E>(
  { Effect, HttpClient, HttpClientRequest, HttpClientResponse }: PlatformModules,
  url: string,
  body: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, E>
) =>
(id: string) =>
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

/**
 * The plain floor: the GET written by hand on `@effect/platform`, with no
 * Schema. With `schema`, the body is decoded with `Models.GenerationResponse`
 * too (a diagnostic: what decoding adds to the floor).
 */
const effectClient = (transport: Transport, schema = false): Make => async (origin) => {
  const modules = await platformModules()
  const { Models } = await import("../src/index.js")
  const runtime = modules.ManagedRuntime.make(await transportLayer(transport))
  const body: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<unknown, unknown> = schema
    ? modules.HttpClientResponse.schemaBodyJson(Models.GenerationResponse)
    : (response) => response.json
  return runtimeClient(runtime, handWrittenGet(modules, `${origin}/api/v1/generation`, body), idOf)
}

/** Statuses worth another attempt: the SDK's own list (`core/Errors.ts`). */
const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504, 524, 529])

/**
 * The floor with the SDK's guarantees, as a careful user writes it by hand:
 * the plain floor's GET, the body decoded with `Models.GenerationResponse`
 * (the SDK decodes into the same model; with `schema: false`, `response.json`),
 * each attempt bounded by a 30 s `Effect.timeoutFail`, transient failures
 * (transport errors, the statuses above, the timeout) retried on the SDK's
 * default backoff (exponential from 500 ms by 1.5, jittered, 5 retries), in
 * one client span that captures no stack, as the SDK's does.
 */
const guardedClient = (transport: Transport, schema = true): Make => async (origin) => {
  const modules = await platformModules()
  const { Effect } = modules
  const Data = await import("effect/Data")
  const Schedule = await import("effect/Schedule")
  const { Models } = await import("../src/index.js")
  class AttemptTimeout extends Data.TaggedError("AttemptTimeout") {}
  const runtime = modules.ManagedRuntime.make(await transportLayer(transport))
  const body: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<unknown, unknown> = schema
    ? modules.HttpClientResponse.schemaBodyJson(Models.GenerationResponse)
    : (response) => response.json
  const get = handWrittenGet(modules, `${origin}/api/v1/generation`, body)
  const transient = (error: unknown): boolean =>
    error instanceof AttemptTimeout ||
    (modules.HttpClientError.isHttpClientError(error) &&
      (error._tag === "RequestError"
        ? error.reason === "Transport"
        : error.reason === "StatusCode" && transientStatuses.has(error.response.status)))
  const schedule = Schedule.jittered(Schedule.exponential("500 millis", 1.5))
  const getGeneration = (id: string) =>
    get(id).pipe(
      Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new AttemptTimeout() }),
      Effect.retry({ schedule, times: 5, while: transient }),
      Effect.withSpan("getGeneration", {
        kind: "client",
        attributes: { "modelgates.generation.id": id },
        captureStackTrace: false
      })
    )
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
  ...transportClients,
  "effect-undici": effectClient("undici"),
  "effect-fetch": effectClient("fetch"),
  "effect-undici-guarded": guardedClient("undici"),
  "effect-fetch-guarded": guardedClient("fetch"),
  "sdk-undici": sdkClient((origin) => sdkLayer(origin, "undici"), true),
  "sdk-fetch": sdkClient((origin) => sdkLayer(origin, "fetch"), true),
  "sdk-undici-notimeout": sdkClient((origin) => sdkLayer(origin, "undici", { timeout: Infinity })),
  "effect-undici-schema": effectClient("undici", true),
  "effect-undici-guarded-json": guardedClient("undici", false),
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
