/**
 * Retry policies are plain `Schedule` values over the SDK's errors: compose
 * them with the `Schedule` API, or build your own from any schedule and the
 * building blocks here.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@modelgates/effect4"
 * import { Schedule } from "effect"
 *
 * // Every 2 seconds, only for retryable errors, honouring Retry-After up to 30 s, 4 times at most.
 * const policy: RetryPolicy.RetryPolicy = Schedule.spaced("2 seconds").pipe(
 *   RetryPolicy.whileRetryable,
 *   RetryPolicy.honorRetryAfter({ max: "30 seconds" }),
 *   Schedule.upTo({ times: 4 })
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type * as ModelGatesError from "./ModelGatesError.js"

/**
 * A retry policy: a schedule fed with each failure of an operation. The
 * schedule's output is not used.
 *
 * @since 0.1.0
 * @category models
 */
export type RetryPolicy = Schedule.Schedule<unknown, ModelGatesError.ModelGatesError>

type Failure = ModelGatesError.ModelGatesError

/**
 * Keeps retrying only while the error is worth retrying (`isRetryable`): 408,
 * 429, 5XX gateway statuses, connection errors and timeouts. Anything else
 * fails at once.
 *
 * @since 0.1.0
 * @category building blocks
 */
export const whileRetryable = <Out, In, E, R>(
  self: Schedule.Schedule<Out, In, E, R>
): Schedule.Schedule<Out, In & Failure, E, R> =>
  Schedule.while(self as Schedule.Schedule<Out, In & Failure, E, R>, ({ input }) => input.isRetryable)

const retryAfterOf = (error: Failure): Option.Option<Duration.Duration> =>
  "retryAfter" in error ? error.retryAfter : Option.none()

/**
 * Honours the server's `Retry-After`: each wait is the longer of the
 * schedule's own delay and what the server asked for. When the server asks to
 * wait longer than `max` (quota-style 429s ask for hours), the schedule stops
 * and the operation fails at once with that error, instead of hanging.
 *
 * @since 0.1.0
 * @category building blocks
 */
export const honorRetryAfter = (options: { readonly max: Duration.Input }) => {
  const max = Duration.fromInputUnsafe(options.max)
  return <Out, In, E, R>(self: Schedule.Schedule<Out, In, E, R>): Schedule.Schedule<Out, In & Failure, E, R> =>
    (self as Schedule.Schedule<Out, In & Failure, E, R>).pipe(
      Schedule.while(({ input }) =>
        Option.match(retryAfterOf(input), {
          onNone: () => true,
          onSome: (wait) => Duration.isLessThanOrEqualTo(wait, max)
        })
      ),
      Schedule.modifyDelay(({ duration, input }) =>
        Effect.succeed(Option.match(retryAfterOf(input), {
          onNone: () => duration,
          onSome: (wait) => Duration.max(duration, wait)
        }))
      )
    )
}

/**
 * The options of {@link backoff}: the same knobs as the official clients'
 * retry configuration, so their settings carry over. Durations accept any
 * `Duration.Input`; a plain number means milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface BackoffOptions {
  /** The first wait. Default 500 ms. */
  readonly initialInterval?: Duration.Input | undefined
  /** The longest single wait of the backoff. Default 60 s. */
  readonly maxInterval?: Duration.Input | undefined
  /**
   * The longest `Retry-After` honoured; a server asking for more fails the
   * call at once. Default 60 s.
   */
  readonly maxRetryAfter?: Duration.Input | undefined
  /** Whether each wait is spread randomly between 80% and 120% of its nominal value. Default `true`. */
  readonly jitter?: boolean | undefined
  /** The factor each wait grows by. Default 1.5. */
  readonly exponent?: number | undefined
  /** The budget of all the retries, from the first failure. Default 2 minutes. */
  readonly maxElapsedTime?: Duration.Input | undefined
  /** How many retries at most. Default 5. */
  readonly maxRetries?: number | undefined
  /** Whether connection errors and timeouts are retried. Default `true`. */
  readonly retryConnectionErrors?: boolean | undefined
}

/**
 * Exponential backoff over the retryable errors (jittered unless
 * `jitter: false`), honouring `Retry-After` up to `maxRetryAfter`.
 *
 * The budget `maxElapsedTime` stops the schedule before a wait that would end
 * past it (the time since the first failure plus the planned wait), so a
 * policy never overshoots its budget, which `Schedule.upTo({ duration })`
 * would by one wait.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@modelgates/effect4"
 *
 * // The official clients' `{ strategy: "backoff", backoff: { ... } }`, carried over.
 * const policy = RetryPolicy.backoff({
 *   initialInterval: 1000,
 *   maxInterval: "30 seconds",
 *   exponent: 2,
 *   maxElapsedTime: "5 minutes",
 *   maxRetries: 8,
 *   retryConnectionErrors: false
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const backoff = (options: BackoffOptions = {}): RetryPolicy => {
  const maxInterval = Duration.fromInputUnsafe(options.maxInterval ?? "60 seconds")
  const maxElapsed = Duration.toMillis(Duration.fromInputUnsafe(options.maxElapsedTime ?? "2 minutes"))
  const retryConnectionErrors = options.retryConnectionErrors ?? true
  const exponential = Schedule.exponential(options.initialInterval ?? "500 millis", options.exponent ?? 1.5)
  return (options.jitter === false ? exponential : Schedule.jittered(exponential)).pipe(
    Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, maxInterval))),
    whileRetryable,
    Schedule.while(({ input }) =>
      retryConnectionErrors || (input._tag !== "ConnectionError" && input._tag !== "RequestTimeoutError")
    ),
    honorRetryAfter({ max: options.maxRetryAfter ?? "60 seconds" }),
    Schedule.upTo({ times: options.maxRetries ?? 5 }),
    Schedule.while(({ duration, elapsed }) => elapsed + Duration.toMillis(duration) <= maxElapsed)
  )
}

/**
 * The policy every call uses unless told otherwise: retries only retryable
 * errors, with exponential backoff from 500 ms by a factor of 1.5 with jitter,
 * each wait at most 60 s, at most 5 retries within 2 minutes. It honours
 * `Retry-After` (the longer of it and the backoff), and fails at once when the
 * server asks to wait more than 60 s.
 *
 * @since 0.1.0
 * @category policies
 */
export const defaultPolicy: RetryPolicy = backoff()

/**
 * Never retry.
 *
 * @since 0.1.0
 * @category policies
 */
export const none: RetryPolicy = Schedule.recurs(0)
