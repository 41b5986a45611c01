/**
 * What a call records: attributes on its operation's span, and the SDK's
 * metrics, under the names of `core/Telemetry.ts`. Never the key: only the
 * operation, the generation id, statuses, counts, error tags and what the
 * generation itself says.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import type * as Tracer from "effect/Tracer"
import * as Names from "../../../core/Telemetry.js"

const requests = Metric.counter(Names.metrics.requests.name, {
  description: Names.metrics.requests.description,
  incremental: true
})

const duration = Metric.histogram(Names.metrics.duration.name, {
  description: Names.metrics.duration.description,
  boundaries: Metric.exponentialBoundaries(Names.metrics.duration.boundaries)
})

const retries = Metric.counter(Names.metrics.retries.name, {
  description: Names.metrics.retries.description,
  incremental: true
})

/** The metrics of one operation, with their attributes set once rather than on every call. */
interface OperationMetrics {
  readonly requests: Map<string, Metric.Counter<number>>
  readonly duration: Metric.Histogram<number>
  readonly retries: Metric.Counter<number>
}

const byOperation = new Map<string, OperationMetrics>()

const metricsOf = (operation: string): OperationMetrics => {
  let metrics = byOperation.get(operation)
  if (metrics === undefined) {
    const attributes = { [Names.metricAttributes.operation]: operation }
    metrics = {
      requests: new Map(),
      duration: Metric.withAttributes(duration, attributes),
      retries: Metric.withAttributes(retries, attributes)
    }
    byOperation.set(operation, metrics)
  }
  return metrics
}

const requestsOf = (metrics: OperationMetrics, operation: string, outcome: string): Metric.Counter<number> => {
  let counter = metrics.requests.get(outcome)
  if (counter === undefined) {
    counter = Metric.withAttributes(requests, {
      [Names.metricAttributes.operation]: operation,
      [Names.metricAttributes.outcome]: outcome
    })
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
  const failure = cause.reasons.find(Cause.isFailReason)
  if (failure !== undefined) return failure.error._tag
  return cause.reasons.some(Cause.isDieReason) ? Names.defectOutcome : undefined
}

/** What a call's attempts saw. */
export interface Attempts {
  readonly operation: string
  readonly attempts: number
  readonly status: number | undefined
}

/**
 * Records how a call ended, on its span and in the metrics (through the
 * `Metric` API, so the caller's metric attributes apply): `outcome` is `ok`
 * or the error's tag, and a success adds what its value says about itself.
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
    const counted = Metric.update(requestsOf(metrics, call.operation, outcome), 1)
    const timed = Effect.andThen(counted, Metric.update(metrics.duration, Math.max(0, now - startedAt)))
    return call.attempts > 1 ? Effect.andThen(timed, Metric.update(metrics.retries, call.attempts - 1)) : timed
  })
}
