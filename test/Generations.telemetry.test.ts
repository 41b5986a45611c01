/**
 * What a call records (span attributes, metrics), the SDK's own middleware
 * (`transformClient`), and the timeout under the live clock.
 */
import { HttpClient, HttpClientRequest, HttpClientResponse } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import {
  Cause,
  Deferred,
  Duration,
  Effect,
  Exit,
  Fiber,
  FiberRef,
  Layer,
  Metric,
  MetricState,
  Option,
  Schedule,
  Supervisor,
  Tracer
} from "effect"
import * as util from "node:util"
import { Generations, ModelGatesConfig, RetryPolicy } from "../src/index.js"
import { always, fixture, fixtureJson, layerWith, respond, secretKey, sequence } from "./utils/MockHttp.js"
import { makeRecordingTracer } from "./utils/RecordingTracer.js"

const full = respond(200, fixture("generation.full.json"))
const overloaded = respond(529, fixture("error.529.json"))
const twice: RetryPolicy.RetryPolicy = Schedule.recurs(2).pipe(RetryPolicy.whileRetryable)

/** The value of one metric with exactly these tags, from a snapshot of the registry. */
const metricValue = (name: string, tags: Record<string, string>) =>
  Effect.map(Metric.snapshot, (pairs) => {
    const pair = pairs.find((pair) =>
      pair.metricKey.name === name &&
      pair.metricKey.tags.length === Object.keys(tags).length &&
      pair.metricKey.tags.every((label) => tags[label.key] === label.value)
    )
    return pair?.metricState
  })

const counterValue = (name: string, tags: Record<string, string>) =>
  Effect.map(metricValue(name, tags), (state) => {
    if (state === undefined) return 0
    assert(MetricState.isCounterState(state))
    return Number(state.count)
  })

describe("telemetry", () => {
  it.effect("a successful getGeneration span says what happened and what the generation was", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const mock = yield* sequence(overloaded, full)
      yield* Generations.getGeneration({ id: "gen-otel" }, { retryPolicy: twice }).pipe(
        Effect.provide(layerWith(mock)),
        Effect.withTracer(tracer)
      )
      const span = spans.find((span) => span.name === "Generations.getGeneration")
      assert(span !== undefined)
      expect(Object.fromEntries(span.attributes)).toEqual({
        "modelgates.generation.id": "gen-otel",
        "modelgates.attempts": 2,
        "http.response.status_code": 200,
        "modelgates.generation.model": "anthropic/claude-sonnet-4.5",
        "modelgates.generation.provider": "Anthropic",
        "modelgates.generation.total_cost": 0.010734,
        "modelgates.generation.tokens_prompt": 1001,
        "modelgates.generation.tokens_completion": 498
      })
      // No GenAI usage attributes on a lookup: dashboards would count the tokens twice.
      expect([...span.attributes.keys()].filter((key) => key.startsWith("gen_ai."))).toEqual([])
    }))

  it.effect("the call's span is the caller's child and the parent of each attempt's HTTP span, timeout on or off", () =>
    Effect.gen(function*() {
      for (const timeout of [Duration.seconds(30), Duration.infinity]) {
        const { spans, tracer } = makeRecordingTracer()
        const mock = yield* sequence(overloaded, full)
        yield* Generations.getGeneration({ id: "gen-otel" }, { retryPolicy: twice, timeout }).pipe(
          Effect.withSpan("caller"),
          Effect.provide(layerWith(mock)),
          Effect.withTracer(tracer)
        )
        expect(spans.map(({ ended, name, parentName }) => ({ name, parentName, ended }))).toEqual([
          { name: "caller", parentName: undefined, ended: true },
          { name: "Generations.getGeneration", parentName: "caller", ended: true },
          { name: "http.client GET", parentName: "Generations.getGeneration", ended: true },
          { name: "http.client GET", parentName: "Generations.getGeneration", ended: true }
        ])
      }
    }))

  it.effect("a call records no stack of its own; made from the caller's Effect.fn, Cause.pretty shows where", () =>
    Effect.gen(function*() {
      const mock = yield* always(respond(404, fixture("error.404.json")))
      const direct = yield* Generations.getGeneration({ id: "gen-gone" }).pipe(
        Effect.provide(layerWith(mock)),
        Effect.exit
      )
      assert(Exit.isFailure(direct))
      const pretty = Cause.pretty(direct.cause)
      expect(pretty).toMatch(/at Generations\.getGeneration$/m)
      expect(pretty).not.toMatch(/at Generations\.getGeneration \(/)
      const lookUp = Effect.fn("lookUp")(function*(id: string) {
        return yield* Generations.getGeneration({ id })
      })
      const traced = yield* lookUp("gen-gone").pipe(Effect.provide(layerWith(mock)), Effect.exit)
      assert(Exit.isFailure(traced))
      expect(Cause.pretty(traced.cause)).toMatch(/at lookUp \(.*Generations\.telemetry\.test\.ts:\d+:\d+\)/)
    }))

  it.effect("a failed call's span carries the error's tag and the last status", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const mock = yield* always(respond(404, fixture("error.404.json")))
      yield* Generations.listGenerationContent({ id: "gen-gone" }).pipe(
        Effect.provide(layerWith(mock)),
        Effect.withTracer(tracer),
        Effect.flip
      )
      const span = spans.find((span) => span.name === "Generations.listGenerationContent")
      assert(span !== undefined)
      expect(Object.fromEntries(span.attributes)).toEqual({
        "modelgates.generation.id": "gen-gone",
        "modelgates.attempts": 1,
        "http.response.status_code": 404,
        "modelgates.error.tag": "NotFoundResponseError"
      })
    }))

  it.effect("a tracer that throws while a call is recorded leaves the caller's own span as the parent", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      // an exporter bug: the operation's span throws when it ends
      const throwing = Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          const span = tracer.span(name, parent, context, links, startTime, kind, options)
          if (name !== "Generations.getGeneration") return span
          return {
            ...span,
            end: () => {
              throw new Error("exporter bug")
            }
          }
        },
        context: tracer.context
      })
      const mock = yield* always(full)
      yield* Effect.gen(function*() {
        const exit = yield* Effect.exit(Generations.getGeneration({ id: "gen-1" }))
        assert(Exit.isFailure(exit))
        expect(Cause.isDie(exit.cause)).toBe(true)
        yield* Effect.void.pipe(Effect.withSpan("next step"))
      }).pipe(Effect.withSpan("caller"), Effect.withTracer(throwing), Effect.provide(layerWith(mock)))
      expect(spans.find((span) => span.name === "next step")?.parentName).toBe("caller")
    }))

  it.effect("after a call, the caller's next span is still the caller's child, timeout on or off", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const mock = yield* always(full)
      for (const timeout of [Duration.seconds(30), Duration.infinity]) {
        yield* Effect.gen(function*() {
          yield* Generations.getGeneration({ id: "gen-1" }, { timeout })
          yield* Effect.void.pipe(Effect.withSpan("next step"))
        }).pipe(Effect.withSpan("caller"), Effect.withTracer(tracer), Effect.provide(layerWith(mock)))
      }
      const next = spans.filter((span) => span.name === "next step")
      expect(next.map((span) => span.parentName)).toEqual(["caller", "caller"])
    }))

  it.effect("null fields of the generation are left off the span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const body = fixtureJson("generation.full.json")
      const data = { ...(body.data as object), provider_name: null, tokens_prompt: null, tokens_completion: null }
      const mock = yield* always(respond(200, { ...body, data }))
      yield* Generations.getGeneration({ id: "gen-nulls" }).pipe(
        Effect.provide(layerWith(mock)),
        Effect.withTracer(tracer)
      )
      const span = spans.find((span) => span.name === "Generations.getGeneration")
      assert(span !== undefined)
      expect(span.attributes.has("modelgates.generation.provider")).toBe(false)
      expect(span.attributes.has("modelgates.generation.tokens_prompt")).toBe(false)
      expect(span.attributes.has("modelgates.generation.tokens_completion")).toBe(false)
      expect(span.attributes.has("modelgates.generation.model")).toBe(true)
    }))

  it.effect("counts requests by outcome, retries, and records each call's duration", () =>
    Effect.gen(function*() {
      const operation = "Generations.getGeneration"
      const before = {
        ok: yield* counterValue("modelgates.client.requests", { operation, outcome: "ok" }),
        notFound: yield* counterValue("modelgates.client.requests", { operation, outcome: "NotFoundResponseError" }),
        retries: yield* counterValue("modelgates.client.retries", { operation })
      }
      const retried = yield* sequence(overloaded, overloaded, full)
      yield* Generations.getGeneration({ id: "gen-1" }, { retryPolicy: twice }).pipe(Effect.provide(layerWith(retried)))
      const missing = yield* always(respond(404, fixture("error.404.json")))
      yield* Generations.getGeneration({ id: "gen-2" }).pipe(Effect.provide(layerWith(missing)), Effect.flip)
      expect(yield* counterValue("modelgates.client.requests", { operation, outcome: "ok" })).toBe(before.ok + 1)
      expect(yield* counterValue("modelgates.client.requests", { operation, outcome: "NotFoundResponseError" })).toBe(
        before.notFound + 1
      )
      expect(yield* counterValue("modelgates.client.retries", { operation })).toBe(before.retries + 2)
      const duration = yield* metricValue("modelgates.client.duration", { operation })
      assert(duration !== undefined && MetricState.isHistogramState(duration))
      expect(duration.count).toBeGreaterThanOrEqual(2)
    }))

  it.effect("an input refused before any I/O is counted under its tag", () =>
    Effect.gen(function*() {
      const tags = { operation: "Generations.getGeneration", outcome: "InvalidRequestError" }
      const before = yield* counterValue("modelgates.client.requests", tags)
      const mock = yield* always(full)
      yield* Generations.getGeneration({ id: "" }).pipe(Effect.provide(layerWith(mock)), Effect.flip)
      expect(yield* counterValue("modelgates.client.requests", tags)).toBe(before + 1)
    }))

  it.effect("the call's span is a client span, ended whatever happens, a throwing transformClient included", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const mock = yield* always(full)
      yield* Generations.getGeneration({ id: "gen-1" }).pipe(Effect.provide(layerWith(mock)), Effect.withTracer(tracer))
      const throwing = ModelGatesConfig.layer({
        apiKey: secretKey,
        transformClient: () => {
          throw new Error("a bug in the caller's middleware")
        }
      })
      const exit = yield* Generations.getGeneration({ id: "gen-2" }).pipe(
        Effect.provide(Layer.merge(mock.layer, throwing)),
        Effect.withTracer(tracer),
        Effect.exit
      )
      assert(Exit.isFailure(exit) && Cause.isDie(exit.cause))
      const calls = spans.filter((span) => span.name === "Generations.getGeneration")
      expect(calls.map(({ ended, kind }) => ({ ended, kind }))).toEqual([
        { ended: true, kind: "client" },
        { ended: true, kind: "client" }
      ])
    }))

  it.effect("metrics carry the caller's own tags", () =>
    Effect.gen(function*() {
      const operation = "Generations.getGeneration"
      const tags = { operation, outcome: "ok", tenant: "acme" }
      const before = yield* counterValue("modelgates.client.requests", tags)
      const mock = yield* always(full)
      yield* Generations.getGeneration({ id: "gen-1" }).pipe(
        Effect.provide(layerWith(mock)),
        Effect.tagMetrics("tenant", "acme")
      )
      expect(yield* counterValue("modelgates.client.requests", tags)).toBe(before + 1)
      const duration = yield* metricValue("modelgates.client.duration", { operation, tenant: "acme" })
      assert(duration !== undefined && MetricState.isHistogramState(duration))
    }))

  it.effect("never the key: in no span, attribute or metric", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const mock = yield* sequence(overloaded, respond(401, fixture("error.401.json")))
      yield* Generations.getGeneration({ id: "gen-1" }, { retryPolicy: twice }).pipe(
        Effect.provide(layerWith(mock)),
        Effect.withTracer(tracer),
        Effect.flip
      )
      expect(util.inspect(spans, { depth: 10 })).not.toContain(secretKey)
      expect(util.inspect(yield* Metric.snapshot, { depth: 10 })).not.toContain(secretKey)
    }))
})

describe("transformClient", () => {
  it.effect("applies to the SDK's calls, and is built once per client", () =>
    Effect.gen(function*() {
      const mock = yield* always(full)
      let built = 0
      const seen: Array<string> = []
      const config = ModelGatesConfig.layer({
        apiKey: secretKey,
        transformClient: (client) => {
          built++
          return client.pipe(
            HttpClient.mapRequest(HttpClientRequest.setHeader("X-Team", "billing")),
            HttpClient.tapRequest((request) => Effect.sync(() => seen.push(request.url)))
          )
        }
      })
      const layer = Layer.merge(mock.layer, config)
      yield* Effect.all([
        Generations.getGeneration({ id: "gen-1" }),
        Generations.listGenerationContent({ id: "gen-2" }).pipe(Effect.ignore),
        Generations.getGeneration({ id: "gen-3" })
      ]).pipe(Effect.provide(layer))
      const requests = yield* mock.requests
      expect(requests.map((request) => request.headers["x-team"])).toEqual(["billing", "billing", "billing"])
      expect(seen).toEqual([
        "https://modelgates.ai/api/v1/generation",
        "https://modelgates.ai/api/v1/generation/content",
        "https://modelgates.ai/api/v1/generation"
      ])
      expect(built).toBe(1)
    }))

  it.effect("a status error from filterStatusOk is that status's error, retried by the same rules", () =>
    Effect.gen(function*() {
      const config = ModelGatesConfig.layer({
        apiKey: secretKey,
        retryPolicy: twice,
        transformClient: HttpClient.filterStatusOk
      })
      const missing = yield* always(respond(404, fixture("error.404.json")))
      const error = yield* Generations.getGeneration({ id: "gen-gone" }).pipe(
        Effect.provide(Layer.merge(missing.layer, config)),
        Effect.flip
      )
      expect(error._tag).toBe("NotFoundResponseError")
      assert(error._tag === "NotFoundResponseError")
      expect(error.message).toBe("Generations.getGeneration(\"gen-gone\"): 404 Generation not found")
      expect(yield* missing.requests).toHaveLength(1)
      const retried = yield* sequence(overloaded, full)
      const response = yield* Generations.getGeneration({ id: "gen-1" }).pipe(
        Effect.provide(Layer.merge(retried.layer, config))
      )
      expect(response.data.totalCost).toBe(0.010734)
      expect(yield* retried.requests).toHaveLength(2)
    }))

  it.effect("leaves the rest of the application's HttpClient alone", () =>
    Effect.gen(function*() {
      const mock = yield* always(full)
      const config = ModelGatesConfig.layer({
        apiKey: secretKey,
        transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("X-Team", "billing"))
      })
      yield* Effect.flatMap(HttpClient.HttpClient, (client) => client.get("https://example.test/other")).pipe(
        Effect.provide(Layer.merge(mock.layer, config)),
        Effect.scoped
      )
      const [request] = yield* mock.requests
      expect(request?.headers["x-team"]).toBeUndefined()
    }))

  it.effect("layerConfig takes it too", () =>
    Effect.gen(function*() {
      const mock = yield* always(full)
      const config = ModelGatesConfig.layerConfig({
        apiKey: secretKey,
        transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("X-Team", "search"))
      })
      yield* Generations.getGeneration({ id: "gen-1" }).pipe(Effect.provide(Layer.merge(mock.layer, config)))
      const [request] = yield* mock.requests
      expect(request?.headers["x-team"]).toBe("search")
    }))
})

describe("the timeout under the live clock", () => {
  // The config of the calls that must time out once, not be retried.
  const noRetries = ModelGatesConfig.layer({ apiKey: secretKey, retryPolicy: RetryPolicy.none })

  // A client that never answers, counting the requests it saw interrupted; `started` is done once one arrived.
  const hanging = Effect.map(Deferred.make<void>(), (started) => {
    const state = { interrupted: 0 }
    const client = HttpClient.make(() =>
      Effect.zipRight(Deferred.succeed(started, undefined), Effect.never).pipe(
        Effect.onInterrupt(() => Effect.sync(() => state.interrupted++))
      )
    )
    return { state, started, layer: Layer.succeed(HttpClient.HttpClient, client) }
  })

  // A client that answers with the whole generation after a delay.
  const answeringAfter = (delay: Duration.DurationInput) =>
    Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make((request) =>
        Effect.as(
          Effect.sleep(delay),
          HttpClientResponse.fromWeb(request, new Response(fixture("generation.full.json"), { status: 200 }))
        )
      )
    )

  it.live("fails with RequestTimeoutError and interrupts the attempt", () =>
    Effect.gen(function*() {
      const { layer, state } = yield* hanging
      const error = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: "30 millis" }).pipe(
        Effect.provide(Layer.merge(layer, noRetries)),
        Effect.flip
      )
      assert(error._tag === "RequestTimeoutError")
      expect(error.timeout).toEqual(Duration.millis(30))
      expect(error.url).toBe("https://modelgates.ai/api/v1/generation?id=gen-1")
      expect(error.message).toBe("Generations.getGeneration(\"gen-1\"): no complete response within 30ms")
      expect(state.interrupted).toBe(1)
    }))

  it.live("after a timeout the caller goes on as before: nothing of the timeout's interruption is left on it", () =>
    Effect.gen(function*() {
      const { layer, state } = yield* hanging
      for (let call = 1; call <= 2; call++) {
        const error = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: "20 millis" }).pipe(
          Effect.provide(Layer.merge(layer, noRetries)),
          Effect.flip
        )
        expect(error._tag).toBe("RequestTimeoutError")
        expect(state.interrupted).toBe(call)
        // an interruptible wait would end at once if the fiber still counted as interrupted
        yield* Effect.sleep("1 millis")
      }
    }))

  it.live("an attempt that ends after its time is up fails with the timeout, even when nothing could interrupt it", () =>
    Effect.gen(function*() {
      const error = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: "20 millis" }).pipe(
        Effect.provide(Layer.merge(answeringAfter("60 millis"), noRetries)),
        Effect.uninterruptible,
        Effect.flip
      )
      expect(error._tag).toBe("RequestTimeoutError")
    }))

  it.live("a caller's own forked fibers outlive a timed-out call", () =>
    Effect.gen(function*() {
      const { layer, state } = yield* hanging
      const child = yield* Effect.fork(Effect.never)
      const error = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: "20 millis" }).pipe(
        Effect.provide(Layer.merge(layer, noRetries)),
        Effect.flip
      )
      expect(error._tag).toBe("RequestTimeoutError")
      expect(state.interrupted).toBe(1)
      // Had the timeout reached the child, its exit would name another interruptor than this fiber.
      const exit = yield* Fiber.interrupt(child)
      assert(Exit.isFailure(exit))
      expect([...Cause.interruptors(exit.cause)]).toEqual([yield* Effect.fiberId])
    }))

  it.effect("an attempt behaves the same whether or not the caller has forked fibers", () =>
    Effect.gen(function*() {
      // A FiberRef the transport writes during the attempt: once the timeout took two paths, and the
      // write survived on one of them only.
      const written = FiberRef.unsafeMake(0)
      const client = HttpClient.make((request) =>
        Effect.as(
          FiberRef.update(written, (n) => n + 1),
          HttpClientResponse.fromWeb(request, new Response(fixture("generation.full.json"), { status: 200 }))
        )
      )
      const callWith = (options?: { readonly timeout: number }) =>
        Effect.zipRight(
          Generations.getGeneration({ id: "gen-1" }, options).pipe(
            Effect.provide(
              Layer.merge(Layer.succeed(HttpClient.HttpClient, client), ModelGatesConfig.layer({ apiKey: secretKey }))
            )
          ),
          FiberRef.get(written)
        )
      const call = callWith()
      const alone = yield* Effect.locally(call, written, 0)
      const child = yield* Effect.fork(Effect.never)
      const withChild = yield* Effect.locally(call, written, 0)
      yield* Fiber.interrupt(child)
      expect(withChild).toBe(alone)
      // and as when nothing bounds the attempt: a successful attempt's writes reach the caller, as a race keeps
      // its winner's
      expect(alone).toBe(1)
      expect(yield* Effect.locally(callWith({ timeout: Infinity }), written, 0)).toBe(1)
    }))

  it.live("interrupting the caller interrupts the attempt, and no timer is left behind", () =>
    Effect.gen(function*() {
      const { layer, started, state } = yield* hanging
      const supervisor = yield* Supervisor.track
      const fiber = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: "30 seconds" }).pipe(
        Effect.provide(Layer.merge(layer, noRetries)),
        Effect.supervised(supervisor),
        Effect.fork
      )
      yield* Deferred.await(started)
      // the fibers of the running call: the attempt and its 30-second timer
      const running = yield* supervisor.value
      expect(running.length).toBeGreaterThanOrEqual(2)
      yield* Fiber.interrupt(fiber)
      expect(state.interrupted).toBe(1)
      // Every one of them ends: none is left to wait the 30 seconds out.
      const ended = yield* Fiber.awaitAll(running).pipe(Effect.timeoutOption("5 seconds"))
      expect(Option.isSome(ended)).toBe(true)
      expect(yield* supervisor.value).toEqual([])
    }))

  it.live("a response within the timeout is returned as it is", () =>
    Effect.gen(function*() {
      const response = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: "5 seconds" }).pipe(
        Effect.provide(Layer.merge(answeringAfter("5 millis"), ModelGatesConfig.layer({ apiKey: secretKey })))
      )
      expect(response.data.totalCost).toBe(0.010734)
    }))
})
