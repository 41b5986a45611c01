/**
 * What a call records: attributes on its operation's span, and the SDK's
 * metrics. Never the key: only the operation, the generation id, statuses,
 * counts, error tags and what the generation itself says.
 */
import * as Cause from "effect/Cause"
import type * as Clock from "effect/Clock"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricKey from "effect/MetricKey"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"

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

/**
 * Records how a call ended, on its span and in the metrics: `outcome` is `ok`
 * or the error's tag, and `described` what a successful result says about
 * itself.
 */
export const record = (
  span: Tracer.Span,
  operation: string,
  outcome: string,
  status: number | undefined,
  attempts: number,
  startedAt: number,
  clock: Clock.Clock,
  described: Record<string, unknown> | undefined
): void => {
  if (described !== undefined) {
    for (const key in described) span.attribute(key, described[key])
  }
  if (outcome !== "ok") span.attribute("modelgates.error.tag", outcome)
  if (status !== undefined) span.attribute("http.response.status_code", status)
  span.attribute("modelgates.attempts", attempts)
  update(operation, outcome, attempts, startedAt, clock)
}

/**
 * What a call that ended in `cause` records as its outcome: the failure's
 * tag, `Defect` for a defect, and nothing for an interruption, which is not
 * an outcome of the call.
 */
export const outcomeOf = <E extends { readonly _tag: string }>(cause: Cause.Cause<E>): string | undefined => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return failure.value._tag
  return Cause.isDie(cause) ? "Defect" : undefined
}
