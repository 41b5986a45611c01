/**
 * What a call records: attributes on its operation's span, and the SDK's
 * metrics. Never the key: only the operation, the generation id, statuses,
 * counts, error tags and what the generation itself says.
 */
import * as Cause from "effect/Cause"
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricKey from "effect/MetricKey"
import * as Option from "effect/Option"

const requestsKey = MetricKey.counter("modelgates.client.requests", {
  description: "ModelGates SDK calls, by operation and outcome (ok or the error's tag)",
  incremental: true
})

const durationKey = MetricKey.histogram(
  "modelgates.client.duration",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 18 }),
  "ModelGates SDK call duration in milliseconds, retries included, by operation"
)

const retriesKey = MetricKey.counter("modelgates.client.retries", {
  description: "ModelGates SDK retries (attempts after the first), by operation",
  incremental: true
})

/**
 * The metrics of one operation, each built from its fully tagged key once:
 * updating a metric tagged per call (`Metric.tagged`) would build and hash
 * a new key on every update.
 */
interface OperationMetrics {
  readonly requests: Map<string, Metric.Metric.Counter<number>>
  readonly duration: Metric.Metric.Histogram<number>
  readonly retries: Metric.Metric.Counter<number>
}

const byOperation = new Map<string, OperationMetrics>()

const metricsOf = (operation: string): OperationMetrics => {
  let metrics = byOperation.get(operation)
  if (metrics === undefined) {
    metrics = {
      requests: new Map(),
      duration: Metric.fromMetricKey(MetricKey.tagged(durationKey, "operation", operation)),
      retries: Metric.fromMetricKey(MetricKey.tagged(retriesKey, "operation", operation))
    }
    byOperation.set(operation, metrics)
  }
  return metrics
}

const requestsOf = (metrics: OperationMetrics, operation: string, outcome: string): Metric.Metric.Counter<number> => {
  let counter = metrics.requests.get(outcome)
  if (counter === undefined) {
    counter = Metric.fromMetricKey(
      requestsKey.pipe(MetricKey.tagged("operation", operation), MetricKey.tagged("outcome", outcome))
    )
    metrics.requests.set(outcome, counter)
  }
  return counter
}

const noTags: ReadonlyArray<never> = []

const update = (
  operation: string,
  outcome: string,
  attempts: number,
  startedAt: number,
  clock: Clock.Clock
): void => {
  const metrics = metricsOf(operation)
  requestsOf(metrics, operation, outcome).unsafeUpdate(1, noTags)
  metrics.duration.unsafeUpdate(Math.max(0, clock.unsafeCurrentTimeMillis() - startedAt), noTags)
  if (attempts > 1) metrics.retries.unsafeUpdate(attempts - 1, noTags)
}

/** Adds what every call says about itself to a span's attributes. */
const withCallAttributes = (
  attributes: Record<string, unknown>,
  status: number | undefined,
  attempts: number
): Record<string, unknown> => {
  attributes["modelgates.attempts"] = attempts
  if (status !== undefined) attributes["http.response.status_code"] = status
  return attributes
}

/** Records a successful call, then succeeds with its value. */
export const recordSuccess = <A>(
  operation: string,
  status: number | undefined,
  attempts: number,
  startedAt: number,
  clock: Clock.Clock,
  described: Record<string, unknown>,
  value: A
): Effect.Effect<A> =>
  Effect.zipRight(
    Effect.annotateCurrentSpan(withCallAttributes(described, status, attempts)),
    Effect.sync(() => {
      update(operation, "ok", attempts, startedAt, clock)
      return value
    })
  )

/** Records a failed call, then fails with its error. */
export const recordFailure = <E extends { readonly _tag: string }>(
  operation: string,
  status: number | undefined,
  attempts: number,
  startedAt: number,
  clock: Clock.Clock,
  error: E
): Effect.Effect<never, E> =>
  Effect.zipRight(
    Effect.annotateCurrentSpan(withCallAttributes({ "modelgates.error.tag": error._tag }, status, attempts)),
    Effect.suspend(() => {
      update(operation, error._tag, attempts, startedAt, clock)
      return Effect.fail(error)
    })
  )

/**
 * Records a call that ended in a cause: its failure if it has one. A defect
 * is recorded as `Defect`; an interruption is not an outcome of the call.
 */
export const recordCause = <E extends { readonly _tag: string }>(
  operation: string,
  status: number | undefined,
  attempts: number,
  startedAt: number,
  clock: Clock.Clock,
  cause: Cause.Cause<E>
): Effect.Effect<never, E> => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    return Effect.zipRight(
      recordFailure(operation, status, attempts, startedAt, clock, failure.value).pipe(Effect.ignore),
      Effect.failCause(cause)
    )
  }
  if (Cause.isDie(cause)) {
    return Effect.zipRight(
      recordFailure(operation, status, attempts, startedAt, clock, { _tag: "Defect" }).pipe(Effect.ignore),
      Effect.failCause(cause)
    )
  }
  return Effect.failCause(cause)
}
