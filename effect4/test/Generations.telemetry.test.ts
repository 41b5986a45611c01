import { assert, describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import { Generations, RetryPolicy } from "../src/index.js"
import { fixture, json, replies, testConfig, testKey } from "./utils/MockHttp.js"
import { makeRecordingTracer, parentName } from "./utils/RecordingTracer.js"
import { runWithTestClock } from "./utils/TestTime.js"

const id = "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs"

/** The snapshots of one metric whose attributes include `attributes`. */
const snapshotsOf = (name: string, attributes: Record<string, string>) =>
  Effect.map(Metric.snapshot, (snapshots) =>
    snapshots.filter((snapshot) =>
      snapshot.id === name &&
      Object.entries(attributes).every(([key, value]) => snapshot.attributes?.[key] === value)
    ))

describe("telemetry", () => {
  it.effect("a successful getGeneration: one client span, the caller's child, saying what the generation was", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const http = replies(json(200, fixture("generation.full.json")))
      const response = yield* Generations.getGeneration({ id }).pipe(
        Effect.withSpan("caller"),
        Effect.provide([http.layer, testConfig()]),
        Effect.withTracer(tracer)
      )
      const span = spans.find((span) => span.name === "Generations.getGeneration")
      assert(span !== undefined)
      expect(span.kind).toBe("client")
      expect(span.status._tag).toBe("Ended")
      expect(parentName(span)).toBe("caller")
      expect(span.attributes.get("modelgates.generation.id")).toBe(id)
      expect(span.attributes.get("modelgates.generation.model")).toBe(response.data.model)
      expect(span.attributes.get("modelgates.generation.total_cost")).toBe(response.data.totalCost)
      expect(span.attributes.get("http.response.status_code")).toBe(200)
      expect(span.attributes.get("modelgates.attempts")).toBe(1)
    }))

  it.effect("after a call, the caller's next span is still the caller's child, timeout on or off", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const http = replies(json(200, fixture("generation.full.json")))
      for (const timeout of [Duration.seconds(30), Duration.infinity]) {
        yield* Effect.gen(function*() {
          yield* Generations.getGeneration({ id }, { timeout })
          yield* Effect.void.pipe(Effect.withSpan("next step"))
        }).pipe(Effect.withSpan("caller"), Effect.provide([http.layer, testConfig()]), Effect.withTracer(tracer))
      }
      const next = spans.filter((span) => span.name === "next step")
      expect(next.map(parentName)).toEqual(["caller", "caller"])
    }))

  it.effect("a failed call's span carries the error's tag and the last status, and is ended", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const http = replies(json(404, fixture("error.404.json")))
      yield* Generations.getGeneration({ id }).pipe(
        Effect.flip,
        Effect.provide([http.layer, testConfig()]),
        Effect.withTracer(tracer)
      )
      const [span] = spans.filter((span) => span.name === "Generations.getGeneration")
      expect(span.status._tag).toBe("Ended")
      expect(span.attributes.get("modelgates.error.tag")).toBe("NotFoundResponseError")
      expect(span.attributes.get("http.response.status_code")).toBe(404)
    }))

  it.effect("a span ends even when transformClient throws; the key is in no span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
      const http = replies(json(200, fixture("generation.full.json")))
      const exit = yield* Generations.getGeneration({ id }).pipe(
        Effect.exit,
        Effect.provide([
          http.layer,
          testConfig({
            transformClient: () => {
              throw new Error("a broken middleware")
            }
          })
        ]),
        Effect.withTracer(tracer)
      )
      expect(exit._tag).toBe("Failure")
      for (const span of spans) {
        expect(span.status._tag).toBe("Ended")
        expect(JSON.stringify([...span.attributes])).not.toContain(testKey)
      }
    }))

  it.effect("counts requests by outcome, retries, and each call's duration, with the caller's own attributes", () =>
    Effect.gen(function*() {
      const http = replies(json(500, fixture("error.500.json")), json(200, fixture("generation.full.json")))
      yield* runWithTestClock(
        Generations.getGeneration({ id }).pipe(
          Effect.provide([http.layer, testConfig({ retryPolicy: RetryPolicy.backoff({ jitter: false }) })])
        )
      ).pipe(Effect.provideService(Metric.CurrentMetricAttributes, { team: "billing" }))
      const operation = { operation: "Generations.getGeneration", team: "billing" }
      const requests = yield* snapshotsOf("modelgates.client.requests", { ...operation, outcome: "ok" })
      expect(requests.map((snapshot) => snapshot.state)).toEqual([{ count: 1, incremental: true }])
      const retries = yield* snapshotsOf("modelgates.client.retries", operation)
      expect(retries.map((snapshot) => snapshot.state)).toEqual([{ count: 1, incremental: true }])
      const duration = yield* snapshotsOf("modelgates.client.duration", operation)
      expect(duration).toHaveLength(1)
      const refused = yield* Generations.getGeneration({ id: "" }).pipe(
        Effect.flip,
        Effect.provide([http.layer, testConfig()])
      )
      expect(refused._tag).toBe("InvalidRequestError")
      const invalid = yield* snapshotsOf("modelgates.client.requests", { outcome: "InvalidRequestError" })
      expect(invalid).toHaveLength(1)
    }))

  it.effect("transformClient applies to the SDK's calls, once per client", () =>
    Effect.gen(function*() {
      let built = 0
      const http = replies(json(200, fixture("generation.full.json")))
      const layer = Layer.mergeAll(
        http.layer,
        testConfig({
          transformClient: (client: HttpClient.HttpClient) => {
            built++
            return HttpClient.mapRequest(client, HttpClientRequest.setHeader("x-team", "billing"))
          }
        })
      )
      yield* Effect.provide(Effect.all([Generations.getGeneration({ id }), Generations.getGeneration({ id })]), layer)
      expect(http.sent.map((request) => request.headers["x-team"])).toEqual(["billing", "billing"])
      expect(built).toBe(1)
    }))
})
