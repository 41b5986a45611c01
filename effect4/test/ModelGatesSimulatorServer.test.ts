/**
 * `ModelGatesSimulatorServer.serve` over real HTTP on 127.0.0.1, for what the
 * bulk lookups need of it: the listing of its generations, a rate-limit
 * storm, arrival times in the request log, and readiness of generations
 * added during a run, with both platform clients.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import { Generations, ModelGatesConfig, RetryPolicy } from "../src/index.js"
import { ModelGatesSimulator } from "../src/testing/index.js"
import * as ModelGatesSimulatorServer from "../src/testing/ModelGatesSimulatorServer.js"

const clients = [
  { name: "FetchHttpClient", layer: FetchHttpClient.layer },
  { name: "NodeHttpClient.layerUndici", layer: NodeHttpClient.layerUndici }
] as const

/** The SDK against a server, with the default key and the given retry policy. */
const sdkFor = (
  server: ModelGatesSimulatorServer.Server,
  client: Layer.Layer<HttpClient.HttpClient>,
  retryPolicy: RetryPolicy.RetryPolicy = RetryPolicy.none
) =>
  Layer.merge(
    client,
    ModelGatesConfig.layer({
      apiKey: ModelGatesSimulator.defaultApiKey,
      baseUrl: server.url,
      retryPolicy,
      timeout: "10 seconds"
    })
  )

/** Honours Retry-After (up to 5 s), else waits 10 ms; 5 retries at most. */
const honouring = Schedule.spaced("10 millis").pipe(
  RetryPolicy.whileRetryable,
  RetryPolicy.honorRetryAfter({ max: "5 seconds" }),
  Schedule.upTo({ times: 5 })
)

describe("ModelGatesSimulatorServer", () => {
  for (const client of clients) {
    describe(client.name, () => {
      it.live("lists every generation at /__simulator/generations, without a key or a log entry", () =>
        Effect.gen(function*() {
          const server = yield* ModelGatesSimulatorServer.serve({ seed: 4, generations: 30 })
          const added = yield* server.simulator.add({ readyAfter: "1 hour" })
          const origin = new URL(server.url).origin
          const response = yield* HttpClient.get(`${origin}/__simulator/generations`)
          expect(response.status).toBe(200)
          expect(response.headers["content-type"]).toBe("application/json")
          const body = yield* response.json
          const ids = yield* server.simulator.ids
          expect(ids).toHaveLength(32)
          expect(body).toMatchObject({ data: ids.map((id) => ({ id })) })
          expect(body).toMatchObject({ data: { 31: { id: added.id, label: "added", ready: false } } })
          expect(yield* server.simulator.requests).toEqual([])
        }).pipe(Effect.provide(client.layer)))

      it.live("answers a storm's burst with 429 and Retry-After; arrivals show the wait was kept", () =>
        Effect.gen(function*() {
          const server = yield* ModelGatesSimulatorServer.serve({ readyAfter: 0 })
          const [first, second] = yield* server.simulator.ids
          yield* server.simulator.storm({ retryAfter: "300 millis", requests: 2 })
          const found = yield* Generations.getGeneration({ id: first }).pipe(
            Effect.provide(sdkFor(server, client.layer, honouring))
          )
          expect(found.data.id).toBe(first)
          yield* Generations.getGeneration({ id: second }).pipe(Effect.provide(sdkFor(server, client.layer)))
          const log = yield* server.simulator.requests
          expect(log.map((entry) => [entry.query.id, entry.status])).toEqual([
            [first, 429],
            [first, 429],
            [first, 200],
            [second, 200]
          ])
          // Nothing was sent before each Retry-After had passed.
          expect(log[1].at - log[0].at).toBeGreaterThanOrEqual(300)
          expect(log[2].at - log[1].at).toBeGreaterThanOrEqual(300)
        }).pipe(Effect.provide(client.layer)))

      it.live("makes a generation added during the run ready once its readyAfter has passed", () =>
        Effect.gen(function*() {
          const server = yield* ModelGatesSimulatorServer.serve({ readyAfter: "1 second" })
          const sdk = sdkFor(
            server,
            client.layer,
            Schedule.spaced("50 millis").pipe(Schedule.upTo({ times: 100 }))
          )
          // Past the readyAfter counted from the server's start.
          yield* Effect.sleep("1200 millis")
          const addedAt = yield* Clock.currentTimeMillis
          const added = yield* server.simulator.add()
          expect(added.readyAt).toBeGreaterThanOrEqual(addedAt + 1000)
          const found = yield* Generations.getGeneration({ id: added.id }).pipe(Effect.provide(sdk))
          expect(found.data.id).toBe(added.id)
          const log = yield* server.simulator.requests
          const notYet = log.filter((entry) => entry.status === 404)
          expect(notYet.length).toBeGreaterThan(0)
          for (const entry of notYet) expect(entry.at).toBeLessThan(added.readyAt)
          expect(log[log.length - 1]).toMatchObject({ status: 200 })
          expect(log[log.length - 1].at).toBeGreaterThanOrEqual(added.readyAt)
        }).pipe(Effect.provide(client.layer)))
    })
  }
})
