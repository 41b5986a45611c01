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
import * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"

const requests = Metric.counter("modelgates.client.requests", {
  description: "ModelGates SDK calls, by operation and outcome (ok or the error's tag)",
  incremental: true
})

const duration = Metric.histogram(
  "modelgates.client.duration",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 18 }),
  "ModelGates SDK call duration in milliseconds, retries included, by operation"
)

const retries = Metric.counter("modelgates.client.retries", {
  description: "ModelGates SDK retries (attempts after the first), by operation",
  incremental: true
})

/** The metrics of one operation, tagged once rather than on every call. */
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
      duration: Metric.tagged(duration, "operation", operation),
      retries: Metric.tagged(retries, "operation", operation)
    }
    byOperation.set(operation, metrics)
  }
  return metrics
}

const requestsOf = (metrics: OperationMetrics, operation: string, outcome: string): Metric.Metric.Counter<number> => {
  let counter = metrics.requests.get(outcome)
  if (counter === undefined) {
    counter = requests.pipe(Metric.tagged("operation", operation), Metric.tagged("outcome", outcome))
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
  return Cause.isDie(cause) ? "Defect" : undefined
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
  const outcome = Exit.isSuccess(exit) ? "ok" : outcomeOf(exit.cause)
  if (outcome === undefined) return Effect.void
  if (Exit.isSuccess(exit)) {
    const described = describe(exit.value)
    for (const key in described) span.attribute(key, described[key])
  } else {
    span.attribute("modelgates.error.tag", outcome)
  }
  if (call.status !== undefined) span.attribute("http.response.status_code", call.status)
  span.attribute("modelgates.attempts", call.attempts)
  const metrics = metricsOf(call.operation)
  return Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const counted = Metric.increment(requestsOf(metrics, call.operation, outcome))
    const timed = Effect.zipRight(counted, Metric.update(metrics.duration, Math.max(0, now - startedAt)))
    return call.attempts > 1 ? Effect.zipRight(timed, Metric.incrementBy(metrics.retries, call.attempts - 1)) : timed
  })
}
