/**
 * getGenerations over real HTTP on 127.0.0.1, with both platform clients:
 * 10,000 ids at concurrency 32 under a rate limit, a 429 storm in the middle,
 * a slice of unknown ids and a slice that becomes ready during the run. Every
 * id gets exactly one element, and the simulator's request log accounts for
 * every request.
 */
import { FetchHttpClient } from "@effect/platform"
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, expect, it } from "@effect/vitest"
import { Generations, ModelGatesConfig } from "@modelgates/effect"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as ModelGatesSimulatorServer from "@modelgates/effect/testing/ModelGatesSimulatorServer"
import { Chunk, Effect, Fiber, Layer, Schedule, Stream } from "effect"

const clients: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici]
]

const stormSize = 64
const retryAfterMillis = 2000

describe.each(clients)("getGenerations over loopback with %s", (_, clientLayer) => {
  it.scopedLive(
    "10,000 ids: each exactly once, a storm paused every worker, the log accounts for every request",
    () =>
      Effect.gen(function*() {
        const server = yield* ModelGatesSimulatorServer.serve({ seed: 3, generations: 9_759, readyAfter: 0 })
        const { simulator } = server
        const known = yield* simulator.ids
        const late: Array<string> = []
        for (let i = 0; i < 200; i++) {
          late.push((yield* simulator.add({ id: `gen-late-${i}`, readyAfter: "800 millis" })).id)
        }
        const unknown = Array.from({ length: 10_000 - known.length - late.length }, (_, i) => `gen-unknown-${i}`)
        // Interleave the three kinds, and repeat some ids: each must still come back once.
        const distinct = [...known, ...late, ...unknown].sort((a, b) => hash(a) - hash(b))
        expect(distinct).toHaveLength(10_000)
        const input = [...distinct.slice(0, 5_000), ...distinct.slice(0, 50), ...distinct.slice(5_000)]

        // Halfway through, the API answers a burst of requests with 429 and Retry-After: 1.
        const storm = yield* Effect.fork(
          simulator.requests.pipe(
            Effect.repeat({ schedule: Schedule.spaced("20 millis"), until: (log) => log.length >= 3_000 }),
            Effect.zipRight(simulator.storm({ requests: stormSize, retryAfter: retryAfterMillis }))
          )
        )
        const config = ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey, baseUrl: server.url })
        const lookups = yield* Generations.getGenerations(input, {
          concurrency: 32,
          requestsPerSecond: 5_000,
          // Long enough for a known id caught in the storm; each unknown id waits it out.
          wait: { maxWait: "12 seconds", poll: Schedule.spaced("500 millis") }
        }).pipe(
          Stream.runCollect,
          Effect.map(Chunk.toReadonlyArray),
          Effect.provide(Layer.merge(clientLayer, config))
        )
        yield* Fiber.join(storm)

        // One element per distinct id, in input order.
        expect(lookups.map((lookup) => lookup.id)).toEqual(distinct.slice(0, 5_000).concat(distinct.slice(5_000)))
        const unknownSet = new Set(unknown)
        for (const lookup of lookups) {
          if (unknownSet.has(lookup.id)) {
            assert(Generations.isFailed(lookup), `${lookup.id} should have failed`)
            assert(lookup.error._tag === "GenerationNotReadyError")
          } else {
            assert(
              Generations.isFound(lookup),
              `${lookup.id} should have been found: ${Generations.isFailed(lookup) ? lookup.error.message : ""}`
            )
            expect(lookup.generation.id).toBe(lookup.id)
          }
        }

        // The log accounts for every request: one 200 per found id, the 404s of
        // the unknown ids are their lookups, and the storm's 429s.
        const log = yield* simulator.requests
        const byId = new Map<string, Array<number | null>>()
        for (const entry of log) {
          const id = entry.query["id"] ?? ""
          byId.set(id, [...(byId.get(id) ?? []), entry.status])
        }
        for (const lookup of lookups) {
          const statuses = (byId.get(lookup.id) ?? []).filter((status) => status !== 429)
          if (Generations.isFound(lookup)) {
            expect(statuses.filter((status) => status === 200)).toHaveLength(1)
            expect(statuses.every((status) => status === 200 || status === 404)).toBe(true)
          } else {
            assert(lookup.error._tag === "GenerationNotReadyError")
            // Every lookup it counted got a 404, but the last one may have been
            // cut by the budget before it was sent or answered.
            const answered = statuses.filter((status) => status === 404).length
            expect(answered).toBeGreaterThanOrEqual(lookup.error.attempts - 1)
            expect(answered).toBeLessThanOrEqual(lookup.error.attempts)
            expect(statuses.length - answered).toBeLessThanOrEqual(1)
          }
        }
        const tooMany = log.filter((entry) => entry.status === 429)
        expect(tooMany).toHaveLength(stormSize)
        // Only a lookup cut by its budget may leave a request unanswered.
        const unanswered = log.filter((entry) => entry.outcome !== "complete")
        expect(unanswered.filter((entry) => !unknownSet.has(entry.query["id"] ?? ""))).toEqual([])
        const answered = log.filter((entry) => entry.outcome === "complete")
        expect(answered.every((entry) => entry.status === 200 || entry.status === 404 || entry.status === 429)).toBe(
          true
        )

        // After each 429, nothing new arrived while the stream was paused. Only
        // requests already on their way when the 429 was answered may land just
        // after it: the margin is generous for a loaded machine.
        const margin = 500
        for (const entry of tooMany) {
          const during = log.filter((other) =>
            other.at > entry.at + margin && other.at < entry.at + retryAfterMillis - 50
          )
          expect(
            during.map((other) =>
              `${other.seq} ${other.query["id"]} ${other.status} +${other.at - entry.at}ms after ${entry.seq}`
            )
          ).toEqual([])
        }
      }),
    { timeout: 300_000 }
  )
})

/** A stable shuffle key. */
const hash = (text: string): number => {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return h >>> 0
}
