/**
 * The one place where a ModelGates call meets the wire: the request is
 * validated and built here, sent through the `HttpClient`, and every
 * transport, status and parse failure is mapped here to the SDK's errors.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { Service as ConfigService } from "../ModelGatesConfig.js"
import * as ModelGatesError from "../ModelGatesError.js"
import * as Models from "../Models.js"
import type * as RetryPolicy from "../RetryPolicy.js"

// -----------------------------------------------------------------------------
// input validation
// -----------------------------------------------------------------------------

/**
 * Describes the first character that cannot stand in an HTTP header value
 * (a control character, or one outside ISO-8859-1), or `undefined`.
 */
export const headerValueProblem = (value: string): string | undefined => {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) {
      return `U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${i}`
    }
    if (code > 0xff) {
      return `U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${i}, outside ISO-8859-1`
    }
  }
  return undefined
}

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

const invalidRequest = (field: string, message: string) => new ModelGatesError.InvalidRequestError({ field, message })

const validateId = (id: unknown): Effect.Effect<string, ModelGatesError.InvalidRequestError> => {
  if (typeof id !== "string") {
    return Effect.fail(invalidRequest("id", `id must be a string, got ${typeof id}`))
  }
  if (id.length === 0) {
    return Effect.fail(invalidRequest("id", "id is empty; pass the generation id (gen-…)"))
  }
  if (id.length > maxIdLength) {
    return Effect.fail(invalidRequest("id", `id is ${id.length} characters long; at most ${maxIdLength} are accepted`))
  }
  if (loneSurrogate.test(id)) {
    return Effect.fail(invalidRequest("id", "id contains a lone UTF-16 surrogate and cannot be encoded"))
  }
  return Effect.succeed(id)
}

const validateHeader = (
  field: string,
  value: string | undefined
): Effect.Effect<string | undefined, ModelGatesError.InvalidRequestError> => {
  const problem = value === undefined ? undefined : headerValueProblem(value)
  return problem === undefined
    ? Effect.succeed(value)
    : Effect.fail(invalidRequest(field, `${field} contains a character a header cannot carry (${problem})`))
}

const validateTimeout = (
  input: Duration.DurationInput | undefined,
  fallback: Duration.Duration
): Effect.Effect<Duration.Duration, ModelGatesError.InvalidRequestError> => {
  if (input === undefined) return Effect.succeed(fallback)
  const timeout = Duration.decodeUnknown(input)
  return Option.isSome(timeout) && Duration.greaterThan(timeout.value, Duration.zero)
    ? Effect.succeed(timeout.value)
    : Effect.fail(invalidRequest("timeout", "timeout must be a positive duration"))
}

const setHeaderIfDefined = (name: string, value: string | undefined) =>
(
  request: HttpClientRequest.HttpClientRequest
): HttpClientRequest.HttpClientRequest =>
  value === undefined ? request : HttpClientRequest.setHeader(request, name, value)

// -----------------------------------------------------------------------------
// response mapping
// -----------------------------------------------------------------------------

const maxBodyInError = 10_000

const redactedHeaders: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key"
])

const copyHeaders = (headers: Headers.Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name of Object.keys(headers)) {
    out[name] = redactedHeaders.has(name) ? "<redacted>" : headers[name]
  }
  return out
}

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
  readonly decode: (body: string) => Effect.Effect<A, ParseResult.ParseError>
  readonly schemaName: string
}

export const makeOperation = <A, I, E extends ModelGatesError.ModelGatesError>(options: {
  readonly name: string
  readonly path: string
  readonly schema: Schema.Schema<A, I>
  readonly schemaName: string
  readonly declared: ReadonlyMap<number, StatusErrorClass<E>>
}): Operation<A, E> => ({
  name: options.name,
  path: options.path,
  declared: options.declared,
  decode: Schema.decodeUnknown(Schema.parseJson(options.schema)),
  schemaName: options.schemaName
})

const statusError = <A, E>(
  operation: Operation<A, E>,
  response: HttpClientResponse.HttpClientResponse,
  body: string,
  now: number
): E | ModelGatesError.ModelGatesDefaultError => {
  const envelope = decodeErrorEnvelope(body)
  const props = {
    status: response.status,
    message: Option.match(envelope, {
      onNone: () => `HTTP ${response.status} from ${operation.name}, with ${quoteStart(body)}`,
      onSome: (envelope) => envelope.error.message
    }),
    body: cutBody(body),
    headers: copyHeaders(response.headers),
    retryAfter: parseRetryAfter(response.headers, now),
    code: Option.match(envelope, { onNone: () => null, onSome: (envelope) => envelope.error.code }),
    metadata: Option.match(envelope, { onNone: () => null, onSome: (envelope) => envelope.error.metadata }),
    userId: Option.match(envelope, { onNone: () => null, onSome: (envelope) => envelope.userId }),
    url: response.request.url
  }
  const ErrorClass = operation.declared.get(response.status)
  return ErrorClass === undefined
    ? new ModelGatesError.ModelGatesDefaultError(props, true)
    : new ErrorClass(props, true)
}

const validationError = (
  operation: Operation<unknown, unknown>,
  response: HttpClientResponse.HttpClientResponse,
  body: string,
  error: ParseResult.ParseError
): ModelGatesError.ResponseValidationError => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  const path = issue === undefined ? "" : issue.path.join(".")
  const full = issue === undefined ? error.message : issue.message
  const detail = full.length > 300 ? `${full.slice(0, 300)}…` : full
  return new ModelGatesError.ResponseValidationError({
    message: path === ""
      ? `${operation.name}: the ${response.status} response body is not a ${operation.schemaName}: ${detail}`
      : `${operation.name}: the ${response.status} response body does not match ${operation.schemaName} at ${path}: ${detail}`,
    path,
    status: response.status,
    body: cutBody(body),
    headers: copyHeaders(response.headers),
    url: response.request.url
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

const connectionError = (error: HttpClientError.HttpClientError): ModelGatesError.ConnectionError => {
  const what = error._tag === "RequestError"
    ? "the request failed before a response arrived"
    : "the response body could not be read"
  const cause = describeCause(error.cause)
  return new ModelGatesError.ConnectionError({
    message: `${error.request.method} ${error.request.url}: ${what}${cause === "" ? "" : ` (${cause})`}`,
    url: error.request.url
  }, true)
}

// -----------------------------------------------------------------------------
// execution
// -----------------------------------------------------------------------------

const isSuccess = (status: number) => status >= 200 && status < 300

/** One attempt: send, read the body, decode it or map the status. */
const attempt = <A, E>(
  client: HttpClient.HttpClient,
  operation: Operation<A, E>,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<
  A,
  E | ModelGatesError.ModelGatesDefaultError | ModelGatesError.ResponseValidationError | ModelGatesError.ConnectionError
> =>
  Effect.gen(function*() {
    const [response, body] = yield* client.execute(request).pipe(
      Effect.flatMap((response) => Effect.map(response.text, (body) => [response, body] as const)),
      Effect.mapError(connectionError)
    )
    if (isSuccess(response.status)) {
      return yield* Effect.mapError(
        operation.decode(body),
        (error) => validationError(operation, response, body, error)
      )
    }
    const now = yield* Clock.currentTimeMillis
    return yield* Effect.fail(statusError(operation, response, body, now))
  })

/**
 * `Effect.retry`, with the schedule's driver built only once the first
 * attempt has failed: most calls succeed at once, and building the driver
 * (its state and the loop around it) on every call costs about a seventh of
 * the SDK's throughput. The first failure is the schedule's first input, as
 * with `Effect.retry`.
 */
const retryAfterFailure = <A, E extends ModelGatesError.ModelGatesError>(
  effect: Effect.Effect<A, E>,
  policy: RetryPolicy.RetryPolicy
): Effect.Effect<A, E> =>
  Effect.catchAll(effect, (first) => {
    let replayFirst = true
    const again = Effect.suspend(() => {
      if (!replayFirst) return effect
      replayFirst = false
      return Effect.fail(first)
    })
    return Effect.retry(again, policy)
  })

/**
 * Runs an operation: validates the input (failing before any I/O), then
 * sends it with the configured or per-call timeout and retry policy.
 */
export const execute = <A, E extends ModelGatesError.ModelGatesError>(
  config: ConfigService,
  client: HttpClient.HttpClient,
  operation: Operation<A, E>,
  input: GenerationRequest,
  options: CallOptions | undefined
): Effect.Effect<A, E | ModelGatesError.ModelGatesDefaultError | ModelGatesError.TransportError> =>
  Effect.gen(function*() {
    const id = yield* validateId(input.id)
    const httpReferer = yield* validateHeader("httpReferer", input.httpReferer ?? config.httpReferer)
    const appTitle = yield* validateHeader("appTitle", input.appTitle ?? config.appTitle)
    const appCategories = yield* validateHeader("appCategories", input.appCategories ?? config.appCategories)
    const timeout = yield* validateTimeout(options?.timeout, config.timeout)
    // The id is data: URLSearchParams percent-encodes everything that could
    // be read as query syntax (&, =, #, +, space, non-ASCII).
    const url = `${config.baseUrl}${operation.path}?${new URLSearchParams({ id }).toString()}`
    const request = HttpClientRequest.get(url).pipe(
      HttpClientRequest.bearerToken(config.apiKey),
      HttpClientRequest.acceptJson,
      setHeaderIfDefined("HTTP-Referer", httpReferer),
      setHeaderIfDefined("X-OpenRouter-Title", appTitle),
      setHeaderIfDefined("X-OpenRouter-Categories", appCategories),
      setHeaderIfDefined("User-Agent", config.userAgent)
    )
    const once = attempt(client, operation, request)
    // The race behind a timeout costs two fibers per attempt: an infinite
    // timeout, the caller's explicit choice, skips it.
    const bounded = Duration.isFinite(timeout)
      ? Effect.timeoutFail(once, {
        duration: timeout,
        onTimeout: () =>
          new ModelGatesError.RequestTimeoutError({
            message: `${operation.name}: no complete response within ${Duration.format(timeout)}`,
            url,
            timeout
          }, true)
      })
      : once
    return yield* retryAfterFailure(bounded, options?.retryPolicy ?? config.retryPolicy)
  })
