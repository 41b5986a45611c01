/**
 * The Effect 4 clients under test (issue 19), run by `effect4/client.ts` on
 * Node 24. `run.ts` builds this file apart from the Effect 3 children: every
 * `effect`/`@effect/*` import resolves from the effect4 workspace's
 * `node_modules` (effect 4.1.5), and `@modelgates/effect4` is that
 * workspace's source, bundled in as `src` is for the Effect 3 line (or an
 * empty module when the workspace has none, so the SDK rows say so).
 *
 * - `effect4-undici`, `effect4-fetch`: the plain floor, the GET written by hand
 *   on `effect/http` (`HttpClientRequest.get`, `setUrlParam`, `bearerToken`,
 *   `acceptJson`, `client.execute`, `HttpClientResponse.filterStatusOk`,
 *   `response.json`), one `ManagedRuntime.runPromise` per call, on
 *   `NodeHttpClient.layerUndici` (@effect/platform-node 4.1.5) /
 *   `FetchHttpClient.layer`.
 * - `effect4-undici-guarded`, `effect4-fetch-guarded`: the same with the SDK's
 *   guarantees, in effect 4's idioms: the body decoded with a wire-keyed
 *   `Schema.Struct` of the same fields (`wireSchema.ts`, through
 *   `HttpClientResponse.schemaBodyJson`; the effect4 models' encoded side
 *   has the camelCase names, so they cannot decode the wire), each
 *   attempt bounded by `Effect.timeoutOrElse` (30 s, failing with a timeout
 *   error), `Effect.retry` with an exponential, jittered `Schedule` on
 *   transient failures, in `Effect.withSpan(..., { kind: "client" })`.
 *   `effect4-undici-guarded-json` (diagnostic): the same with `response.json`.
 * - `sdk4-undici`, `sdk4-fetch`: `@modelgates/effect4`'s
 *   `Generations.getGeneration` with its default config, checked at start.
 *   `sdk4-undici-notimeout` (diagnostic): the same with `timeout: Infinity`.
 * - `undici`, `fetch`, `official`: as in the Effect 3 children, so that the
 *   effect4 SDK can be paired with the official client in one process.
 */
import type * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import type * as Layer from "effect/Layer"
import { apiKey, generationId, idOf, type Make, transportClients } from "../transportClients.js"
import { GenerationResponseWire } from "./wireSchema.js"

type Transport = "undici" | "fetch"

const transportLayer = async (transport: Transport): Promise<Layer.Layer<HttpClient.HttpClient>> =>
  transport === "undici"
    ? (await import("@effect/platform-node/NodeHttpClient")).layerUndici
    : (await import("effect/http/FetchHttpClient")).layer

/**
 * What the bench needs of `@modelgates/effect4`: the names issue 19 fixes,
 * typed only as far as the bench uses them, so this file does not depend on
 * the workspace's own types.
 */
interface Sdk4 {
  readonly Generations: {
    readonly getGeneration: (
      input: { readonly id: string }
    ) => Effect.Effect<{ readonly data: { readonly id: string } }>
  }
  readonly ModelGatesConfig: {
    readonly ModelGatesConfig: Effect.Effect<{ readonly timeout: unknown; readonly retryPolicy: unknown }>
    readonly layer: (options: { readonly apiKey: string; readonly baseUrl: string }) => Layer.Layer<never, unknown>
  }
  readonly RetryPolicy: { readonly defaultPolicy: unknown }
}

/** The effect4 SDK, or a failure naming what is missing. */
const loadSdk4 = async (...needs: ReadonlyArray<keyof Sdk4>): Promise<Sdk4> => {
  const sdk: Partial<Record<keyof Sdk4, unknown>> = await import("@modelgates/effect4")
  const missing = needs.filter((name) => sdk[name] === undefined)
  if (missing.length > 0) {
    throw new Error(`@modelgates/effect4 has no ${missing.join(", ")} (is effect4/src there?)`)
  }
  return sdk as unknown as Sdk4
}

const effectModules = async () => ({
  Effect: await import("effect/Effect"),
  ManagedRuntime: await import("effect/ManagedRuntime"),
  HttpClient: await import("effect/http/HttpClient"),
  HttpClientError: await import("effect/http/HttpClientError"),
  HttpClientRequest: await import("effect/http/HttpClientRequest"),
  HttpClientResponse: await import("effect/http/HttpClientResponse")
})

type EffectModules = Awaited<ReturnType<typeof effectModules>>

/** The GET written by hand on `effect/http`: one attempt, the body read by `body`. */
const handWrittenGet = <A, E>(
  { Effect, HttpClient, HttpClientRequest, HttpClientResponse }: EffectModules,
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

/** A runtime on `layer` whose `runPromise` runs one call per `call()`. */
const runtimeClient = async <R>(
  layer: Layer.Layer<R, unknown>,
  call: (id: string) => Effect.Effect<unknown, unknown, R>,
  check?: (run: <X>(effect: Effect.Effect<X, unknown, R>) => Promise<X>) => Promise<void>
) => {
  const { make } = await import("effect/ManagedRuntime")
  const runtime = make(layer)
  if (check !== undefined) await check((effect) => runtime.runPromise(effect))
  return {
    call: () => runtime.runPromise(call(generationId)).then(idOf),
    close: () => runtime.dispose()
  }
}

/** The plain floor on effect 4. */
const effectClient = (transport: Transport): Make => async (origin) => {
  const modules = await effectModules()
  const get = handWrittenGet(modules, `${origin}/api/v1/generation`, (response) => response.json)
  return runtimeClient(await transportLayer(transport), get)
}

/** Statuses worth another attempt: the SDK's own list (`core/Errors.ts`). */
const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504, 524, 529])

/**
 * The floor with the SDK's guarantees on effect 4: the plain floor's GET, the
 * body decoded with the wire struct (with `schema: false`, `response.json`),
 * each attempt bounded by a 30 s
 * `Effect.timeoutOrElse`, transient failures (transport errors, the statuses
 * above, the timeout) retried on the SDK's default backoff, in one client
 * span that captures no stack, as the SDK's does.
 */
const guardedClient = (transport: Transport, schema = true): Make => async (origin) => {
  const modules = await effectModules()
  const { Effect, HttpClientError } = modules
  const Data = await import("effect/Data")
  const Schedule = await import("effect/Schedule")
  class AttemptTimeout extends Data.TaggedError("AttemptTimeout") {}
  const body = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<unknown, unknown> =>
    schema ? modules.HttpClientResponse.schemaBodyJson(GenerationResponseWire)(response) : response.json
  const get = handWrittenGet(modules, `${origin}/api/v1/generation`, body)
  const transient = (error: unknown): boolean =>
    error instanceof AttemptTimeout ||
    (HttpClientError.isHttpClientError(error) &&
      (error.reason._tag === "TransportError" ||
        (error.reason._tag === "StatusCodeError" && transientStatuses.has(error.reason.response.status))))
  const schedule = Schedule.jittered(Schedule.exponential("500 millis", 1.5))
  const getGeneration = (id: string) =>
    get(id).pipe(
      Effect.timeoutOrElse({ duration: "30 seconds", orElse: () => Effect.fail(new AttemptTimeout()) }),
      Effect.retry({ schedule, times: 5, while: transient }),
      Effect.withSpan("getGeneration", { kind: "client", attributes: { "modelgates.generation.id": id } }, {
        captureStackTrace: false
      })
    )
  return runtimeClient(await transportLayer(transport), getGeneration)
}

/**
 * The effect4 SDK's `Generations.getGeneration` on `transport`, refusing to
 * start unless its config is the default (30 s per attempt,
 * `RetryPolicy.defaultPolicy`) and tracing is on, as for the Effect 3 line.
 */
const sdkClient = (transport: Transport, defaults = true): Make => async (origin) => {
  const sdk = await loadSdk4("Generations", "ModelGatesConfig", "RetryPolicy")
  const Effect = await import("effect/Effect")
  const Duration = await import("effect/Duration")
  const Layer = await import("effect/Layer")
  const References = await import("effect/References")
  const layer = Layer.merge(
    sdk.ModelGatesConfig.layer({ apiKey, baseUrl: `${origin}/api/v1`, ...(defaults ? {} : { timeout: Infinity }) }),
    await transportLayer(transport)
  )
  const checkDefaults = async (run: <X>(effect: Effect.Effect<X, unknown, never>) => Promise<X>) => {
    const config = await run(Effect.gen(function*() {
      return yield* sdk.ModelGatesConfig.ModelGatesConfig
    }))
    const tracing = await run(Effect.gen(function*() {
      return yield* References.TracerEnabled
    }))
    if (!Duration.isDuration(config.timeout) || !Duration.equals(config.timeout, Duration.seconds(30))) {
      throw new Error("the effect4 SDK client's timeout is not the default 30 s")
    }
    if (config.retryPolicy !== sdk.RetryPolicy.defaultPolicy) {
      throw new Error("the effect4 SDK client's retry policy is not the default")
    }
    if (!tracing) throw new Error("tracing is off in the effect4 SDK client's runtime")
  }
  return runtimeClient(
    layer,
    (id) => sdk.Generations.getGeneration({ id }),
    defaults ? checkDefaults : undefined
  )
}

export const clients: Record<string, Make> = {
  ...transportClients,
  "effect4-undici": effectClient("undici"),
  "effect4-fetch": effectClient("fetch"),
  "effect4-undici-guarded": guardedClient("undici"),
  "effect4-fetch-guarded": guardedClient("fetch"),
  "effect4-undici-guarded-json": guardedClient("undici", false),
  "sdk4-undici": sdkClient("undici"),
  "sdk4-fetch": sdkClient("fetch"),
  "sdk4-undici-notimeout": sdkClient("undici", false)
}
