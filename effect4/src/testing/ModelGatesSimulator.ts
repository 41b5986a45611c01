/**
 * A local ModelGates: it speaks the Generations API as the live service does,
 * quirks included, and can be told to fail on purpose.
 *
 * The same simulator runs two ways: {@link layer} answers an in-memory
 * `HttpClient` (fast unit tests, `TestClock` friendly, and free of Node
 * built-ins, so it runs in a browser bundle too), and
 * `ModelGatesSimulatorServer.serve`
 * (`@modelgates/effect4/testing/ModelGatesSimulatorServer`, Node only) answers
 * over a real HTTP server on loopback, for any client in any language. Either
 * way a {@link ModelGatesSimulator} service controls it: add and remove
 * generations, list their ids, script faults, raise a rate-limit storm, read
 * the request log.
 *
 * For tests of many lookups at once:
 *
 * - `ids` lists the store; so does `GET /__simulator/generations` on the
 *   simulator's origin (outside the API's base path, without a key, and not
 *   in the request log), as JSON:
 *   `{ "data": [{ "id", "label", "ready", "ready_at", "content_stored" }] }`.
 * - {@link Service.storm} answers a burst or a seeded share of all requests,
 *   whatever their id, with 429 and a `Retry-After`.
 * - Each logged request carries its arrival time on the `Clock` (`at`), so a
 *   test can check that nothing was sent while a `Retry-After` ran.
 * - A generation added during a run answers 404 until its `readyAfter` has
 *   passed, counted from when it was added.
 *
 * The simulator is `@modelgates/simulator`'s engine (plain TypeScript, usable
 * from any client); this module is its effect 4 adapter. Its bodies are built
 * from the same wire field tables as the SDK's models, so the two cannot
 * drift apart.
 *
 * @example
 * ```ts
 * import { Generations, ModelGatesConfig } from "@modelgates/effect4"
 * import { ModelGatesSimulator } from "@modelgates/effect4/testing"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const simulator = yield* ModelGatesSimulator.ModelGatesSimulator
 *   const [id = ""] = yield* simulator.ids
 *   yield* simulator.script({ id }, ModelGatesSimulator.errorResponse(529))
 *   // The 529 is retried by the default policy; the second attempt succeeds.
 *   return yield* Generations.getGeneration({ id })
 * })
 *
 * const TestLayer = Layer.merge(
 *   ModelGatesSimulator.layer({ seed: 7 }),
 *   ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey })
 * )
 *
 * Effect.runPromise(Effect.provide(program, TestLayer))
 * ```
 *
 * @example
 * ```ts
 * import { Generations, ModelGatesConfig, RetryPolicy } from "@modelgates/effect4"
 * import { ModelGatesSimulator } from "@modelgates/effect4/testing"
 * import { Effect, Layer } from "effect"
 *
 * // A storm: the next 3 requests, whatever their id, get 429 with Retry-After: 2.
 * // The default policy honours it, so nothing is sent again for 2 seconds.
 * const program = Effect.gen(function*() {
 *   const simulator = yield* ModelGatesSimulator.ModelGatesSimulator
 *   const [id = ""] = yield* simulator.ids
 *   yield* simulator.storm({ retryAfter: "2 seconds", requests: 3 })
 *   yield* Generations.getGeneration({ id }, { retryPolicy: RetryPolicy.defaultPolicy })
 *   // 429, 429, 429, then 200: each sent at least 2 seconds after the one before.
 *   return (yield* simulator.requests).map((request) => [request.at, request.status])
 * })
 *
 * const TestLayer = Layer.merge(
 *   ModelGatesSimulator.layer({ seed: 7 }),
 *   ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey })
 * )
 *
 * Effect.runPromise(Effect.provide(program, TestLayer))
 * ```
 *
 * @since 0.1.0
 */
import * as Engine from "@modelgates/simulator/Engine"
import type * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as inMemory from "../internal/simulator/inMemory.js"
import * as Models from "../Models.js"

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

/**
 * The key every simulator accepts when no `keys` are configured. It is an
 * admin's key: it may read stored content.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApiKey: string = Engine.defaultApiKey

/**
 * An API key the simulator accepts. Admin keys may read stored content;
 * other keys get 403 there, like an organisation member's.
 *
 * @since 0.1.0
 * @category models
 */
export interface KeyOptions {
  readonly key: string | Redacted.Redacted<string>
  /** Default `true`. */
  readonly admin?: boolean | undefined
  /** The `user_id` of error envelopes answered to this key. */
  readonly userId?: string | undefined
}

/**
 * A requests-per-window limit, counted per key in fixed windows.
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitOptions {
  readonly requests: number
  readonly window: Duration.Input
}

/**
 * How a simulator behaves. Every option has a default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The seed of the generated store; the same seed gives the same generations. Default `1`. */
  readonly seed?: number | undefined
  /** How many past generations to seed, besides the one just finished. Default `12`. */
  readonly generations?: number | undefined
  /** The accepted keys. Default: {@link defaultApiKey} only, as an admin. */
  readonly keys?: ReadonlyArray<string | Redacted.Redacted<string> | KeyOptions> | undefined
  /** How long a generation added "now" answers 404 before its record appears. Default 2 seconds. */
  readonly readyAfter?: Duration.Input | undefined
  /** Off by default. */
  readonly rateLimit?: RateLimitOptions | undefined
  /** Where the API lives on the simulator's origin. Default `/api/v1`. */
  readonly basePath?: string | undefined
}

// -----------------------------------------------------------------------------
// store
// -----------------------------------------------------------------------------

/**
 * A generation the simulator knows: its metadata, its stored content (`null`
 * when it was not logged), and when its record appears.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredGeneration {
  readonly id: string
  /** What kind of generation it is: `fallback`, `failed`, `not-logged`, `fresh`, … */
  readonly label: string
  readonly data: Models.GenerationData
  readonly content: Models.GenerationContentData | null
  /** `Clock` time, in milliseconds, from which the generation is found. */
  readonly readyAt: number
}

/**
 * The fields of a generation's metadata, as its model's constructor takes them.
 *
 * @since 0.1.0
 * @category models
 */
export type GenerationFields = ConstructorParameters<typeof Models.GenerationData>[0]

/**
 * What {@link Service.add} accepts. Anything not given is generated, like a
 * generation that has just finished.
 *
 * @since 0.1.0
 * @category models
 */
export interface AddOptions {
  readonly id?: string | undefined
  readonly label?: string | undefined
  /** Fields that override the generated metadata. */
  readonly data?: Partial<GenerationFields> | undefined
  /** The stored content; `null` for a generation that was not logged. Default: generated, logged. */
  readonly content?: Models.GenerationContentData | null | undefined
  /** Default: the simulator's `readyAfter`. */
  readonly readyAfter?: Duration.Input | undefined
}

// -----------------------------------------------------------------------------
// faults
// -----------------------------------------------------------------------------

/**
 * How a response travels. Without any of these a response is sent at once and
 * whole.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  /** Wait this long before the status line and headers. */
  readonly delay?: Duration.Input | undefined
  /** Send `afterBytes` of the body, wait `duration`, then send the rest. */
  readonly pause?: { readonly afterBytes: number; readonly duration: Duration.Input } | undefined
  /** Send this many bytes of the body, then nothing more, leaving the connection open. */
  readonly stallAfter?: number | undefined
  /** Send this many bytes of the body, then close the connection (its length promised more). */
  readonly truncateAfter?: number | undefined
}

/**
 * A body a fault can answer with: raw text or bytes, or one of the API's
 * models (encoded to its wire JSON).
 *
 * @since 0.1.0
 * @category models
 */
export type Body =
  | string
  | Uint8Array
  | Models.ErrorResponse
  | Models.GenerationResponse
  | Models.GenerationContentResponse

/**
 * A scripted misbehaviour, consumed by one request.
 *
 * - `Respond`: answer this status, body and headers instead of the real answer.
 * - `Deliver`: give the real answer, but deliver it badly (late, paused, stalled, cut off).
 * - `Drop`: close the connection without answering (over HTTP; in memory, a transport failure).
 *
 * @since 0.1.0
 * @category models
 */
export type Fault =
  | {
    readonly _tag: "Respond"
    readonly status: number
    readonly body: Body
    readonly headers: Readonly<Record<string, string>>
    readonly delivery: Delivery
  }
  | { readonly _tag: "Deliver"; readonly delivery: Delivery }
  | { readonly _tag: "Drop"; readonly delay?: Duration.Input | undefined }

/**
 * Which requests a scripted fault waits for: every request for a generation
 * id (on either path), or every request to a path of the API (`/generation`
 * or `/generation/content`, below the base path). A request takes the first
 * fault queued for its id, else the first one queued for its path.
 *
 * @since 0.1.0
 * @category models
 */
export type Target = Engine.Target

/**
 * Answers with any status, body and headers. Statuses from 200 to 599: the
 * in-memory client builds a web `Response`, which cannot carry others.
 *
 * @since 0.1.0
 * @category faults
 */
export const respond = (
  status: number,
  options: {
    readonly body?: Body | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly delivery?: Delivery | undefined
  } = {}
): Fault => ({
  _tag: "Respond",
  status,
  body: options.body ?? "",
  headers: options.headers ?? {},
  delivery: options.delivery ?? {}
})

/**
 * Answers with the API's JSON error envelope, its `code` equal to the status.
 * The message defaults to the live service's for that status.
 *
 * @since 0.1.0
 * @category faults
 */
export const errorResponse = (
  status: number,
  options: {
    readonly message?: string | undefined
    readonly metadata?: Readonly<Record<string, unknown>> | undefined
    readonly userId?: string | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly delivery?: Delivery | undefined
  } = {}
): Fault =>
  respond(status, {
    body: new Models.ErrorResponse({
      error: new Models.ErrorResponseData({
        code: status,
        message: options.message ?? Engine.defaultMessage(status),
        metadata: options.metadata ?? null
      }),
      userId: options.userId ?? null,
      modelgatesMetadata: null
    }),
    headers: options.headers,
    delivery: options.delivery
  })

/**
 * Answers the way the edge network does when it gives up: an HTML page with
 * the status and no JSON envelope. Default 524.
 *
 * @since 0.1.0
 * @category faults
 */
export const edgePage = (
  status = 524,
  options: { readonly headers?: Readonly<Record<string, string>> | undefined; readonly delivery?: Delivery } = {}
): Fault =>
  respond(status, {
    body: Engine.edgePageHtml(status),
    headers: { "content-type": "text/html; charset=UTF-8", ...options.headers },
    delivery: options.delivery
  })

/**
 * Gives the real answer, delivered as told: late, paused, stalled or cut off.
 *
 * @since 0.1.0
 * @category faults
 */
export const deliver = (delivery: Delivery): Fault => ({ _tag: "Deliver", delivery })

/**
 * Closes the connection without an answer, after an optional delay.
 *
 * @since 0.1.0
 * @category faults
 */
export const drop = (options: { readonly delay?: Duration.Input | undefined } = {}): Fault => ({
  _tag: "Drop",
  delay: options.delay
})

/**
 * Redirects to `location` (absolute, or relative to the request's URL).
 * Default status 307.
 *
 * @since 0.1.0
 * @category faults
 */
export const redirect = (location: string, options: { readonly status?: number | undefined } = {}): Fault =>
  respond(options.status ?? 307, { headers: { location } })

/**
 * A rate-limit storm: for a while, the API answers a share of all requests,
 * whatever their id or path, with 429 and a `Retry-After`. It ends after
 * `requests` requests, or after `duration` on the `Clock`, whichever comes
 * first, or when {@link Service.calm} is called; without either bound it
 * lasts until then.
 *
 * A fault scripted for a request's id or path comes first; the storm answers
 * before authentication and the rate limit.
 *
 * @since 0.1.0
 * @category models
 */
export interface StormOptions {
  /**
   * The wait each 429 asks for, as `Retry-After` in whole seconds (rounded
   * up) and `retry-after-ms` in milliseconds. Default: no such header.
   */
  readonly retryAfter?: Duration.Input | undefined
  /** How many requests the storm lasts for, answered 429 or not: with `share` 1, a burst of that many 429s. */
  readonly requests?: number | undefined
  /** How long the storm lasts on the `Clock`, from when it starts. */
  readonly duration?: Duration.Input | undefined
  /**
   * The share of requests answered 429, from 0 to 1. Default `1`: every one.
   * Which ones is drawn from `seed` and the request's place in the storm, so
   * the same storm picks the same places in every run.
   */
  readonly share?: number | undefined
  /** Default: the simulator's seed. */
  readonly seed?: number | undefined
}

// -----------------------------------------------------------------------------
// request log
// -----------------------------------------------------------------------------

/**
 * What became of a request: still being answered, answered in full, aborted
 * by the client, cut off or dropped by a fault.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = Engine.Outcome

/**
 * One request as the simulator saw it. Credentials in the headers
 * (`authorization`, `cookie`, …) read `<redacted>`. `seq` counts from 0 in
 * arrival order; `at` is the arrival on the `Clock`, in milliseconds
 * (`TestClock` time in memory, the system's over HTTP), so a test can check
 * that nothing was sent during a pause; `status` is `null` before the answer
 * or when the connection was dropped.
 *
 * @since 0.1.0
 * @category models
 */
export type LoggedRequest = Engine.LoggedRequest

// -----------------------------------------------------------------------------
// service
// -----------------------------------------------------------------------------

/**
 * The control of a running simulator.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Adds a generation, at any time during a run; it answers 404 until its
   * `readyAfter` (default: the simulator's) has passed on the `Clock`,
   * counted from when it was added.
   */
  readonly add: (options?: AddOptions) => Effect.Effect<StoredGeneration>
  /** Removes a generation; `false` when there was none with that id. */
  readonly remove: (id: string) => Effect.Effect<boolean>
  /** The generations in the store, in the order they were added, ready or not. */
  readonly generations: Effect.Effect<ReadonlyArray<StoredGeneration>>
  /** The ids of {@link generations}, in the same order. */
  readonly ids: Effect.Effect<ReadonlyArray<string>>
  /** Queues faults for the target, to be consumed one per request, in order. */
  readonly script: (target: Target, ...faults: ReadonlyArray<Fault>) => Effect.Effect<void>
  /**
   * Starts a rate-limit storm across all ids, in place of any storm in
   * progress. Fails when an option is out of range.
   */
  readonly storm: (options: StormOptions) => Effect.Effect<void, Cause.IllegalArgumentError>
  /** Ends the storm in progress, if any. */
  readonly calm: Effect.Effect<void>
  /** Every request received so far. */
  readonly requests: Effect.Effect<ReadonlyArray<LoggedRequest>>
  /** Empties the request log. */
  readonly clearRequests: Effect.Effect<void>
}

/**
 * The simulator's control, as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class ModelGatesSimulator extends Context.Service<ModelGatesSimulator, Service>()(
  "@modelgates/effect4/testing/ModelGatesSimulator"
) {}

/**
 * An in-memory simulator: an `HttpClient` that every request reaches
 * (whatever its origin, below the base path), and the control service. Time
 * (readiness, rate limits, delays) runs on the `Clock`, so `TestClock` drives
 * it. Redirects are answered, not followed.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient | ModelGatesSimulator> =>
  Layer.effectContext(
    Effect.map(Clock.currentTimeMillis, (startedAt) => {
      // The engine is told the Clock's time at every call; its own clock only dates the generation just finished.
      const simulator = Engine.make({ ...inMemory.engineOptions(options), now: () => startedAt })
      return Context.make(ModelGatesSimulator, inMemory.makeService(simulator, Clock.currentTimeMillis)).pipe(
        Context.add(HttpClient.HttpClient, inMemory.makeClient(simulator))
      )
    })
  )
