/**
 * The effect 4 side of `@modelgates/simulator`'s engine: options and faults
 * turned into the engine's (wire JSON, durations in milliseconds), the
 * engine's generations decoded into the SDK's models, the control service,
 * and an in-memory `HttpClient` whose every request the engine answers on the
 * caller's `Clock`, so `TestClock` drives every wait.
 */
import * as Engine from "@modelgates/simulator/Engine"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as WireDecoder from "../../../../core/WireDecoder.js"
import * as Models from "../../Models.js"
import type * as ModelGatesSimulator from "../../testing/ModelGatesSimulator.js"
import * as Decoder from "../decoder.js"

// -----------------------------------------------------------------------------
// to the engine
// -----------------------------------------------------------------------------

/** A duration as the engine reads it: milliseconds, with their unit. */
const millis = (input: Duration.Input): string => `${Duration.toMillis(input)}ms`

const keyOf = (entry: string | Redacted.Redacted<string> | ModelGatesSimulator.KeyOptions): Engine.KeyOptions => {
  const given = typeof entry === "string" || Redacted.isRedacted(entry) ? { key: entry } : entry
  return {
    key: typeof given.key === "string" ? given.key : Redacted.value(given.key),
    admin: given.admin,
    userId: given.userId
  }
}

/** The engine's options for the SDK's. */
export const engineOptions = (options: ModelGatesSimulator.Options): Engine.Options => ({
  seed: options.seed,
  generations: options.generations,
  keys: options.keys?.map(keyOf),
  readyAfter: millis(options.readyAfter ?? "2 seconds"),
  rateLimit: options.rateLimit === undefined
    ? undefined
    : { requests: options.rateLimit.requests, window: millis(options.rateLimit.window) },
  basePath: options.basePath
})

/** A generation's metadata as the engine encodes it: its `DateTime` as epoch milliseconds. */
const wireData = (data: Models.GenerationData): Engine.WireObject =>
  Engine.toWire("GenerationData", { ...data, createdAt: DateTime.toEpochMillis(data.createdAt) })

const encodeBody = (body: ModelGatesSimulator.Body): Engine.Body => {
  if (typeof body === "string" || body instanceof Uint8Array) return body
  if (body instanceof Models.ErrorResponse) return { json: Engine.toWire("ErrorResponse", { ...body }) }
  if (body instanceof Models.GenerationResponse) return { json: { data: wireData(body.data) } }
  return { json: Engine.toWire("GenerationContentResponse", { ...body }) }
}

const engineDelivery = (delivery: ModelGatesSimulator.Delivery): Engine.Delivery => ({
  delay: delivery.delay === undefined ? undefined : millis(delivery.delay),
  pause: delivery.pause === undefined
    ? undefined
    : { afterBytes: delivery.pause.afterBytes, duration: millis(delivery.pause.duration) },
  stallAfter: delivery.stallAfter,
  truncateAfter: delivery.truncateAfter
})

const engineFault = (fault: ModelGatesSimulator.Fault): Engine.Fault => {
  switch (fault._tag) {
    case "Respond":
      return { ...fault, body: encodeBody(fault.body), delivery: engineDelivery(fault.delivery) }
    case "Deliver":
      return { _tag: "Deliver", delivery: engineDelivery(fault.delivery) }
    case "Drop":
      return { _tag: "Drop", delay: fault.delay === undefined ? undefined : millis(fault.delay) }
  }
}

// -----------------------------------------------------------------------------
// from the engine
// -----------------------------------------------------------------------------

/** The value of a body the engine built itself; one that does not decode is a bug of the simulator. */
const decoded = <A>(result: WireDecoder.Decoded<A>): A => {
  if (result.ok) return result.value
  throw new Error(
    `ModelGatesSimulator: the engine's body does not decode at ${result.problem.path}: ${result.problem.message}`
  )
}

// The engine's store holds wire JSON; the SDK's decoder of calls reads it, so both read one table.
const decodeData = (data: Engine.WireObject): Models.GenerationData =>
  decoded(Decoder.GenerationResponseFromJson(JSON.stringify({ data }))).data

const decodeContent = (content: Engine.WireObject | null): Models.GenerationContentData | null =>
  content === null ? null : decoded(Decoder.GenerationContentResponseFromJson(JSON.stringify({ data: content }))).data

const engineAddOptions = (options: ModelGatesSimulator.AddOptions): Engine.AddOptions => {
  const overrides = options.data
  const content = options.content
  return {
    id: options.id,
    label: options.label,
    // Overrides in the SDK's field names, applied to the generated metadata and encoded back to the wire.
    data: overrides === undefined ?
      undefined :
      (generated) => wireData(new Models.GenerationData({ ...decodeData(generated), ...overrides })),
    content: content === undefined || content === null
      ? content
      : Engine.toWire("GenerationContentData", { ...content }),
    readyAfter: options.readyAfter === undefined ? undefined : millis(options.readyAfter)
  }
}

const invalidStorm = (message: string) => new Cause.IllegalArgumentError(`ModelGatesSimulator.storm: ${message}`)

const stormDuration = (name: string, input: Duration.Input | undefined) =>
  input === undefined ? Effect.succeed(undefined) : Option.match(Duration.fromInput(input), {
    onNone: () => Effect.fail(invalidStorm(`cannot read ${name} ${JSON.stringify(String(input))} as a duration`)),
    onSome: (duration) => Effect.succeed(`${Duration.toMillis(duration)}ms`)
  })

const engineStorm = (options: ModelGatesSimulator.StormOptions) =>
  Effect.gen(function*() {
    const retryAfter = yield* stormDuration("retryAfter", options.retryAfter)
    const duration = yield* stormDuration("duration", options.duration)
    return { ...options, retryAfter, duration } satisfies Engine.StormOptions
  })

// -----------------------------------------------------------------------------
// the control service
// -----------------------------------------------------------------------------

/**
 * The control of an engine, as the SDK's service. `now` is the time the
 * engine is told for each call: the `Clock`'s in memory, `undefined` (the
 * engine's own clock) for a server that answers on the system's time.
 */
export const makeService = (
  simulator: Engine.Simulator,
  now: Effect.Effect<number | undefined>
): ModelGatesSimulator.Service => {
  // The engine's entries do not change once stored: each is decoded once.
  const known = new WeakMap<Engine.StoredGeneration, ModelGatesSimulator.StoredGeneration>()
  const toStored = (stored: Engine.StoredGeneration): ModelGatesSimulator.StoredGeneration => {
    let generation = known.get(stored)
    if (generation === undefined) {
      const { id, label, readyAt } = stored
      generation = { id, label, data: decodeData(stored.data), content: decodeContent(stored.content), readyAt }
      known.set(stored, generation)
    }
    return generation
  }
  return {
    add: (options = {}) =>
      now.pipe(
        Effect.flatMap((at) => Effect.sync(() => toStored(simulator.add(engineAddOptions(options), at)))),
        Effect.withSpan("ModelGatesSimulator.add")
      ),
    remove: (id) => Effect.withSpan(Effect.sync(() => simulator.remove(id)), "ModelGatesSimulator.remove"),
    generations: Effect.sync(() => simulator.generations().map(toStored)),
    ids: Effect.sync(() => simulator.ids()),
    script: (target, ...faults) =>
      Effect.withSpan(
        Effect.sync(() => simulator.script(target, ...faults.map(engineFault))),
        "ModelGatesSimulator.script"
      ),
    storm: (options) =>
      Effect.flatMap(Effect.zip(engineStorm(options), now), ([storm, at]) =>
        Effect.try({
          try: () => simulator.storm(storm, at),
          catch: (error) => invalidStorm(error instanceof Error ? error.message : String(error))
        })).pipe(Effect.withSpan("ModelGatesSimulator.storm")),
    calm: Effect.sync(() => simulator.calm()),
    requests: Effect.sync(() => simulator.requests()),
    clearRequests: Effect.sync(() => simulator.clearRequests())
  }
}

// -----------------------------------------------------------------------------
// the in-memory transport
// -----------------------------------------------------------------------------

/** The body was cut off on purpose. */
class BodyCutOff extends Schema.TaggedError<BodyCutOff>()("BodyCutOff", {
  message: Schema.String
}) {}

// Statuses whose responses cannot carry a body.
const nullBodyStatuses: ReadonlySet<number> = new Set([101, 103, 204, 205, 304])

const outcomeOf = (exit: Exit.Exit<unknown, BodyCutOff>): Engine.Outcome =>
  Exit.isSuccess(exit) ? "complete" : Cause.hasFails(exit.cause) ? "truncated" : "aborted"

/** The body as the engine's plan says: chunks, pauses on the `Clock`, and how it ends. */
const bodyStream = (reply: Engine.Respond): Stream.Stream<Uint8Array, BodyCutOff> => {
  const plan = Engine.bodyPlan(reply)
  const sent = Stream.fromIterable(plan.parts).pipe(
    Stream.mapEffect((part) =>
      typeof part === "number"
        ? Effect.as(Effect.sleep(Duration.millis(part)), new Uint8Array(0))
        : Effect.succeed(part)
    ),
    Stream.filter((part) => part.length > 0)
  )
  switch (plan.end) {
    case "complete":
      return sent
    case "stall":
      return Stream.concat(sent, Stream.never)
    case "truncate":
      return Stream.concat(
        sent,
        Stream.fail(new BodyCutOff({ message: `body cut off after ${reply.timing.truncateAfter} bytes` }))
      )
  }
}

/** An `HttpClient` that the engine answers, whatever the request's origin, on the `Clock`'s time. */
export const makeClient = (simulator: Engine.Simulator): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const at = yield* Clock.currentTimeMillis
      const { reply, seq } = simulator.handle({ method: request.method, url, headers: request.headers }, at)
      const settle = (outcome: Engine.Outcome) => Effect.sync(() => simulator.settle(seq, outcome))
      const delay = reply._tag === "Drop" ? reply.delay : reply.timing.delay
      yield* Effect.onInterrupt(Effect.sleep(Duration.millis(delay)), () => settle("aborted"))
      if (reply._tag === "Drop") {
        yield* settle("dropped")
        return yield* new HttpClientError.HttpClientError({
          reason: new HttpClientError.TransportError({
            request,
            cause: new Error("socket hang up (the simulator dropped the connection)")
          })
        })
      }
      if (nullBodyStatuses.has(reply.status)) {
        yield* settle("complete")
        return HttpClientResponse.fromWeb(request, new Response(null, { status: reply.status, headers: reply.headers }))
      }
      // The body runs on this fiber's services (its Clock), and stops when the client aborts the request.
      const context = yield* Effect.context()
      const body = bodyStream(reply).pipe(
        Stream.onExit((exit) => settle(outcomeOf(exit))),
        Stream.toReadableStreamWith(context, { signal })
      )
      return HttpClientResponse.fromWeb(request, new Response(body, { status: reply.status, headers: reply.headers }))
    })
  )
