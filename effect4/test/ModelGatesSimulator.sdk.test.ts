/**
 * The SDK's own behaviours over `@modelgates/effect4/testing`'s in-memory
 * simulator, as a user's tests would run them: every fixture decodes as it
 * does from any transport, statuses and faults map to their errors, a 429
 * storm is retried after its Retry-After, waitForGeneration waits for
 * readiness, and getGenerations shares one pause and keeps under a rate
 * limit. Everything runs on the TestClock.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import { bodyFor, statusErrors } from "../../test/scenarios/statusErrors.js"
import { Generations, ModelGatesConfig, RetryPolicy } from "../src/index.js"
import { ModelGatesSimulator } from "../src/testing/index.js"
import { fixture, fixtureNames, json, replies, testConfig } from "./utils/MockHttp.js"
import { flushMicrotasks, withTime } from "./utils/SimulatedTime.js"

/** The simulator in memory, and the SDK set up for it: the default key, no retries unless asked. */
const testLayer = (options: ModelGatesSimulator.Options = { seed: 11 }) =>
  Layer.merge(
    ModelGatesSimulator.layer(options),
    ModelGatesConfig.layer({
      apiKey: ModelGatesSimulator.defaultApiKey,
      retryPolicy: RetryPolicy.none,
      timeout: "5 seconds"
    })
  )

const simulator = ModelGatesSimulator.ModelGatesSimulator

/** An id the seeded store answers at once. */
const readyId = Effect.flatMap(simulator, (control) =>
  Effect.map(control.generations, (generations) => {
    const ready = generations.find((generation) => generation.label !== "fresh")
    if (ready === undefined) throw new Error("no ready generation in the seeded store")
    return ready.id
  }))

const log = Effect.flatMap(simulator, (control) => control.requests)

const asJson = (body: string) => ({ body, headers: { "content-type": "application/json" } })

describe("the SDK over ModelGatesSimulator.layer", () => {
  describe("fixtures", () => {
    const generationFixtures = fixtureNames().filter((name) => name.startsWith("generation."))
    const contentFixtures = fixtureNames().filter((name) => name.startsWith("content."))

    it.effect("decode every generation and content fixture as they decode from any other transport", () =>
      Effect.gen(function*() {
        expect(generationFixtures.length).toBeGreaterThan(2)
        expect(contentFixtures.length).toBeGreaterThan(2)
        const control = yield* simulator
        const id = yield* readyId
        for (const name of generationFixtures) {
          yield* control.script({ id }, ModelGatesSimulator.respond(200, asJson(fixture(name))))
          const simulated = yield* Generations.getGeneration({ id })
          const direct = yield* Generations.getGeneration({ id }).pipe(
            Effect.provide([replies(json(200, fixture(name))).layer, testConfig()])
          )
          expect(simulated, name).toEqual(direct)
          expect(simulated.data.id, name).toBe(JSON.parse(fixture(name)).data.id)
        }
        for (const name of contentFixtures) {
          yield* control.script({ id }, ModelGatesSimulator.respond(200, asJson(fixture(name))))
          const simulated = yield* Generations.listGenerationContent({ id })
          const direct = yield* Generations.listGenerationContent({ id }).pipe(
            Effect.provide([replies(json(200, fixture(name))).layer, testConfig()])
          )
          expect(simulated, name).toEqual(direct)
        }
      }).pipe(Effect.provide(testLayer())))

    it.effect("map every error fixture to its status's error, envelope fields read", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const id = yield* readyId
        const expected: ReadonlyArray<readonly [string, number, string]> = [
          ["error.401.json", 401, "UnauthorizedResponseError"],
          ["error.402.json", 402, "PaymentRequiredResponseError"],
          // Only stored content is forbidden to a key: getGeneration does not declare 403.
          ["error.403.json", 403, "ForbiddenResponseError"],
          ["error.404.json", 404, "NotFoundResponseError"],
          ["error.429.json", 429, "TooManyRequestsResponseError"],
          ["error.500.json", 500, "InternalServerResponseError"],
          ["error.502.json", 502, "BadGatewayResponseError"],
          ["error.529.json", 529, "ProviderOverloadedResponseError"]
        ]
        expect(fixtureNames().filter((name) => name.startsWith("error.") && name.endsWith(".json"))).toHaveLength(
          expected.length
        )
        for (const [name, status, tag] of expected) {
          yield* control.script({ id }, ModelGatesSimulator.respond(status, asJson(fixture(name))))
          const error = status === 403
            ? yield* Effect.flip(Generations.listGenerationContent({ id }))
            : yield* Effect.flip(Generations.getGeneration({ id }))
          assert(error._tag === tag, `${name}: ${error._tag}`)
          assert("status" in error && "code" in error)
          expect([error.status, error.code], name).toEqual([status, JSON.parse(fixture(name)).error.code])
        }
        yield* control.script({ id }, ModelGatesSimulator.respond(524, { body: fixture("error.524.html") }))
        const edge = yield* Effect.flip(Generations.getGeneration({ id }))
        assert(edge._tag === "EdgeNetworkTimeoutResponseError")
        expect(edge.body).toBe(fixture("error.524.html"))
      }).pipe(Effect.provide(testLayer())))
  })

  describe("statuses and faults", () => {
    it.effect("every status maps to its error, and the retryable ones are retried by the default policy", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const id = yield* readyId
        for (const [status, tag, , retryable] of statusErrors) {
          yield* control.clearRequests
          const body = bodyFor(status)
          yield* control.script(
            { id },
            ModelGatesSimulator.respond(status, body.startsWith("{") ? asJson(body) : { body })
          )
          const once = yield* Effect.flip(Generations.getGeneration({ id }))
          expect(once._tag, `${status}`).toBe(tag)
          yield* control.script({ id }, ModelGatesSimulator.errorResponse(status))
          const result = yield* withTime(
            Effect.result(Generations.getGeneration({ id }, { retryPolicy: RetryPolicy.defaultPolicy })),
            "100 millis"
          )
          expect(result._tag, `${status}`).toBe(retryable ? "Success" : "Failure")
          expect((yield* log).map((entry) => entry.status), `${status}`).toEqual(
            retryable ? [status, status, 200] : [status, status]
          )
        }
      }).pipe(Effect.provide(testLayer())))

    it.effect("a dropped connection and a cut-off body are ConnectionErrors; a late answer a timeout", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const id = yield* readyId
        yield* control.script(
          { id },
          ModelGatesSimulator.drop({ delay: "200 millis" }),
          ModelGatesSimulator.deliver({ truncateAfter: 100 }),
          ModelGatesSimulator.deliver({ delay: "1 minute" })
        )
        const dropped = yield* withTime(Effect.flip(Generations.getGeneration({ id })), "50 millis")
        assert(dropped._tag === "ConnectionError")
        expect(dropped.reason).toBe("Transport")
        const truncated = yield* withTime(Effect.flip(Generations.getGeneration({ id })), "50 millis")
        assert(truncated._tag === "ConnectionError")
        expect(truncated.reason).toBe("Decode")
        const late = yield* withTime(
          Effect.flip(Generations.getGeneration({ id }, { timeout: "2 seconds" })),
          "1 second"
        )
        expect(late._tag).toBe("RequestTimeoutError")
        yield* flushMicrotasks
        expect((yield* log).map((entry) => entry.outcome)).toEqual(["dropped", "truncated", "aborted"])
      }).pipe(Effect.provide(testLayer())))
  })

  describe("a 429 storm", () => {
    it.effect("is retried by the default policy only after each Retry-After has passed", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const id = yield* readyId
        yield* TestClock.adjust("1 minute")
        yield* control.storm({ retryAfter: "3 seconds", requests: 3 })
        const found = yield* withTime(
          Generations.getGeneration({ id }, { retryPolicy: RetryPolicy.defaultPolicy }),
          "100 millis"
        )
        expect(found.data.id).toBe(id)
        const entries = yield* log
        expect(entries.map((entry) => entry.status)).toEqual([429, 429, 429, 200])
        for (let i = 1; i < entries.length; i++) {
          expect(entries[i].at - entries[i - 1].at).toBeGreaterThanOrEqual(3000)
        }
      }).pipe(Effect.provide(testLayer())))

    it.effect("fails with its Retry-After when the policy does not retry", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        yield* control.storm({ retryAfter: "2500 millis", requests: 1 })
        const error = yield* Effect.flip(Generations.getGeneration({ id: yield* readyId }))
        assert(error._tag === "TooManyRequestsResponseError")
        expect(error.retryAfter).toEqual(Option.some(Duration.millis(2500)))
        expect(error.headers["retry-after"]).toBe("3")
      }).pipe(Effect.provide(testLayer())))
  })

  describe("waitForGeneration", () => {
    it.effect("polls a generation added during the run until it is ready, and no longer", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        yield* TestClock.adjust("10 seconds")
        const added = yield* control.add({ readyAfter: "4 seconds" })
        const found = yield* withTime(Generations.waitForGeneration({ id: added.id }), "100 millis")
        expect(found.data).toEqual(added.data)
        const entries = yield* log
        expect(entries.length).toBeGreaterThan(2)
        for (const entry of entries.slice(0, -1)) {
          expect(entry.status).toBe(404)
          expect(entry.at).toBeLessThan(added.readyAt)
        }
        const last = entries[entries.length - 1]
        expect(last.status).toBe(200)
        expect(last.at).toBeGreaterThanOrEqual(added.readyAt)
        // The default poll waits at most 2 s between looks.
        expect(last.at - added.readyAt).toBeLessThanOrEqual(2000)
      }).pipe(Effect.provide(testLayer())))

    it.effect("gives up at maxWait with GenerationNotReadyError", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const added = yield* control.add({ readyAfter: "1 minute" })
        const start = yield* Clock.currentTimeMillis
        const error = yield* withTime(
          Effect.flip(Generations.waitForGeneration({ id: added.id }, { maxWait: "5 seconds" })),
          "100 millis"
        )
        assert(error._tag === "GenerationNotReadyError")
        expect(error.id).toBe(added.id)
        expect(error.attempts).toBe((yield* log).length)
        expect(Duration.toMillis(error.elapsed)).toBe(5000)
        expect((yield* log).every((entry) => entry.status === 404 && entry.at - start <= 5000)).toBe(true)
      }).pipe(Effect.provide(testLayer())))
  })

  describe("getGenerations", () => {
    it.effect("finds every stored generation and fails only the unknown id, in order", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const stored = (yield* control.generations).filter((generation) => generation.label !== "fresh")
        const ids = [...stored.map((generation) => generation.id), "gen-0000000000-unknown"]
        const lookups = yield* Stream.runCollect(Generations.getGenerations(ids, { concurrency: 4 }))
        expect(lookups.map((lookup) => lookup.id)).toEqual(ids)
        for (const [i, generation] of stored.entries()) {
          const lookup = lookups[i]
          assert(Generations.isFound(lookup))
          expect(lookup.generation).toEqual(generation.data)
        }
        const last = lookups[lookups.length - 1]
        assert(Generations.isFailed(last))
        expect(last.error._tag).toBe("NotFoundResponseError")
      }).pipe(Effect.provide(testLayer())))

    it.effect("pauses every lookup during a storm's Retry-After, then finds them all", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const ids = (yield* control.generations).filter((generation) => generation.label !== "fresh").map((
          generation
        ) => generation.id)
        yield* control.storm({ retryAfter: "2 seconds", requests: 3 })
        const lookups = yield* withTime(
          Stream.runCollect(
            Generations.getGenerations(ids, { concurrency: 4, retryPolicy: RetryPolicy.defaultPolicy })
          ),
          "100 millis"
        )
        expect(lookups.every(Generations.isFound)).toBe(true)
        const entries = yield* log
        const lastLimited = Math.max(...entries.filter((entry) => entry.status === 429).map((entry) => entry.at))
        expect(entries.filter((entry) => entry.status === 200)).toHaveLength(ids.length)
        expect(entries.filter((entry) => entry.at > lastLimited).length).toBeGreaterThan(0)
        // Nothing was sent while the shared pause ran.
        for (const entry of entries) {
          expect(entry.at <= lastLimited || entry.at >= lastLimited + 2000, `${entry.seq} at ${entry.at}`).toBe(true)
        }
      }).pipe(Effect.provide(testLayer())))

    it.effect("keeps under the simulator's rate limit with requestsPerSecond", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const ids = (yield* control.ids).slice(0, 10)
        const lookups = yield* withTime(
          Stream.runCollect(Generations.getGenerations(ids, { concurrency: 8, requestsPerSecond: 4 })),
          "50 millis"
        )
        expect(lookups.filter(Generations.isFound)).toHaveLength(ids.length)
        expect((yield* log).some((entry) => entry.status === 429)).toBe(false)
      }).pipe(Effect.provide(testLayer({ seed: 11, rateLimit: { requests: 4, window: "1 second" } }))))
  })
})
