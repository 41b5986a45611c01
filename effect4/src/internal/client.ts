/**
 * The one place where a ModelGates call meets the wire: the request is
 * validated and built here, sent through the `HttpClient`, and every
 * transport, status and parse failure is mapped here to the SDK's errors.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as UrlParams from "effect/http/UrlParams"
import * as Option from "effect/Option"
import * as Errors from "../../../core/Errors.js"
import * as Operations from "../../../core/Operations.js"
import { parseRetryAfter } from "../../../core/RetryAfter.js"
import * as Names from "../../../core/Telemetry.js"
import { requestProblem } from "../../../core/Validation.js"
import type * as WireDecoder from "../../../core/WireDecoder.js"
import * as ModelGatesConfig from "../ModelGatesConfig.js"
import * as ModelGatesError from "../ModelGatesError.js"
import type * as RetryPolicy from "../RetryPolicy.js"
import * as Deadlines from "./deadlines.js"
import * as Decoder from "./decoder.js"
import * as Telemetry from "./telemetry.js"

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
  readonly timeout?: Duration.Input | undefined
}

// -----------------------------------------------------------------------------
// operations
// -----------------------------------------------------------------------------

type StatusErrorClasses = typeof ModelGatesError.statusErrorClasses

/** The errors an operation of the core can fail with. */
export type OperationError<O> =
  | InstanceType<StatusErrorClasses[Operations.DeclaredErrorTag<O> | typeof Errors.defaultErrorTag]>
  | ModelGatesError.TransportError

/**
 * An operation of the core, ready to run: its body's decoder, and what a
 * successful result says on the call's span. `O` is the core's operation, so
 * its error type follows its declared statuses.
 */
export interface Operation<A, O extends Operations.Operation> {
  readonly spec: O
  readonly decode: (body: string) => WireDecoder.Decoded<A>
  readonly describe: (value: A) => Record<string, unknown>
}

export const makeOperation = <O extends Operations.Operation, A>(
  spec: O,
  decode: (body: string) => WireDecoder.Decoded<A>,
  describe: (value: A) => Record<string, unknown> = () => ({})
): Operation<A, O> => ({ spec, decode, describe })

/** What an attempt can fail with, before it is narrowed to the operation's own errors. */
type Failure = ModelGatesError.StatusError | ModelGatesError.TransportError

// -----------------------------------------------------------------------------
// input
// -----------------------------------------------------------------------------

const invalid = (field: string, message: string) => new ModelGatesError.InvalidRequestError({ field, message })

const decodeTimeout = (input: Duration.Input): Option.Option<Duration.Duration> =>
  Option.filter(Duration.fromInput(input), (timeout) => Duration.isGreaterThan(timeout, Duration.zero))

/**
 * The first problem with a call's input, or `undefined`. Only what the call
 * brings is checked: the config's own values were checked when it was made.
 */
const inputProblem = (
  operation: string,
  input: GenerationRequest,
  options: CallOptions | undefined
): ModelGatesError.InvalidRequestError | undefined => {
  const problem = requestProblem(operation, input)
  if (problem !== undefined) return invalid(problem.field, problem.message)
  if (options?.timeout !== undefined && Option.isNone(decodeTimeout(options.timeout))) {
    return invalid("timeout", `${Errors.describeCall(operation, input.id)}: timeout must be a positive duration`)
  }
  return undefined
}

// -----------------------------------------------------------------------------
// requests, prepared once per configuration
// -----------------------------------------------------------------------------

const setHeaderIfDefined = (name: string, value: string | undefined) =>
(
  request: HttpClientRequest.HttpClientRequest
): HttpClientRequest.HttpClientRequest =>
  value === undefined ? request : HttpClientRequest.setHeader(request, name, value)

const attribution = (values: {
  readonly httpReferer?: string | undefined
  readonly appTitle?: string | undefined
  readonly appCategories?: string | undefined
}) =>
(request: HttpClientRequest.HttpClientRequest) =>
  request.pipe(
    setHeaderIfDefined(Operations.attributionHeaders.httpReferer, values.httpReferer),
    setHeaderIfDefined(Operations.attributionHeaders.appTitle, values.appTitle),
    setHeaderIfDefined(Operations.attributionHeaders.appCategories, values.appCategories)
  )

/** What depends only on the configuration: each operation's base request, and the transformed clients. */
interface Prepared {
  readonly requests: Map<Operations.Operation, HttpClientRequest.HttpClientRequest>
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

/** The request of one call: the operation's prepared request, with the id and any per-call header. */
const requestFor = (
  config: ModelGatesConfig.Service,
  spec: Operations.Operation,
  input: GenerationRequest
): HttpClientRequest.HttpClientRequest => {
  const { requests } = preparedFor(config)
  let base = requests.get(spec)
  if (base === undefined) {
    base = HttpClientRequest.make(spec.method)(`${config.baseUrl}${spec.path}`).pipe(
      HttpClientRequest.bearerToken(config.apiKey),
      HttpClientRequest.acceptJson,
      attribution(config),
      setHeaderIfDefined("User-Agent", config.userAgent)
    )
    requests.set(spec, base)
  }
  const request = HttpClientRequest.setUrlParam(base, spec.idParam, input.id)
  return input.httpReferer === undefined && input.appTitle === undefined && input.appCategories === undefined
    ? request
    : attribution(input)(request)
}

/** The client after the config's `transformClient`, applied once per client. */
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

// -----------------------------------------------------------------------------
// responses and failures
// -----------------------------------------------------------------------------

/** What one call knows while it runs: its name and id, and what its attempts saw. */
interface Call {
  readonly operation: string
  readonly id: string
  readonly describe: string
  attempts: number
  status: number | undefined
}

/** The URL a request goes to, query included, as errors report it. */
const urlOf = (request: HttpClientRequest.HttpClientRequest): string =>
  request.urlParams.params.length === 0 ? request.url : `${request.url}?${UrlParams.toString(request.urlParams)}`

const redactHeaders = (headers: Headers.Headers, names: ReadonlyArray<string | RegExp>): Record<string, string> => {
  const out: Record<string, string> = {}
  const redacted = Headers.redact(headers, names)
  for (const name of Object.keys(redacted)) out[name] = String(redacted[name])
  return out
}

/** The error of a status that is not a success, by the operation's declared statuses. */
const statusError = (
  call: Call,
  spec: Operations.Operation,
  response: HttpClientResponse.HttpClientResponse,
  body: string,
  now: number,
  redactedNames: ReadonlyArray<string | RegExp>
): ModelGatesError.StatusError => {
  const decoded = Decoder.ErrorResponseFromJson(body)
  const envelope = decoded.ok ? decoded.value : undefined
  const retryAfter = parseRetryAfter((name) => response.headers[name], now)
  const ErrorClass = ModelGatesError.statusErrorClasses[Operations.errorTagOf(spec, response.status)]
  return new ErrorClass({
    status: response.status,
    message: Errors.statusMessage(call.describe, response.status, body, envelope?.error.message),
    body: Errors.cutBody(body),
    headers: redactHeaders(response.headers, redactedNames),
    retryAfter: retryAfter === undefined ? Option.none() : Option.some(Duration.millis(retryAfter)),
    code: envelope?.error.code ?? null,
    metadata: envelope?.error.metadata ?? null,
    userId: envelope?.userId ?? null,
    url: urlOf(response.request)
  })
}

/** A successful status whose body does not decode. The path is in wire names, as the body has them. */
const validationError = (
  call: Call,
  spec: Operations.Operation,
  response: HttpClientResponse.HttpClientResponse,
  body: string,
  problem: WireDecoder.Problem,
  redactedNames: ReadonlyArray<string | RegExp>
): ModelGatesError.ResponseValidationError =>
  new ModelGatesError.ResponseValidationError({
    message: Errors.validationMessage(call.describe, response.status, spec.model, problem.path, problem.message),
    path: problem.path,
    status: response.status,
    body: Errors.cutBody(body),
    headers: redactHeaders(response.headers, redactedNames),
    url: urlOf(response.request)
  })

/**
 * Fails with an error made from the current time (for `Retry-After` dates)
 * and the header names to redact: the fiber's, plus the credential headers.
 */
const failWith = <E>(
  make: (now: number, redactedNames: ReadonlyArray<string | RegExp>) => E
): Effect.Effect<never, E> =>
  Effect.flatMap(
    Effect.zip(Clock.currentTimeMillis, Effect.service(Headers.CurrentRedactedNames)),
    ([now, names]) => Effect.fail(make(now, [...names, ...Errors.credentialHeaders]))
  )

/** A response whose body was read: the decoded success, or the error its status or body means. */
const settle = <A>(
  call: Call,
  operation: Operation<A, Operations.Operation>,
  response: HttpClientResponse.HttpClientResponse,
  body: string
): Effect.Effect<A, ModelGatesError.StatusError | ModelGatesError.ResponseValidationError> => {
  if (response.status < 200 || response.status >= 300) {
    return failWith((now, names) => statusError(call, operation.spec, response, body, now, names))
  }
  const decoded = operation.decode(body)
  return decoded.ok
    ? Effect.succeed(decoded.value)
    : failWith((_, names) => validationError(call, operation.spec, response, body, decoded.problem, names))
}

/**
 * The platform's failure, as the SDK's error. A status error raised by a
 * `transformClient` (`HttpClient.filterStatusOk`) is that status's error, as
 * if the response had come back; what a retry cannot fix (a URL the platform
 * refuses, a request it cannot encode) is the caller's input; the rest is a
 * connection error that keeps the platform's reason and the original error.
 */
const platformError = <A>(
  call: Call,
  operation: Operation<A, Operations.Operation>,
  error: HttpClientError.HttpClientError
): Effect.Effect<A, Failure> => {
  const reason = error.reason
  if (reason._tag === "StatusCodeError") {
    const response = reason.response
    call.status = response.status
    return Effect.matchEffect(response.text, {
      onFailure: (unread) => platformError(call, operation, unread),
      onSuccess: (body) => settle(call, operation, response, body)
    })
  }
  const cause = Errors.describeCause(reason.cause)
  if (reason._tag === "InvalidUrlError" || reason._tag === "EncodeError") {
    return Effect.fail(
      invalid(
        reason._tag === "InvalidUrlError" ? "baseUrl" : "request",
        Errors.refusedMessage(call.describe, reason._tag, cause)
      )
    )
  }
  const phase = reason._tag === "TransportError" ? "request" : "body"
  const url = urlOf(error.request)
  return Effect.fail(
    new ModelGatesError.ConnectionError({
      message: Errors.connectionMessage(call.describe, error.request.method, url, phase, cause),
      url,
      reason: phase === "request" ? "Transport" : "Decode",
      cause: reason.cause
    })
  )
}

/** One attempt: send, read the body, decode it or map the status. */
const attempt = <A>(
  client: HttpClient.HttpClient,
  operation: Operation<A, Operations.Operation>,
  request: HttpClientRequest.HttpClientRequest,
  call: Call
): Effect.Effect<A, Failure> =>
  Effect.suspend(() => {
    call.attempts++
    call.status = undefined
    const failed = (error: HttpClientError.HttpClientError) => platformError(call, operation, error)
    return Effect.matchEffect(client.execute(request), {
      onFailure: failed,
      onSuccess: (response) => {
        call.status = response.status
        return Effect.matchEffect(response.text, {
          onFailure: failed,
          onSuccess: (body) => settle(call, operation, response, body)
        })
      }
    })
  })

// -----------------------------------------------------------------------------
// execution
// -----------------------------------------------------------------------------

/**
 * The retries of a call whose first attempt failed with `first`: the policy
 * sees `first` as its first input. The first attempt runs on its own, so a
 * call that succeeds at once never builds the schedule's driver.
 */
const retryAfter = <A>(
  first: Failure,
  attempt: Effect.Effect<A, Failure>,
  policy: RetryPolicy.RetryPolicy
): Effect.Effect<A, Failure> => {
  let replayFirst = true
  const again = Effect.suspend(() => {
    if (!replayFirst) return attempt
    replayFirst = false
    return Effect.fail(first)
  })
  return Effect.retry(again, policy)
}

/** A call whose input is valid: each attempt bounded by the timeout, retried by the policy. */
const send = <A>(
  operation: Operation<A, Operations.Operation>,
  input: GenerationRequest,
  options: CallOptions | undefined,
  call: Call
): Effect.Effect<A, Failure, ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient> =>
  Effect.flatMap(Effect.context<ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient>(), (context) => {
    const config = Context.get(context, ModelGatesConfig.ModelGatesConfig)
    const request = requestFor(config, operation.spec, input)
    const client = clientFor(config, Context.get(context, HttpClient.HttpClient))
    const timeout = options?.timeout === undefined
      ? config.timeout
      : Option.getOrElse(decodeTimeout(options.timeout), () => config.timeout)
    const once = attempt(client, operation, request, call)
    const bounded = Duration.isFinite(timeout)
      ? Deadlines.bounded(once, timeout, () =>
        new ModelGatesError.RequestTimeoutError({
          message: Errors.timeoutMessage(call.describe, Duration.format(timeout)),
          url: urlOf(request),
          timeout
        }))
      : once
    const policy = options?.retryPolicy ?? config.retryPolicy
    return Effect.catch(bounded, (first) => retryAfter(first, bounded, policy))
  })

/**
 * Runs an operation: validates the input (failing before any I/O), then
 * sends it with the configured or per-call timeout and retry policy, in a
 * span of its own (the parent of the platform's HTTP spans) that records how
 * it ended. The span captures no stack: a caller's own `Effect.fn` records
 * where the call was made.
 */
export const execute = <A, O extends Operations.Operation>(
  operation: Operation<A, O>,
  input: GenerationRequest,
  options: CallOptions | undefined
): Effect.Effect<A, OperationError<O>, ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient> =>
  // A status maps only to the classes of the operation's declared statuses or the default error (`statusError`).
  Effect.useSpan(
    operation.spec.name,
    { kind: "client", attributes: { [Names.spanAttributes.generationId]: input.id } },
    (span) =>
      Effect.flatMap(Clock.currentTimeMillis, (startedAt) => {
        const call: Call = {
          operation: operation.spec.name,
          id: input.id,
          describe: Errors.describeCall(operation.spec.name, input.id),
          attempts: 0,
          status: undefined
        }
        const problem = inputProblem(operation.spec.name, input, options)
        const run = problem === undefined
          ? Effect.withParentSpan(send(operation, input, options, call), span, { captureStackTrace: false })
          : Effect.fail(problem)
        return Effect.onExit(run, (exit) => Telemetry.record(span, call, startedAt, exit, operation.describe))
      })
  ) as Effect.Effect<A, OperationError<O>, ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient>
