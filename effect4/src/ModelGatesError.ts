/**
 * The errors of the ModelGates SDK.
 *
 * Every operation fails with a tagged union, so a program can handle exactly
 * the failures it cares about with `Effect.catchTag` / `Effect.catchTags` and
 * let the rest through. Errors that came from an HTTP status are named after
 * the API's own error table; four more cover failures without a status.
 *
 * None of them ever holds the API key: request headers are never stored, and
 * response headers that could carry credentials are redacted.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as Errors from "../../core/Errors.js"

/**
 * The mark every error of the SDK carries: {@link isModelGatesError} checks it,
 * so a look-alike object with the same `_tag` is not taken for one.
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@modelgates/effect4/ModelGatesError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * Whether an HTTP status is worth retrying: 408, 429, 500, 502, 503, 504,
 * 524 and 529.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryableStatus: (status: number) => boolean = Errors.isRetryableStatus

/**
 * What every error of the SDK has beside its fields.
 *
 * @since 0.1.0
 * @category models
 */
export interface ErrorProto {
  readonly [TypeId]: TypeId
  /** Whether the error is worth retrying: by its status when it has one, else by its kind. */
  readonly isRetryable: boolean
}

const Headers = Schema.Record(Schema.String, Schema.String)

/**
 * The fields every error that came with an HTTP status carries.
 *
 * - `status`: the HTTP status.
 * - `message`: the call and its id, then the status and the API's message
 *   from the JSON envelope, or the start of the body without one
 *   (`Generations.getGeneration("gen-1"): 404 Generation not found`).
 * - `body`: the raw response body, cut at 10,000 characters.
 * - `headers`: the response headers (credentials redacted).
 * - `retryAfter`: how long the server asked to wait, from `retry-after-ms` or
 *   `Retry-After` (seconds or an HTTP date).
 * - `code`, `metadata`, `userId`: from the JSON envelope, `null` without it.
 * - `url`: the URL that was requested.
 *
 * @since 0.1.0
 * @category fields
 */
export const StatusErrorFields = {
  status: Schema.Int,
  message: Schema.String,
  body: Schema.String,
  headers: Headers,
  retryAfter: Schema.Option(Schema.Duration),
  code: Schema.NullOr(Schema.Int),
  metadata: Schema.NullOr(Schema.Record(Schema.String, Schema.Unknown)),
  userId: Schema.NullOr(Schema.String),
  url: Schema.String
}

// The status errors share their fields and their prototype's `TypeId` and
// `isRetryable` (by status); each is declared with `ErrorProto` as its brand
// and gets them in `withStatusProto`.
const withStatusProto = <C extends { readonly prototype: { readonly status: number } }>(errorClass: C): C => {
  Object.defineProperties(errorClass.prototype, {
    [TypeId]: { value: TypeId },
    isRetryable: {
      get(this: { readonly status: number }) {
        return Errors.isRetryableStatus(this.status)
      }
    }
  })
  return errorClass
}

/**
 * 401: the API key is missing, malformed or revoked. Retrying does not help.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnauthorizedResponseError extends Schema.TaggedError<UnauthorizedResponseError, ErrorProto>()(
  "UnauthorizedResponseError",
  StatusErrorFields
) {}

/**
 * 402: the account has no credits left. Retrying never helps.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaymentRequiredResponseError extends Schema.TaggedError<PaymentRequiredResponseError, ErrorProto>()(
  "PaymentRequiredResponseError",
  StatusErrorFields
) {}

/**
 * 403: the key may not read this resource. On stored content this usually
 * means the key is not an organisation admin's.
 *
 * @since 0.1.0
 * @category errors
 */
export class ForbiddenResponseError extends Schema.TaggedError<ForbiddenResponseError, ErrorProto>()(
  "ForbiddenResponseError",
  StatusErrorFields
) {}

/**
 * 404: no such generation, or not yet. The metadata of a generation appears
 * some time after it finishes, so a 404 right after a completion means "not
 * yet"; on stored content it usually means logging was off.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFoundResponseError extends Schema.TaggedError<NotFoundResponseError, ErrorProto>()(
  "NotFoundResponseError",
  StatusErrorFields
) {}

/**
 * 429: rate limited. `retryAfter` says how long the server asked to wait;
 * quota-style limits may ask for hours.
 *
 * @since 0.1.0
 * @category errors
 */
export class TooManyRequestsResponseError extends Schema.TaggedError<TooManyRequestsResponseError, ErrorProto>()(
  "TooManyRequestsResponseError",
  StatusErrorFields
) {}

/**
 * 500: the API failed. Worth retrying.
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalServerResponseError extends Schema.TaggedError<InternalServerResponseError, ErrorProto>()(
  "InternalServerResponseError",
  StatusErrorFields
) {}

/**
 * 502: the upstream provider failed. Worth retrying.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadGatewayResponseError extends Schema.TaggedError<BadGatewayResponseError, ErrorProto>()(
  "BadGatewayResponseError",
  StatusErrorFields
) {}

/**
 * 524: the edge network timed out waiting for the API. Its body is usually an
 * HTML page, not the JSON envelope. Worth retrying.
 *
 * @since 0.1.0
 * @category errors
 */
export class EdgeNetworkTimeoutResponseError extends Schema.TaggedError<EdgeNetworkTimeoutResponseError, ErrorProto>()(
  "EdgeNetworkTimeoutResponseError",
  StatusErrorFields
) {}

/**
 * 529: the provider is overloaded. Worth retrying.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProviderOverloadedResponseError extends Schema.TaggedError<ProviderOverloadedResponseError, ErrorProto>()(
  "ProviderOverloadedResponseError",
  StatusErrorFields
) {}

/**
 * Any other error status (408, 503, 418, …), or a declared status that the
 * operation does not declare (a 403 on `getGeneration`). `isRetryable` follows
 * the status.
 *
 * @since 0.1.0
 * @category errors
 */
export class ModelGatesDefaultError extends Schema.TaggedError<ModelGatesDefaultError, ErrorProto>()(
  "ModelGatesDefaultError",
  StatusErrorFields
) {}

/**
 * The class of each status error, by its tag: the classes a status maps to.
 *
 * @since 0.1.0
 * @category models
 */
export const statusErrorClasses = {
  UnauthorizedResponseError: withStatusProto(UnauthorizedResponseError),
  PaymentRequiredResponseError: withStatusProto(PaymentRequiredResponseError),
  ForbiddenResponseError: withStatusProto(ForbiddenResponseError),
  NotFoundResponseError: withStatusProto(NotFoundResponseError),
  TooManyRequestsResponseError: withStatusProto(TooManyRequestsResponseError),
  InternalServerResponseError: withStatusProto(InternalServerResponseError),
  BadGatewayResponseError: withStatusProto(BadGatewayResponseError),
  EdgeNetworkTimeoutResponseError: withStatusProto(EdgeNetworkTimeoutResponseError),
  ProviderOverloadedResponseError: withStatusProto(ProviderOverloadedResponseError),
  ModelGatesDefaultError: withStatusProto(ModelGatesDefaultError)
} as const satisfies Record<Errors.StatusErrorTag | typeof Errors.defaultErrorTag, unknown>

/**
 * The request never got a complete response: the connection was refused or
 * reset, the host did not resolve, or the body was cut off. Worth retrying.
 *
 * `reason` is the platform's (`Transport` before a response, `Decode` while
 * reading the body); `cause` is the error the transport raised, kept as it
 * was for logs and debugging.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConnectionError extends Schema.TaggedError<ConnectionError>()("ConnectionError", {
  message: Schema.String,
  url: Schema.String,
  reason: Schema.Literals(["Transport", "Decode"]),
  cause: Schema.optional(Schema.Defect())
}) {
  /** @since 0.1.0 */
  get [TypeId](): TypeId {
    return TypeId
  }
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * An attempt ran past its timeout (sending, reading the body and decoding it,
 * all included). Worth retrying.
 *
 * @since 0.1.0
 * @category errors
 */
export class RequestTimeoutError extends Schema.TaggedError<RequestTimeoutError>()("RequestTimeoutError", {
  message: Schema.String,
  url: Schema.String,
  timeout: Schema.Duration
}) {
  /** @since 0.1.0 */
  get [TypeId](): TypeId {
    return TypeId
  }
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return true
  }
}

/**
 * A successful status whose body is not JSON, or not the documented shape.
 * `path` names the offending field in wire names (`data.total_cost`). Not
 * retried: the same body would come back.
 *
 * @since 0.1.0
 * @category errors
 */
export class ResponseValidationError extends Schema.TaggedError<ResponseValidationError>()("ResponseValidationError", {
  message: Schema.String,
  path: Schema.String,
  status: Schema.Int,
  body: Schema.String,
  headers: Headers,
  url: Schema.String
}) {
  /** @since 0.1.0 */
  get [TypeId](): TypeId {
    return TypeId
  }
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * The caller's input cannot be sent: an empty, blank or overlong id, a header
 * value with a line break or another control character (raised before any
 * I/O), or a request the platform refuses to build (sent once, never
 * retried). `field` names the offending input.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequestError extends Schema.TaggedError<InvalidRequestError>()("InvalidRequestError", {
  message: Schema.String,
  field: Schema.String
}) {
  /** @since 0.1.0 */
  get [TypeId](): TypeId {
    return TypeId
  }
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return false
  }
}

/**
 * `Generations.waitForGeneration` ran out of its budget (`maxWait`) while the
 * generation still answered 404. `attempts` counts the lookups made,
 * `elapsed` the time since the first. Not retryable as such: wait longer, or
 * look again later.
 *
 * @since 0.1.0
 * @category errors
 */
export class GenerationNotReadyError extends Schema.TaggedError<GenerationNotReadyError>()("GenerationNotReadyError", {
  message: Schema.String,
  id: Schema.String,
  attempts: Schema.Int,
  elapsed: Schema.Duration
}) {
  /** @since 0.1.0 */
  get [TypeId](): TypeId {
    return TypeId
  }
  /** @since 0.1.0 */
  get isRetryable(): boolean {
    return false
  }
}

const transportErrors = [ConnectionError, RequestTimeoutError, ResponseValidationError, InvalidRequestError] as const

// The errors every operation can fail with, whatever its declared statuses.
const sharedErrors = [
  UnauthorizedResponseError,
  TooManyRequestsResponseError,
  InternalServerResponseError,
  BadGatewayResponseError,
  EdgeNetworkTimeoutResponseError,
  ProviderOverloadedResponseError,
  ModelGatesDefaultError,
  ...transportErrors
] as const

/**
 * The failures that come without an HTTP status, shared by every operation.
 *
 * @since 0.1.0
 * @category unions
 */
export const TransportError = Schema.Union(transportErrors)

/**
 * @since 0.1.0
 * @category unions
 */
export type TransportError = typeof TransportError.Type

/**
 * The errors of `Generations.getGeneration`.
 *
 * @since 0.1.0
 * @category unions
 */
export const GetGenerationError = Schema.Union([PaymentRequiredResponseError, NotFoundResponseError, ...sharedErrors])

/**
 * @since 0.1.0
 * @category unions
 */
export type GetGenerationError = typeof GetGenerationError.Type

/**
 * The errors of `Generations.listGenerationContent`: like
 * {@link GetGenerationError}, with 403 in place of 402.
 *
 * @since 0.1.0
 * @category unions
 */
export const ListGenerationContentError = Schema.Union([ForbiddenResponseError, NotFoundResponseError, ...sharedErrors])

/**
 * @since 0.1.0
 * @category unions
 */
export type ListGenerationContentError = typeof ListGenerationContentError.Type

/**
 * The errors of `Generations.waitForGeneration`: those of
 * {@link GetGenerationError} except the 404, which it waits through, and
 * {@link GenerationNotReadyError} when its budget runs out.
 *
 * @since 0.1.0
 * @category unions
 */
export const WaitForGenerationError = Schema.Union([
  PaymentRequiredResponseError,
  GenerationNotReadyError,
  ...sharedErrors
])

/**
 * @since 0.1.0
 * @category unions
 */
export type WaitForGenerationError = typeof WaitForGenerationError.Type

/**
 * Every error the SDK can fail with. Retry policies are schedules over it.
 *
 * @since 0.1.0
 * @category unions
 */
export const ModelGatesError = Schema.Union([
  ...GetGenerationError.members,
  ForbiddenResponseError,
  GenerationNotReadyError
])

/**
 * @since 0.1.0
 * @category unions
 */
export type ModelGatesError = typeof ModelGatesError.Type

/**
 * An error that came with an HTTP status.
 *
 * @since 0.1.0
 * @category unions
 */
export type StatusError = Extract<ModelGatesError, { readonly status: number; readonly retryAfter: unknown }>

/**
 * Whether a value is one of the SDK's errors.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isModelGatesError = (u: unknown): u is ModelGatesError => Predicate.hasProperty(u, TypeId)

/**
 * Whether an error is worth retrying, as a function: for `Schedule.while`,
 * `Effect.retry({ while })` or `Array.filter`.
 *
 * @example
 * ```ts
 * import { Generations, ModelGatesError } from "@modelgates/effect4"
 * import { Effect } from "effect"
 *
 * export const retriedByHand = Generations.getGeneration({ id: "gen-1" }).pipe(
 *   Effect.retry({ while: ModelGatesError.isRetryable, times: 2 })
 * )
 * ```
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: ModelGatesError): boolean => error.isRetryable
