/**
 * A tracer that keeps every span it starts, with its attributes and events,
 * so tests can read what an operation reports to telemetry.
 */
import { Option, Tracer } from "effect"

export interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }>
  readonly parentName: string | undefined
  readonly kind: Tracer.SpanKind
  ended: boolean
}

export const makeRecordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  let counter = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const record: RecordedSpan = {
        name,
        attributes: new Map(),
        events: [],
        parentName: Option.match(parent, {
          onNone: () => undefined,
          onSome: (span) => span._tag === "Span" ? span.name : undefined
        }),
        kind,
        ended: false
      }
      spans.push(record)
      counter++
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span-${counter}`,
        traceId: "trace-1",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: record.attributes,
        links: [...links],
        sampled: true,
        kind,
        end() {
          record.ended = true
        },
        attribute(key, value) {
          record.attributes.set(key, value)
        },
        event(eventName, _startTime, attributes) {
          record.events.push({ name: eventName, attributes })
        },
        addLinks() {}
      }
      return span
    },
    context: (f) => f()
  })
  return { tracer, spans }
}
