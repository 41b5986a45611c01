/**
 * The one place where a ModelGates call meets the wire: the request is
 * validated and built here, sent through the `HttpClient`, and every
 * transport, status and parse failure is mapped here to the SDK's errors.
 * The call's telemetry (span attributes and metrics) is recorded here too.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Equal from "effect/Equal"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Runtime from "effect/Runtime"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
import * as ModelGatesConfig from "../ModelGatesConfig.js"
import * as ModelGatesError from "../ModelGatesError.js"
import * as Models from "../Models.js"
import type * as RetryPolicy from "../RetryPolicy.js"
import * as Decoder from "./decoder.js"
import * as Telemetry from "./telemetry.js"
import { headerValueProblem } from "./validation.js"

// -----------------------------------------------------------------------------
// input validation
// -----------------------------------------------------------------------------

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const maxIdLength = 1000

/** The input of one call, as the public operations take it. */
export interface GenerationRequest {
  readonly id: string
  readonly httpReferer?: string | undefined
  readonly appTitle?: string | undefined
  readonly appCategories?: string | undefined
}

/** The per-call options, as the public operations take them. */
export interface CallOptions {
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/** How an error message names the call: `Generations.getGeneration("gen-…")`. */
const describeCall = (operation: string, id: string): string =>
  `${operation}(${JSON.stringify(id.length > 120 ? `${id.slice(0, 120)}…` : id)})`

const idProblem = (id: unknown): string | undefined => {
  if (typeof id !== "string") return `id must be a string, got ${typeof id}`
  if (id.length === 0) return "id is empty; pass the generation id (gen-…)"
  if (id.trim() === "") return "id is only whitespace; pass the generation id (gen-…)"
  if (id.length > maxIdLength) return `id is ${id.length} characters long; at most ${maxIdLength} are accepted`
  if (loneSurrogate.test(id)) return "id contains a lone UTF-16 surrogate and cannot be encoded"
  return undefined
}

const perCallHeaders = ["httpReferer", "appTitle", "appCategories"] as const

/**
 * The first problem with a call's input, or `undefined`. Only what the call
 * brings is checked: the config's own values were validated when it was made.
 */
const inputProblem = (
  operation: string,
  input: GenerationRequest,
  options: CallOptions | undefined
): ModelGatesError.InvalidRequestError | undefined => {
  const problem = idProblem(input.id)
  if (problem !== undefined) {
    return new ModelGatesError.InvalidRequestError({ field: "id", message: `${operation}: ${problem}` }, true)
  }
  for (const field of perCallHeaders) {
    const value = input[field]
    const found = value === undefined ? undefined : headerValueProblem(value)
    if (found !== undefined) {
      return new ModelGatesError.InvalidRequestError({
        field,
        message: `${describeCall(operation, input.id)}: ${field} contains a character a header cannot carry (${found})`
      }, true)
    }
  }
  if (options?.timeout !== undefined && Option.isNone(decodeTimeout(options.timeout))) {
    return new ModelGatesError.InvalidRequestError({
      field: "timeout",
      message: `${describeCall(operation, input.id)}: timeout must be a positive duration`
    }, true)
  }
  return undefined
}

const decodeTimeout = (input: Duration.DurationInput): Option.Option<Duration.Duration> =>
  Option.filter(Duration.decodeUnknown(input), (timeout) => Duration.greaterThan(timeout, Duration.zero))

// -----------------------------------------------------------------------------
// response mapping
// -----------------------------------------------------------------------------

const maxBodyInError = 10_000

const redactHeaders = (headers: Headers.Headers, names: ReadonlyArray<string | RegExp>): Record<string, string> => {
  const out: Record<string, string> = {}
  const redacted = Headers.redact(headers, names)
  for (const name of Object.keys(redacted)) out[name] = String(redacted[name])
  return out
}

// Response headers that carry credentials, redacted in errors on top of
// whatever `Headers.currentRedactedNames` holds.
const credentialHeaders: ReadonlyArray<string> = ["set-cookie", "x-api-key", "proxy-authorization"]

const retryAfterSeconds = /^\s*\d+(?:\.\d+)?\s*$/

/**
 * How long the server asked to wait: `retry-after-ms`, else `Retry-After` in
 * seconds or as an HTTP date (relative to `now`). Unreadable values are
 * ignored rather than guessed at.
 */
export const parseRetryAfter = (headers: Headers.Headers, now: number): Option.Option<Duration.Duration> => {
  const millis = headers["retry-after-ms"]
  if (millis !== undefined && retryAfterSeconds.test(millis)) {
    return Option.some(Duration.millis(Number(millis)))
  }
  const value = headers["retry-after"]
  if (value === undefined) return Option.none()
  if (retryAfterSeconds.test(value)) {
    return Option.some(Duration.seconds(Number(value)))
  }
  const date = Date.parse(value)
  return Number.isNaN(date) ? Option.none() : Option.some(Duration.millis(Math.max(0, date - now)))
}

const decodeErrorEnvelope = Schema.decodeUnknownOption(Schema.parseJson(Models.ErrorResponse))

const cutBody = (body: string): string => body.length > maxBodyInError ? body.slice(0, maxBodyInError) : body

const quoteStart = (body: string): string => {
  const text = body.replace(/\s+/g, " ").trim()
  if (text === "") return "an empty body"
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)
}

/** The constructor of one of the status error classes. */
export type StatusErrorClass<E> = new(
  props: ConstructorParameters<typeof ModelGatesError.ModelGatesDefaultError>[0],
  disableValidation?: boolean
) => E

/**
 * An operation of the API: where it lives, how its body decodes, and which
 * error class each declared status maps to. A status it does not declare
 * becomes `ModelGatesDefaultError`.
 */
export interface Operation<A, E> {
  readonly name: string
  readonly path: string
  readonly declared: ReadonlyMap<number, StatusErrorClass<E>>
  readonly decode: (body: string) => Either.Either<A, ParseResult.ParseError>
  readonly schemaName: string
  /** Span attributes that describe a successful result. */
  readonly describe: (value: A) => Record<string, unknown>
}

export const makeOperation = <A, I, E extends ModelGatesError.ModelGatesError>(options: {
  readonly name: string
  readonly path: string
  readonly schema: Schema.Schema<A, I>
  readonly schemaName: string
  readonly declared: ReadonlyMap<number, StatusErrorClass<E>>
  readonly describe?: ((value: A) => Record<string, unknown>) | undefined
}): Operation<A, E> => ({
  name: options.name,
  path: options.path,
  declared: options.declared,
  decode: Schema.decodeUnknownEither(Decoder.fromJson(options.schema)),
  schemaName: options.schemaName,
  describe: options.describe ?? (() => ({}))
})

/** What one call knows while it runs: its name and id, and what its attempts saw. */
interface Call {
  readonly operation: string
  readonly id: string
  attempts: number
  status: number | undefined
}

/** The URL a request goes to, query included, as errors report it. */
const urlOf = (request: HttpClientRequest.HttpClientRequest): string =>
  request.urlParams.length === 0 ? request.url : `${request.url}?${UrlParams.toString(request.urlParams)}`

const statusError = <E>(
  call: Call,
  declared: ReadonlyMap<number, StatusErrorClass<E>>,
  response: HttpClientResponse.HttpClientResponse,
  body: string,
  now: number,
  redactedNames: ReadonlyArray<string | RegExp>
): E | ModelGatesError.ModelGatesDefaultError => {
  const envelope = decodeErrorEnvelope(body)
  const what = Option.match(envelope, {
    onNone: () => `HTTP ${response.status}, with ${quoteStart(body)}`,
    onSome: (envelope) => `${response.status} ${envelope.error.message}`
  })
  const props = {
    status: response.status,
    message: `${describeCall(call.operation, call.id)}: ${what}`,
    body: cutBody(body),
    headers: redactHeaders(response.headers, redactedNames),
    retryAfter: parseRetryAfter(response.headers, now),
    code: Option.match(envelope, { onNone: () => null, onSome: (envelope) => envelope.error.code }),
    metadata: Option.match(envelope, { onNone: () => null, onSome: (envelope) => envelope.error.metadata }),
    userId: Option.match(envelope, { onNone: () => null, onSome: (envelope) => envelope.userId }),
    url: urlOf(response.request)
  }
  const ErrorClass = declared.get(response.status)
  return ErrorClass === undefined
    ? new ModelGatesError.ModelGatesDefaultError(props, true)
    : new ErrorClass(props, true)
}

const validationError = (
  call: Call,
  schemaName: string,
  response: HttpClientResponse.HttpClientResponse,
  body: string,
  error: ParseResult.ParseError,
  redactedNames: ReadonlyArray<string | RegExp>
): ModelGatesError.ResponseValidationError => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  const path = issue === undefined ? "" : issue.path.join(".")
  const full = issue === undefined ? error.message : issue.message
  const detail = full.length > 300 ? `${full.slice(0, 300)}…` : full
  const prefix = `${describeCall(call.operation, call.id)}: the ${response.status} response body`
  return new ModelGatesError.ResponseValidationError({
    message: path === ""
      ? `${prefix} is not a ${schemaName}: ${detail}`
      : `${prefix} does not match ${schemaName} at ${path}: ${detail}`,
    path,
    status: response.status,
    body: cutBody(body),
    headers: redactHeaders(response.headers, redactedNames),
    url: urlOf(response.request)
  }, true)
}

const describeCause = (cause: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = cause
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = "code" in current && typeof current.code === "string" ? ` (${current.code})` : ""
    if (current.message !== "" || code !== "") parts.push(`${current.message}${code}`)
    current = current.cause
  }
  return parts.join(": ")
}

/**
 * A transport failure. What a retry cannot fix (a URL the platform refuses, a
 * request it cannot encode) is the caller's input; the rest is a connection
 * error that keeps the platform's reason and the original error.
 */
const transportError = (
  call: Call,
  error: HttpClientError.HttpClientError
): ModelGatesError.ConnectionError | ModelGatesError.InvalidRequestError => {
  const cause = describeCause(error.cause)
  const said = cause === "" ? "" : ` (${cause})`
  const prefix = describeCall(call.operation, call.id)
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    return new ModelGatesError.InvalidRequestError({
      field: error.reason === "InvalidUrl" ? "baseUrl" : "request",
      message: `${prefix}: the platform refused the request (${error.reason})${said}`
    }, true)
  }
  const what = error._tag === "RequestError"
    ? "the request failed before a response arrived"
    : "the response body could not be read"
  return new ModelGatesError.ConnectionError({
    message: `${prefix}: ${error.request.method} ${urlOf(error.request)}: ${what}${said}`,
    url: urlOf(error.request),
    reason: error._tag === "RequestError" ? "Transport" : "Decode",
    cause: error.cause
  }, true)
}

// -----------------------------------------------------------------------------
// what is prepared once per configuration
// -----------------------------------------------------------------------------

/**
 * Everything a call needs that depends only on the configuration: the
 * requests with the base URL and every configured header already set, and
 * the `HttpClient` after `transformClient`, per client it is given.
 */
interface Prepared {
  readonly requests: Map<string, HttpClientRequest.HttpClientRequest>
  readonly clients: WeakMap<HttpClient.HttpClient, HttpClient.HttpClient>
}

const preparedByConfig = new WeakMap<ModelGatesConfig.Service, Prepared>()

const preparedFor = (config: ModelGatesConfig.Service): Prepared => {
  let prepared = preparedByConfig.get(config)
  if (prepared === undefined) {
    prepared = { requests: new Map(), clients: new WeakMap() }
    preparedByConfig.set(config, prepared)
  }
  return prepared
}

const setHeaderIfDefined = (name: string, value: string | undefined) =>
(
  request: HttpClientRequest.HttpClientRequest
): HttpClientRequest.HttpClientRequest =>
  value === undefined ? request : HttpClientRequest.setHeader(request, name, value)

const baseRequest = (config: ModelGatesConfig.Service, path: string): HttpClientRequest.HttpClientRequest => {
  const prepared = preparedFor(config)
  let request = prepared.requests.get(path)
  if (request === undefined) {
    request = HttpClientRequest.get(`${config.baseUrl}${path}`).pipe(
      HttpClientRequest.bearerToken(config.apiKey),
      HttpClientRequest.acceptJson,
      setHeaderIfDefined("HTTP-Referer", config.httpReferer),
      setHeaderIfDefined("X-OpenRouter-Title", config.appTitle),
      setHeaderIfDefined("X-OpenRouter-Categories", config.appCategories),
      setHeaderIfDefined("User-Agent", config.userAgent)
    )
    prepared.requests.set(path, request)
  }
  return request
}

const clientFor = (config: ModelGatesConfig.Service, client: HttpClient.HttpClient): HttpClient.HttpClient => {
  if (config.transformClient === undefined) return client
  const { clients } = preparedFor(config)
  let transformed = clients.get(client)
  if (transformed === undefined) {
    transformed = config.transformClient(client)
    clients.set(client, transformed)
  }
  return transformed
}

/** The request of one call: the prepared one, with the id and any per-call header. */
const requestFor = (
  config: ModelGatesConfig.Service,
  path: string,
  input: GenerationRequest
): HttpClientRequest.HttpClientRequest => {
  const request = HttpClientRequest.setUrlParam(baseRequest(config, path), "id", input.id)
  if (input.httpReferer === undefined && input.appTitle === undefined && input.appCategories === undefined) {
    return request
  }
  return request.pipe(
    setHeaderIfDefined("HTTP-Referer", input.httpReferer),
    setHeaderIfDefined("X-OpenRouter-Title", input.appTitle),
    setHeaderIfDefined("X-OpenRouter-Categories", input.appCategories)
  )
}

// -----------------------------------------------------------------------------
// execution
// -----------------------------------------------------------------------------

const isSuccess = (status: number) => status >= 200 && status < 300

/** One attempt: send, read the body, decode it or map the status. */
const attempt = <A, E>(
  client: HttpClient.HttpClient,
  operation: Operation<A, E>,
  request: HttpClientRequest.HttpClientRequest,
  call: Call
): Effect.Effect<
  A,
  E | ModelGatesError.ModelGatesDefaultError | ModelGatesError.TransportError
> =>
  Effect.suspend(() => {
    call.attempts++
    call.status = undefined
    const failed = (error: HttpClientError.HttpClientError) => Effect.fail(transportError(call, error))
    return Effect.matchEffect(client.execute(request), {
      onFailure: failed,
      onSuccess: (response) => {
        call.status = response.status
        return Effect.matchEffect(response.text, {
          onFailure: failed,
          onSuccess: (body): Effect.Effect<
            A,
            E | ModelGatesError.ModelGatesDefaultError | ModelGatesError.ResponseValidationError
          > => {
            if (isSuccess(response.status)) {
              const decoded = operation.decode(body)
              return Either.isRight(decoded) ?
                Effect.succeed(decoded.right) :
                failWith((_, names) => validationError(call, operation.schemaName, response, body, decoded.left, names))
            }
            return failWith((now, names) => statusError(call, operation.declared, response, body, now, names))
          }
        })
      }
    })
  })

/**
 * Fails with an error made from the current time (for `Retry-After` dates)
 * and the header names to redact: the fiber's, plus response headers that
 * carry credentials (a server may echo them).
 */
const failWith = <E>(
  make: (now: number, redactedNames: ReadonlyArray<string | RegExp>) => E
): Effect.Effect<never, E> =>
  Effect.flatMap(
    Effect.zip(Clock.currentTimeMillis, FiberRef.get(Headers.currentRedactedNames)),
    ([now, names]) => Effect.fail(make(now, [...names, ...credentialHeaders]))
  )

const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

// setTimeout takes at most a signed 32-bit number of milliseconds.
const maxTimerMillis = 2_147_483_647

/**
 * Starts the attempt's timer: Effect's live clock gets the runtime's own timer
 * (what `Clock.sleep` uses underneath, without a fiber to run it); any other
 * clock (`TestClock`) gets its own `sleep` in a fiber of its own, so tests keep
 * full control of time. Returns the function that stops it.
 */
const startTimer = (
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  runtimeFlags: RuntimeFlags.RuntimeFlags,
  clock: Clock.Clock,
  timeout: Duration.Duration,
  onTime: () => void
): () => void => {
  const millis = Duration.toMillis(timeout)
  if (clock === liveClock && millis <= maxTimerMillis) {
    // eslint-disable-next-line no-restricted-globals -- the live clock's own timer; see the comment above
    const handle = setTimeout(onTime, millis)
    return () => clearTimeout(handle)
  }
  const onSleeperExit = (exit: Exit.Exit<void>) => {
    if (Exit.isSuccess(exit)) onTime()
  }
  // interruptible whatever the caller's flags, so that stopping it ends it
  const sleeper = Runtime.runFork(
    Runtime.make({
      context: fiber.currentContext,
      runtimeFlags: RuntimeFlags.enable(runtimeFlags, RuntimeFlags.Interruption),
      fiberRefs: fiber.getFiberRefs()
    }),
    clock.sleep(timeout)
  )
  sleeper.addObserver(onSleeperExit)
  return () => {
    sleeper.removeObserver(onSleeperExit)
    sleeper.unsafeInterruptAsFork(sleeper.id())
  }
}

/**
 * Whether a fiber has children. `FiberRuntime`, the class behind every
 * `Fiber.RuntimeFiber`, keeps them in a set that its public interface does
 * not show; the public `Fiber.children` asks the fiber through its mailbox,
 * which measured at about 8% of a call. If a version of Effect no longer has
 * the set, every fiber counts as having children, which is correct and only
 * slower (see {@link withTimeout}).
 */
const hasChildren = (fiber: object): boolean => {
  if (!("getChildren" in fiber) || typeof fiber.getChildren !== "function") return true
  const children: unknown = fiber.getChildren()
  return !(children instanceof Set) || children.size > 0
}

/**
 * Bounds one attempt by its timeout, where `Effect.timeoutFail` races two
 * forked fibers and merges the winner's FiberRefs back: measured in the SDK
 * (docs/benchmarks.md), that race was the largest single cost of a call, and
 * even one fork per attempt cost 15-30% of it.
 *
 * So the attempt runs in the caller's own fiber, and the timer, when it
 * fires, interrupts that fiber. The interruption is made by an id of the
 * attempt's own: it aborts the request and releases its connection like any
 * interruption, and when it reaches the (uninterruptible) end of the attempt
 * that id is taken back out of the fiber's `FiberRef.interruptedCause`, so
 * the fiber goes on, failing with the timeout's error ({@link timedOut}).
 * Interrupting the caller interrupts the attempt, since it is the same fiber.
 *
 * An interruption also reaches a fiber's children, so a caller that has
 * forked fibers of its own gets the attempt in a fiber of its own instead
 * ({@link forked}): the timeout must never interrupt them. (A fiber that a
 * `transformClient` forks during an attempt is the caller's child from then
 * on, as it is with the timeout off.)
 */
const withTimeout = <A, E, E2>(
  effect: Effect.Effect<A, E>,
  clock: Clock.Clock,
  timeout: Duration.Duration,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.withFiberRuntime((fiber, status) =>
    hasChildren(fiber) ?
      forked(effect, fiber, status.runtimeFlags, clock, timeout, onTimeout) :
      Effect.uninterruptibleMask((restore) => {
        const stop = inlineTimer(fiber, status.runtimeFlags, clock, timeout)
        return Effect.matchCauseEffect(restore(effect), {
          onSuccess: (value): Effect.Effect<A, E2> => {
            const by = stop()
            return by === undefined ? Effect.succeed(value) : timedOut(by, onTimeout)
          },
          onFailure: (cause): Effect.Effect<never, E | E2> => {
            const by = stop()
            return by === undefined ? Effect.failCause(cause) : timedOut(by, onTimeout)
          }
        })
      })
  )

/**
 * The timer of an attempt that runs in `fiber` itself (see
 * {@link withTimeout}): when it fires, it interrupts the fiber with an id of
 * its own. Returns the function that stops it, which answers that id if it
 * fired.
 */
const inlineTimer = (
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  runtimeFlags: RuntimeFlags.RuntimeFlags,
  clock: Clock.Clock,
  timeout: Duration.Duration
): () => FiberId.FiberId | undefined => {
  let timedOutBy: FiberId.FiberId | undefined
  const stopTimer = startTimer(fiber, runtimeFlags, clock, timeout, () => {
    timedOutBy = FiberId.unsafeMake()
    fiber.unsafeInterruptAsFork(timedOutBy)
  })
  return () => {
    stopTimer()
    return timedOutBy
  }
}

/**
 * An attempt whose timer fired: it fails with the timeout, however it ended
 * (an attempt that finished in an uninterruptible region after its time was
 * up still ran past it). The timeout's own interruption is taken back out of
 * the fiber's interrupted cause first, leaving any other: the timer is
 * stopped before this runs, and a fiber handles its mailbox before each step,
 * so the interruption has been recorded by now. An interruption from anyone
 * else stays, and ends the fiber as soon as it is interruptible again.
 */
const timedOut = <E2>(by: FiberId.FiberId, onTimeout: () => E2): Effect.Effect<never, E2> =>
  Effect.zipRight(
    FiberRef.update(FiberRef.interruptedCause, (cause) => {
      let others: Cause.Cause<never> = Cause.empty
      for (const id of Cause.interruptors(cause)) {
        if (!Equal.equals(id, by)) others = Cause.sequential(others, Cause.interrupt(id))
      }
      return others
    }),
    Effect.suspend(() => Effect.fail(onTimeout()))
  )

/**
 * The attempt in a fiber of its own, for a caller with children (see
 * {@link withTimeout}). The fiber is forked as the caller suspends (so an
 * interruption of the caller can never leave it running unwatched) and
 * started at once with the caller's context and FiberRefs. The caller waits
 * for its exit or the timer, whichever comes first; on the timeout the fiber
 * is interrupted (which aborts the request and releases its connection) and
 * awaited before the caller fails, and interrupting the caller interrupts
 * the fiber the same way.
 */
const forked = <A, E, E2>(
  effect: Effect.Effect<A, E>,
  parent: Fiber.RuntimeFiber<unknown, unknown>,
  runtimeFlags: RuntimeFlags.RuntimeFlags,
  clock: Clock.Clock,
  timeout: Duration.Duration,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.async<A, E | E2>((resume) => {
    const fiber = Runtime.runFork(
      Runtime.make({ context: parent.currentContext, runtimeFlags, fiberRefs: parent.getFiberRefs() }),
      effect
    )
    const onExit = (exit: Exit.Exit<A, E>) => {
      stopTimer()
      resume(exit)
    }
    const stopTimer = startTimer(parent, runtimeFlags, clock, timeout, () => {
      fiber.removeObserver(onExit)
      resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.fail(onTimeout())))
    })
    fiber.addObserver(onExit)
    return Effect.suspend(() => {
      stopTimer()
      fiber.removeObserver(onExit)
      return Fiber.interrupt(fiber)
    })
  })

/**
 * The retries of a call whose first attempt failed with `first`: `Effect.retry`
 * of the attempt, with `first` as the schedule's first input. The first attempt
 * itself runs in the call's own handler ({@link execute}): most calls succeed
 * at once, and building the schedule's driver (its state and the loop around
 * it) on every call cost about a seventh of the SDK's throughput.
 */
const retryAfter = <A, E extends ModelGatesError.ModelGatesError>(
  first: E,
  attempt: Effect.Effect<A, E>,
  policy: RetryPolicy.RetryPolicy
): Effect.Effect<A, E> => {
  let replayFirst = true
  const again = Effect.suspend(() => {
    if (!replayFirst) return attempt
    replayFirst = false
    return Effect.fail(first)
  })
  return Effect.retry(again, policy)
}

const bigint0 = BigInt(0)

/**
 * Runs an operation: validates the input (failing before any I/O), then
 * sends it with the configured or per-call timeout and retry policy.
 *
 * The call has its own span (named after the operation, parent of the
 * platform's HTTP spans), which it ends itself together with recording what
 * happened on it and in the SDK's metrics: one handler where `Effect.fn` (or
 * `Effect.withSpan`) plus a handler of our own would stack two (measured in
 * docs/benchmarks.md).
 *
 * The span does not record where the call was made, as the spans of
 * `@effect/sql` statements and of the platform's HTTP client do not: the
 * stack captured on every call for it cost about 5% of a call. A caller that
 * wants its file and line in `Cause.pretty` and on failed spans makes the
 * call from a function of its own written with `Effect.fn`, which records
 * them (docs/observability.md).
 */
export const execute = <A, E extends ModelGatesError.ModelGatesError>(
  operation: Operation<A, E>,
  input: GenerationRequest,
  options: CallOptions | undefined
): Effect.Effect<
  A,
  E | ModelGatesError.ModelGatesDefaultError | ModelGatesError.TransportError,
  ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(
      Effect.makeSpan(operation.name, {
        attributes: { "modelgates.generation.id": input.id },
        captureStackTrace: false
      }),
      (span) =>
        Effect.withFiberRuntime((fiber, status) => {
          const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
          const timing = fiber.getFiberRef(FiberRef.currentTracerTimingEnabled)
          const startedAt = clock.unsafeCurrentTimeMillis()
          const end = (exit: Exit.Exit<unknown, unknown>) =>
            span.end(timing ? clock.unsafeCurrentTimeNanos() : bigint0, exit)
          const invalid = inputProblem(operation.name, input, options)
          if (invalid !== undefined) {
            Telemetry.record(span, operation.name, invalid._tag, undefined, 0, startedAt, clock, undefined)
            end(Exit.fail(invalid))
            return Effect.fail(invalid)
          }
          const context = fiber.currentContext as Context.Context<
            ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
          >
          const config = Context.get(context, ModelGatesConfig.ModelGatesConfig)
          const client = clientFor(config, Context.get(context, HttpClient.HttpClient))
          const request = requestFor(config, operation.path, input)
          const call: Call = { operation: operation.name, id: input.id, attempts: 0, status: undefined }
          const timeout = options?.timeout === undefined
            ? config.timeout
            : Option.getOrElse(decodeTimeout(options.timeout), () => config.timeout)
          const once = attempt(client, operation, request, call)
          const timeoutError = () =>
            new ModelGatesError.RequestTimeoutError({
              message: `${describeCall(operation.name, input.id)}: no complete response within ${
                Duration.format(timeout)
              }`,
              url: urlOf(request),
              timeout
            }, true)
          const finite = Duration.isFinite(timeout)
          // an attempt with its timer in an effect of its own: for retries, and
          // for a caller with children (made only when needed)
          const bounded = () => finite ? withTimeout(once, clock, timeout, timeoutError) : once
          // The call's span is the parent of the platform's HTTP spans: set in
          // the fiber's context below and restored by the handlers, which run
          // however the call ends (`Effect.withParentSpan` would wrap the call
          // in an `acquireUseRelease` of its own). They restore it before
          // recording the call, so a tracer that throws there cannot leave the
          // caller inside the call's span.
          const restoreContext = FiberRef.set(FiberRef.currentContext, context)
          const succeeded = (value: A) =>
            Effect.map(restoreContext, () => {
              const described = operation.describe(value)
              Telemetry.record(span, operation.name, "ok", call.status, call.attempts, startedAt, clock, described)
              end(Exit.succeed(value))
              return value
            })
          type Failure = E | ModelGatesError.ModelGatesDefaultError | ModelGatesError.TransportError
          const failed = (cause: Cause.Cause<Failure>) =>
            Effect.flatMap(restoreContext, () => {
              const outcome = Telemetry.outcomeOf(cause)
              if (outcome !== undefined) {
                Telemetry.record(span, operation.name, outcome, call.status, call.attempts, startedAt, clock, undefined)
              }
              end(Exit.failCause(cause))
              return Effect.failCause(cause)
            })
          // After the first attempt: a failure is retried by the policy (each
          // attempt bounded by the timeout), as `Effect.catchAll` would. If the
          // caller was interrupted, the retries are interrupted as they start.
          const afterFirst = (cause: Cause.Cause<Failure>) => {
            const failure = Cause.failureOrCause(cause)
            if (Either.isRight(failure)) return failed(cause)
            return Effect.matchCauseEffect(
              restore(retryAfter(failure.left, bounded(), options?.retryPolicy ?? config.retryPolicy)),
              { onSuccess: succeeded, onFailure: failed }
            )
          }
          // The first attempt runs in this handler's own region: its timer (in
          // this fiber, unless it has children: see `withTimeout`) is stopped
          // and its outcome read here, where `withTimeout` and `Effect.catchAll`
          // would each add a region and a handler of their own to every call.
          // (`status.runtimeFlags` are the masked ones here: the timer only
          // uses them for a `TestClock` sleeper, which it makes interruptible)
          const stop = finite && !hasChildren(fiber)
            ? inlineTimer(fiber, status.runtimeFlags, clock, timeout)
            : undefined
          // once its timer has fired, the first attempt failed with the timeout, however it ended
          const firstTimedOut = (by: FiberId.FiberId) => Effect.catchAllCause(timedOut(by, timeoutError), afterFirst)
          const first = Effect.matchCauseEffect(restore(stop === undefined ? bounded() : once), {
            onSuccess: (value) => {
              const by = stop?.()
              return by === undefined ? succeeded(value) : firstTimedOut(by)
            },
            onFailure: (cause) => {
              const by = stop?.()
              return by === undefined ? afterFirst(cause) : firstTimedOut(by)
            }
          })
          return Effect.zipRight(
            FiberRef.set(FiberRef.currentContext, Context.add(context, Tracer.ParentSpan, span)),
            first
          )
        })
    )
  )
