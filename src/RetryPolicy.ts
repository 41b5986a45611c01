/**
 * Retry policies are plain `Schedule` values over the SDK's errors: compose
 * them with the `Schedule` API, or build your own from any schedule and the
 * building blocks here.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@modelgates/effect"
 * import { Schedule } from "effect"
 *
 * // Every 2 seconds, only for retryable errors, honouring Retry-After up to 30 s, 4 times at most.
 * const policy: RetryPolicy.RetryPolicy = Schedule.spaced("2 seconds").pipe(
 *   RetryPolicy.whileRetryable,
 *   RetryPolicy.honorRetryAfter({ max: "30 seconds" }),
 *   Schedule.intersect(Schedule.recurs(4))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
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

/**
 * Keeps retrying only while the error is worth retrying (`isRetryable`): 408,
 * 429, 5XX gateway statuses, connection errors and timeouts. Anything else
 * fails at once.
 *
 * @since 0.1.0
 * @category building blocks
 */
export const whileRetryable = <Out, In, R>(
  self: Schedule.Schedule<Out, In, R>
): Schedule.Schedule<Out, In & ModelGatesError.ModelGatesError, R> =>
  Schedule.whileInput(self, (error: In & ModelGatesError.ModelGatesError) => error.isRetryable)

const retryAfterOf = (error: ModelGatesError.ModelGatesError): Option.Option<Duration.Duration> =>
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
export const honorRetryAfter = (options: { readonly max: Duration.DurationInput }) => {
  const max = Duration.decode(options.max)
  return <Out, In, R>(
    self: Schedule.Schedule<Out, In, R>
  ): Schedule.Schedule<Out, In & ModelGatesError.ModelGatesError, R> =>
    self.pipe(
      Schedule.whileInput((error: In & ModelGatesError.ModelGatesError) =>
        Option.match(retryAfterOf(error), {
          onNone: () => true,
          onSome: (wait) => Duration.lessThanOrEqualTo(wait, max)
        })
      ),
      Schedule.intersect(Schedule.identity<In & ModelGatesError.ModelGatesError>()),
      Schedule.modifyDelay(([, error], delay) =>
        Option.match(retryAfterOf(error), {
          onNone: () => delay,
          onSome: (wait) => Duration.max(delay, wait)
        })
      ),
      Schedule.map(([out]) => out)
    )
}

/**
 * Stops a schedule before a wait that would end more than `max` after its
 * first step (the first failure), so a policy never overshoots its budget.
 *
 * Not `Schedule.upTo`: it compares `max` with the time elapsed when a failure
 * arrives, not with where the wait planned after it ends, so it lets one wait
 * run past the budget. Each step here sees both: the wait the schedule plans
 * (`Schedule.delays`) and the time since the first failure (`Schedule.elapsed`,
 * which plans no wait of its own, so the intersection keeps the schedule's).
 * A policy's output is not used, so these two stand in for the schedule's.
 */
const withinElapsed = (max: Duration.Duration) => <Out, In, R>(self: Schedule.Schedule<Out, In, R>) =>
  Schedule.delays(self).pipe(
    Schedule.intersect(Schedule.elapsed),
    Schedule.whileOutput(([wait, elapsed]) => Duration.lessThanOrEqualTo(Duration.sum(elapsed, wait), max))
  )

/**
 * The options of {@link backoff}: the same knobs as the official clients'
 * retry configuration, so their settings carry over. Durations accept any
 * `Duration.DurationInput`; a plain number means milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface BackoffOptions {
  /** The first wait. Default 500 ms. */
  readonly initialInterval?: Duration.DurationInput | undefined
  /** The longest single wait of the backoff. Default 60 s. */
  readonly maxInterval?: Duration.DurationInput | undefined
  /**
   * The longest `Retry-After` honoured; a server asking for more fails the
   * call at once. Default 60 s.
   */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /** Whether each wait is spread randomly between 80% and 120% of its nominal value. Default `true`. */
  readonly jitter?: boolean | undefined
  /** The factor each wait grows by. Default 1.5. */
  readonly exponent?: number | undefined
  /** The budget of all the retries, from the first failure. Default 2 minutes. */
  readonly maxElapsedTime?: Duration.DurationInput | undefined
  /** How many retries at most. Default 5. */
  readonly maxRetries?: number | undefined
  /** Whether connection errors and timeouts are retried. Default `true`. */
  readonly retryConnectionErrors?: boolean | undefined
}

/**
 * Exponential backoff over the retryable errors (jittered unless
 * `jitter: false`), honouring `Retry-After` up to `maxRetryAfter`.
 *
 * @example
 * ```ts
 * import { RetryPolicy } from "@modelgates/effect"
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
  const maxInterval = Duration.decode(options.maxInterval ?? "60 seconds")
  const retryConnectionErrors = options.retryConnectionErrors ?? true
  const exponential = Schedule.exponential(options.initialInterval ?? "500 millis", options.exponent ?? 1.5)
  return (options.jitter === false ? exponential : Schedule.jittered(exponential)).pipe(
    Schedule.modifyDelay((_, delay) => Duration.min(delay, maxInterval)),
    whileRetryable,
    Schedule.whileInput((error: ModelGatesError.ModelGatesError) =>
      retryConnectionErrors || (error._tag !== "ConnectionError" && error._tag !== "RequestTimeoutError")
    ),
    honorRetryAfter({ max: options.maxRetryAfter ?? "60 seconds" }),
    Schedule.zipLeft(Schedule.recurs(options.maxRetries ?? 5)),
    withinElapsed(Duration.decode(options.maxElapsedTime ?? "2 minutes"))
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
export const none: RetryPolicy = Schedule.stop
