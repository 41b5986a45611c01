/**
 * The Generations resource: what a past generation cost and how it ran, and
 * what exactly went in and out.
 *
 * Each operation is an Effect that needs a `ModelGatesConfig` and an
 * `HttpClient` (from `effect/http`), fails with its own tagged union of
 * errors, and retries by the configured `Schedule`.
 *
 * @example
 * ```ts
 * import { Generations, ModelGatesConfig } from "@modelgates/effect4"
 * import { Effect, Layer } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const program = Generations.getGeneration({ id: "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs" }).pipe(
 *   Effect.map(({ data }) => `${data.model} cost $${data.totalCost}`),
 *   Effect.catchTag("NotFoundResponseError", () => Effect.succeed("not there (yet)"))
 * )
 *
 * const MainLayer = Layer.merge(ModelGatesConfig.layerConfig(), FetchHttpClient.layer)
 *
 * Effect.runPromise(Effect.provide(program, MainLayer))
 * ```
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as Errors from "../../core/Errors.js"
import { Handover } from "../../core/Handover.js"
import * as Operations from "../../core/Operations.js"
import * as Telemetry from "../../core/Telemetry.js"
import * as client from "./internal/client.js"
import * as Decoder from "./internal/decoder.js"
import * as ModelGatesConfig from "./ModelGatesConfig.js"
import * as ModelGatesError from "./ModelGatesError.js"
import type * as Models from "./Models.js"
import type * as RetryPolicy from "./RetryPolicy.js"

/**
 * Which generation to look up, and the app attribution headers for this call
 * (each overrides the config's value).
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerationRequest extends client.GenerationRequest {}

/**
 * Per-call overrides of the configured `retryPolicy` and `timeout` (per
 * attempt; a plain number means milliseconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions extends client.CallOptions {}

const getGenerationOperation = client.makeOperation(
  Operations.getGeneration,
  Decoder.GenerationResponseFromJson,
  Telemetry.generationAttributes
)

const listGenerationContentOperation = client.makeOperation(
  Operations.listGenerationContent,
  Decoder.GenerationContentResponseFromJson
)

/**
 * Gets what a generation cost and how it ran: tokens, latency, provider,
 * model, fallbacks (`GET /generation?id=…`).
 *
 * A 404 right after a generation finishes usually means "not yet": the record
 * appears a moment later.
 *
 * @since 0.1.0
 * @category operations
 */
export const getGeneration: (
  request: GenerationRequest,
  options?: CallOptions
) => Effect.Effect<
  Models.GenerationResponse,
  ModelGatesError.GetGenerationError,
  ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
> = (request, options) => client.execute(getGenerationOperation, request, options)

/**
 * Gets what went into and came out of a generation: the stored prompt or
 * messages, the completion and reasoning, and the stored failure if it failed
 * (`GET /generation/content?id=…`).
 *
 * Content is stored only when input/output logging is on for the account, so
 * a 404 or 403 here usually means "not logged" or "not allowed".
 *
 * @since 0.1.0
 * @category operations
 */
export const listGenerationContent: (
  request: GenerationRequest,
  options?: CallOptions
) => Effect.Effect<
  Models.GenerationContentResponse,
  ModelGatesError.ListGenerationContentError,
  ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
> = (request, options) => client.execute(listGenerationContentOperation, request, options)

// -----------------------------------------------------------------------------
// waiting for a generation
// -----------------------------------------------------------------------------

/**
 * The poll schedule {@link waitForGeneration} uses unless told otherwise:
 * 250 ms, growing by 1.5 each time, at most 2 seconds a wait.
 *
 * @since 0.1.0
 * @category polling
 */
export const defaultPoll: Schedule.Schedule<unknown, ModelGatesError.NotFoundResponseError> = Schedule.exponential(
  "250 millis",
  1.5
).pipe(Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.seconds(2)))))

/**
 * The options of {@link waitForGeneration}: those of a call (per attempt),
 * plus the whole budget and how to poll.
 *
 * @since 0.1.0
 * @category models
 */
export interface WaitOptions extends CallOptions {
  /** The whole budget, from the first look. Default 60 seconds; a plain number means milliseconds. */
  readonly maxWait?: Duration.Input | undefined
  /** How to wait between looks while the answer is 404. Default {@link defaultPoll}. */
  readonly poll?: Schedule.Schedule<unknown, ModelGatesError.NotFoundResponseError> | undefined
}

const isNotFound = (error: ModelGatesError.GetGenerationError): error is ModelGatesError.NotFoundResponseError =>
  error._tag === "NotFoundResponseError"

/**
 * Gets a generation that may not exist yet: right after a generation ends,
 * `GET /generation` answers 404 for a moment. It looks at once, then polls
 * while the answer is 404, until the record exists or `maxWait` has passed.
 * Polls start until `maxWait` and no later: a wait that would end after it is
 * shortened to end there, and the lookup made then is the last one. If it
 * answers 404 too, the wait fails with `GenerationNotReadyError`. A lookup in
 * flight runs to its end, bounded by its own `timeout` and retry policy.
 *
 * Every other error is not polled: it keeps the call's retry policy (a 429
 * honours `Retry-After`) and then fails as it would from
 * {@link getGeneration}.
 *
 * @example
 * ```ts
 * import { Generations } from "@modelgates/effect4"
 * import { Effect } from "effect"
 *
 * // Right after a completion: what did it cost?
 * export const cost = (id: string) =>
 *   Generations.waitForGeneration({ id }, { maxWait: "30 seconds" }).pipe(
 *     Effect.map(({ data }) => data.totalCost),
 *     Effect.catchTag("GenerationNotReadyError", (error) => Effect.logWarning(error.message).pipe(Effect.as(null)))
 *   )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const waitForGeneration: (
  request: GenerationRequest,
  options?: WaitOptions
) => Effect.Effect<
  Models.GenerationResponse,
  ModelGatesError.WaitForGenerationError,
  ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
> = Effect.fn("Generations.waitForGeneration")(function*(request: GenerationRequest, options?: WaitOptions) {
  const maxWait = Duration.fromInput(options?.maxWait ?? "60 seconds")
  if (Option.isNone(maxWait) || Duration.isLessThan(maxWait.value, Duration.zero)) {
    return yield* new ModelGatesError.InvalidRequestError({
      field: "maxWait",
      message: `Generations.waitForGeneration: maxWait must be a duration of zero or more`
    })
  }
  const call: CallOptions = { retryPolicy: options?.retryPolicy, timeout: options?.timeout }
  const startedAt = yield* Clock.currentTimeMillis
  const deadline = startedAt + Duration.toMillis(maxWait.value)
  let attempts = 0
  const notReady = Effect.map(Clock.currentTimeMillis, (now) => {
    const elapsed = Duration.millis(now - startedAt)
    return new ModelGatesError.GenerationNotReadyError({
      id: request.id,
      attempts,
      elapsed,
      message: Errors.notReadyMessage(request.id, attempts, Duration.format(elapsed))
    })
  })
  // The last poll starts at the deadline: a longer wait is cut to end there, and none follows it.
  const poll = (options?.poll ?? defaultPoll).pipe(
    Schedule.modifyDelay(({ duration }) =>
      Effect.map(Clock.currentTimeMillis, (now) => Duration.min(duration, Duration.millis(Math.max(0, deadline - now))))
    ),
    Schedule.while(() => Effect.map(Clock.currentTimeMillis, (now) => now < deadline))
  )
  // Errors other than the 404 travel on the success side while polling, so
  // the poll schedule only ever sees 404s.
  const look = Effect.suspend(() => {
    attempts++
    return getGeneration(request, call)
  }).pipe(
    Effect.map(Result.succeed),
    Effect.catchIf((error) => !isNotFound(error), (error) => Effect.succeed(Result.fail(error)))
  )
  const outcome = yield* look.pipe(
    Effect.retry(poll),
    Effect.catchTag("NotFoundResponseError", () => Effect.flatMap(notReady, Effect.fail))
  )
  return yield* Result.match(outcome, { onFailure: Effect.fail, onSuccess: Effect.succeed })
})

// -----------------------------------------------------------------------------
// lookups at scale
// -----------------------------------------------------------------------------

/**
 * The outcome of one id in {@link getGenerations}: the generation, or the
 * error that id ended with. One bad id never fails the stream.
 *
 * @since 0.1.0
 * @category models
 */
export type GenerationLookup = Data.TaggedEnum<{
  Found: { readonly id: string; readonly generation: Models.GenerationData }
  Failed: {
    readonly id: string
    readonly error: ModelGatesError.GetGenerationError | ModelGatesError.GenerationNotReadyError
  }
}>

/**
 * Constructors and matchers of {@link GenerationLookup}:
 * `GenerationLookup.Found({ id, generation })`,
 * `GenerationLookup.Failed({ id, error })`, `GenerationLookup.$match`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const GenerationLookup = Data.taggedEnum<GenerationLookup>()

/**
 * Whether a lookup found its generation.
 *
 * @since 0.1.0
 * @category guards
 */
export const isFound: (lookup: GenerationLookup) => lookup is Extract<GenerationLookup, { _tag: "Found" }> =
  GenerationLookup.$is("Found")

/**
 * Whether a lookup ended with an error.
 *
 * @since 0.1.0
 * @category guards
 */
export const isFailed: (lookup: GenerationLookup) => lookup is Extract<GenerationLookup, { _tag: "Failed" }> =
  GenerationLookup.$is("Failed")

/**
 * The options of {@link getGenerations}.
 *
 * @since 0.1.0
 * @category models
 */
export interface GetGenerationsOptions extends CallOptions {
  /** How many lookups run at once. Default 8. */
  readonly concurrency?: number | undefined
  /**
   * At most this many requests a second, shared by all the stream's lookups
   * and their retries. Default: no limit.
   */
  readonly requestsPerSecond?: number | undefined
  /** `true` (default): elements in the order of the ids; `false`: as they complete. */
  readonly ordered?: boolean | undefined
  /** Look each id up with {@link waitForGeneration} (`true`, or its options) instead of {@link getGeneration}. */
  readonly wait?: true | WaitOptions | undefined
  /**
   * `true` (default): an id seen before is skipped, which keeps one entry per
   * distinct id in memory for the life of the stream. `false`: every id is
   * looked up and emitted, and the stream runs in constant memory.
   */
  readonly dedupe?: boolean | undefined
}

/**
 * The ids {@link getGenerations} takes from memory: any iterable of strings
 * but a string itself, which would be read as its characters.
 *
 * @since 0.1.0
 * @category models
 */
export type GenerationIds = Iterable<string> & { readonly charAt?: never }

// How many times `concurrency` ids an ordered stream takes ahead.
const orderedWindow = 16

const checkOption = (name: string, value: number | undefined, valid: (value: number) => boolean) => {
  if (value !== undefined && !valid(value)) {
    throw new Cause.IllegalArgumentError(`Generations.getGenerations: ${name} must be a positive number, got ${value}`)
  }
}

/** Waits until `until()` (epoch milliseconds) has passed, checking again after each sleep. */
const waitUntil = (until: () => number): Effect.Effect<void> => {
  const wait: Effect.Effect<void> = Effect.flatMap(
    Clock.currentTimeMillis,
    (now) => until() > now ? Effect.andThen(Effect.sleep(Duration.millis(until() - now)), wait) : Effect.void
  )
  return wait
}

/**
 * Shared by the lookups of one stream: a 429 whose `Retry-After` the retry
 * policy honours pauses every request of the stream, not only the one that
 * got it, until the wait has passed.
 */
const makePause = Effect.sync(() => {
  let until = 0
  // Checks again after each sleep: a 429 that came in meanwhile extends the pause.
  const wait = waitUntil(() => until)
  // `tap` runs on the decisions to retry only, so a 429 the policy gives up on pauses nothing.
  const policy = (policy: RetryPolicy.RetryPolicy): RetryPolicy.RetryPolicy =>
    Schedule.tap(
      policy,
      ({ input }) =>
        input._tag !== "TooManyRequestsResponseError" ? Effect.void : Option.match(input.retryAfter, {
          onNone: () => Effect.void,
          onSome: (retryAfter) =>
            Effect.map(Clock.currentTimeMillis, (now) => {
              until = Math.max(until, now + Duration.toMillis(retryAfter))
            })
        })
    )
  return { wait, policy }
})

/**
 * At most one request every `1000 / requestsPerSecond` milliseconds, shared
 * by the stream's requests. effect 4 has no in-memory `RateLimiter`
 * (`effect/persistence/RateLimiter` is store-based), so each request reserves
 * the next free slot and sleeps until it.
 */
const makeLimit = (requestsPerSecond: number) =>
  Effect.sync(() => {
    const interval = 1000 / requestsPerSecond
    let next = 0
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const slot = Math.max(now, next)
      next = slot + interval
      return slot > now ? Effect.sleep(Duration.millis(slot - now)) : Effect.void
    })
  })

/**
 * Runs `lookup` over `ids` on `concurrency` long-lived workers rather than a
 * fiber per element.
 *
 * At most `ahead` ids are between the source and the consumer at once (taken,
 * being looked up, or done and not yet pulled), so the source is read only as
 * lookups finish and are consumed. In order, results wait in a reorder buffer
 * until every earlier one is out. An error of the source ends the stream
 * once every id it gave before has been handed on; a defect ends it at once;
 * closing it interrupts the workers and the requests they have in flight.
 */
const lookUpAll = <E, R, R2>(
  ids: Stream.Stream<string, E, R>,
  lookup: (id: string) => Effect.Effect<GenerationLookup, never, R2>,
  options: { readonly concurrency: number; readonly ahead: number; readonly ordered: boolean }
): Stream.Stream<GenerationLookup, E, R | R2> =>
  Stream.unwrap(Effect.gen(function*() {
    const slots = yield* Queue.bounded<void>(options.ahead)
    yield* Queue.offerAll(slots, Array.from({ length: options.ahead }, () => undefined))
    const todo = yield* Queue.unbounded<readonly [number, string]>()
    const out = yield* Queue.unbounded<GenerationLookup, E | Cause.Done>()
    const handover = new Handover<GenerationLookup>(options.ordered)
    // The source's error, handed on after every id it gave before it has been.
    let sourceFailure: Cause.Cause<E> | undefined
    const endIfDone = () => {
      if (!handover.done) return
      if (sourceFailure === undefined) Queue.endUnsafe(out)
      else Queue.failCauseUnsafe(out, sourceFailure)
    }
    const emit = (result: GenerationLookup) => Queue.offerUnsafe(out, result)
    // Synchronous, so no other fiber runs in between.
    const handOn = (index: number, result: GenerationLookup) => {
      handover.put(index, result, emit)
      endIfDone()
    }
    const sourceDone = (failure: Cause.Cause<E> | undefined) =>
      Effect.sync(() => {
        sourceFailure = failure
        handover.endSource()
        endIfDone()
      })
    yield* Stream.runForEach(ids, (id) =>
      Effect.andThen(
        Queue.take(slots),
        Effect.sync(() => Queue.offerUnsafe(todo, [handover.take(), id]))
      )).pipe(
        Effect.matchCauseEffect({ onSuccess: () => sourceDone(undefined), onFailure: sourceDone }),
        Effect.forkScoped
      )
    const worker = Effect.forever(
      Effect.flatMap(Queue.take(todo), ([index, id]) => Effect.map(lookup(id), (result) => handOn(index, result)))
    ).pipe(Effect.catchCause((cause) => Effect.sync(() => Queue.failCauseUnsafe(out, cause))))
    for (let i = 0; i < options.concurrency; i++) yield* Effect.forkScoped(worker)
    // An element's slot is free again once the consumer has it.
    return Stream.fromQueue(out).pipe(Stream.mapArray((chunk) => {
      for (let i = 0; i < chunk.length; i++) Queue.offerUnsafe(slots, undefined)
      return chunk
    }))
  }))

/** The first occurrence of each id: the ids seen are kept for the life of the stream. */
const distinct = <E, R>(source: Stream.Stream<string, E, R>): Stream.Stream<string, E, R> =>
  Stream.suspend(() => {
    const seen = new Set<string>()
    return Stream.filter(source, (id) => {
      if (seen.has(id)) return false
      seen.add(id)
      return true
    })
  })

/**
 * Looks up many generations as a stream: one element per distinct id, a
 * {@link GenerationLookup}, either `{ _tag: "Found", id, generation }` or
 * `{ _tag: "Failed", id, error }`; {@link isFound}, {@link isFailed} and
 * `GenerationLookup.$match` tell them apart. A bad id never fails the
 * stream; only the ids stream's own error does.
 *
 * - Ids are pulled as lookups finish, so a stream of a million ids is never
 *   held in memory. A duplicate id is looked up once and emitted once, at its
 *   first occurrence; `dedupe: false` looks up every id and runs in constant
 *   memory.
 * - If the ids stream fails, every id it gave before is looked up and emitted
 *   first, then the stream fails with its error. A plain string is refused:
 *   pass an array of ids.
 * - In input order (the default), a slow lookup holds back the elements after
 *   it, but not the work: up to 16 × `concurrency` ids are taken ahead while
 *   it runs. For the most throughput, ask for `ordered: false`.
 * - `concurrency` lookups at once (default 8); `requestsPerSecond` caps the
 *   stream's requests, retries included.
 * - A 429 whose `Retry-After` the retry policy honours pauses every lookup of
 *   the stream until the wait has passed.
 * - `wait` looks each id up with {@link waitForGeneration}.
 * - Interrupting the stream interrupts every request in flight.
 * - A `concurrency` that is not a positive whole number, or a
 *   `requestsPerSecond` that is not a positive number, is a defect
 *   (`IllegalArgumentError`): a bug in the calling code, not an outcome.
 *
 * @example
 * ```ts
 * import { Generations } from "@modelgates/effect4"
 * import { Effect, Stream } from "effect"
 *
 * export const nightly = (ids: ReadonlyArray<string>) =>
 *   Generations.getGenerations(ids, { concurrency: 16, requestsPerSecond: 50 }).pipe(
 *     Stream.runFold(() => ({ found: 0, failed: [] as Array<string> }), (acc, lookup) =>
 *       Generations.isFound(lookup)
 *         ? { ...acc, found: acc.found + 1 }
 *         : { ...acc, failed: [...acc.failed, `${lookup.id}: ${lookup.error._tag}`] }),
 *     Effect.tap(({ failed, found }) => Effect.log(`${found} found, ${failed.length} failed`))
 *   )
 * ```
 *
 * @since 0.1.0
 * @category operations
 */
export const getGenerations = <E = never, R = never>(
  ids: GenerationIds | Stream.Stream<string, E, R>,
  options: GetGenerationsOptions = {}
): Stream.Stream<GenerationLookup, E, ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient | R> =>
  Stream.unwrap(Effect.gen(function*() {
    checkOption("concurrency", options.concurrency, (n) => Number.isInteger(n) && n > 0)
    checkOption("requestsPerSecond", options.requestsPerSecond, (n) => Number.isFinite(n) && n > 0)
    if (typeof ids === "string") {
      throw new Cause.IllegalArgumentError(
        "Generations.getGenerations: ids must be an iterable or a stream of ids, got a string"
      )
    }
    const config = yield* ModelGatesConfig.ModelGatesConfig
    const client = yield* HttpClient.HttpClient
    const pause = yield* makePause
    const limit = options.requestsPerSecond === undefined ? undefined : yield* makeLimit(options.requestsPerSecond)
    // Every request of the stream, retries included, takes its slot and then
    // waits out a pause; the client is built once for the stream.
    const gated = HttpClient.transform(
      client,
      (request) => Effect.andThen(limit === undefined ? pause.wait : Effect.andThen(limit, pause.wait), request)
    )
    const waitOptions = options.wait === true ? {} : options.wait
    const retryPolicy = pause.policy(options.retryPolicy ?? waitOptions?.retryPolicy ?? config.retryPolicy)
    const call: CallOptions = { retryPolicy, timeout: options.timeout ?? waitOptions?.timeout }
    const lookup = (id: string): Effect.Effect<GenerationLookup, never, ModelGatesConfig.ModelGatesConfig> => {
      const found: Effect.Effect<
        Models.GenerationResponse,
        ModelGatesError.GetGenerationError | ModelGatesError.GenerationNotReadyError,
        ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
      > = waitOptions === undefined
        ? getGeneration({ id }, call)
        : waitForGeneration({ id }, { ...waitOptions, ...call })
      return found.pipe(
        Effect.match({
          onFailure: (error) => GenerationLookup.Failed({ id, error }),
          onSuccess: (response) => GenerationLookup.Found({ id, generation: response.data })
        }),
        Effect.provideService(HttpClient.HttpClient, gated)
      )
    }
    const source: Stream.Stream<string, E, R> = Stream.isStream(ids)
      ? ids as Stream.Stream<string, E, R>
      : Stream.fromIterable(ids)
    const concurrency = options.concurrency ?? 8
    const ordered = options.ordered !== false
    return lookUpAll(options.dedupe === false ? source : distinct(source), lookup, {
      concurrency,
      ahead: ordered ? concurrency * orderedWindow : concurrency,
      ordered
    })
  }))
