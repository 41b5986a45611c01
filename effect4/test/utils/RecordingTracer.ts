/**
 * A tracer that keeps every span it starts, so tests can read what an
 * operation reports to telemetry.
 */
import * as Tracer from "effect/Tracer"

export const makeRecordingTracer = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { tracer, spans }
}

/** The name of a span's parent, when it is a span of the program. */
export const parentName = (span: Tracer.Span): string | undefined =>
  span.parent._tag === "Some" && span.parent.value._tag === "Span" ? span.parent.value.name : undefined
