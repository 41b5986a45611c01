/**
 * What a call records: attributes on its operation's span, and the SDK's
 * metrics. Never the key: only the operation, the generation id, statuses,
 * counts, error tags and what the generation itself says.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricKey from "effect/MetricKey"
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"
import * as Names from "../../core/Telemetry.js"

/**
 * Each metric is made from a key that already carries the operation (and the
 * outcome) as tags. A metric tagged with `Metric.tagged` builds and looks up a
 * new key on every update; a keyed one finds its state once, and again only
 * under metric labels the caller has set anew (`Effect.tagMetrics`).
 */
const requestsKey = MetricKey.counter(Names.metrics.requests.name, {
  description: Names.metrics.requests.description,
  incremental: true
})

const durationKey = MetricKey.histogram(
  Names.metrics.duration.name,
  MetricBoundaries.exponential(Names.metrics.duration.boundaries),
  Names.metrics.duration.description
)

const retriesKey = MetricKey.counter(Names.metrics.retries.name, {
  description: Names.metrics.retries.description,
  incremental: true
})

/** The metrics of one operation, made once rather than on every call. */
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
      duration: Metric.fromMetricKey(MetricKey.tagged(durationKey, Names.metricAttributes.operation, operation)),
      retries: Metric.fromMetricKey(MetricKey.tagged(retriesKey, Names.metricAttributes.operation, operation))
    }
    byOperation.set(operation, metrics)
  }
  return metrics
}

const requestsOf = (metrics: OperationMetrics, operation: string, outcome: string): Metric.Metric.Counter<number> => {
  let counter = metrics.requests.get(outcome)
  if (counter === undefined) {
    counter = Metric.fromMetricKey(
      requestsKey.pipe(
        MetricKey.tagged(Names.metricAttributes.operation, operation),
        MetricKey.tagged(Names.metricAttributes.outcome, outcome)
      )
    )
    metrics.requests.set(outcome, counter)
  }
  return counter
}

/**
 * What a call that ended in `cause` records as its outcome: the failure's
 * tag, `Defect` for a defect, and nothing for an interruption, which is not
 * an outcome of the call.
 */
const outcomeOf = (cause: Cause.Cause<{ readonly _tag: string }>): string | undefined => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return failure.value._tag
  return Cause.isDie(cause) ? Names.defectOutcome : undefined
}

/** What a call's attempts saw. */
export interface Attempts {
  readonly operation: string
  readonly attempts: number
  readonly status: number | undefined
}

/**
 * Records how a call ended, on its span and in the metrics (through the
 * `Metric` API, so the caller's metric tags apply): `outcome` is `ok` or the
 * error's tag, and a success adds what its value says about itself.
 */
export const record = <A>(
  span: Tracer.Span,
  call: Attempts,
  startedAt: number,
  exit: Exit.Exit<A, { readonly _tag: string }>,
  describe: (value: A) => Record<string, unknown>
): Effect.Effect<void> => {
  const outcome = Exit.isSuccess(exit) ? Names.okOutcome : outcomeOf(exit.cause)
  if (outcome === undefined) return Effect.void
  if (Exit.isSuccess(exit)) {
    const described = describe(exit.value)
    for (const key in described) span.attribute(key, described[key])
  } else {
    span.attribute(Names.spanAttributes.errorTag, outcome)
  }
  if (call.status !== undefined) span.attribute(Names.spanAttributes.status, call.status)
  span.attribute(Names.spanAttributes.attempts, call.attempts)
  const metrics = metricsOf(call.operation)
  return Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const counted = Metric.increment(requestsOf(metrics, call.operation, outcome))
    const timed = Effect.zipRight(counted, Metric.update(metrics.duration, Math.max(0, now - startedAt)))
    return call.attempts > 1 ? Effect.zipRight(timed, Metric.incrementBy(metrics.retries, call.attempts - 1)) : timed
  })
}
