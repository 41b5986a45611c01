/**
 * `@modelgates/effect4/testing`'s in-memory simulator: the seeded store,
 * auth, rate limits, scripted faults, storms, the request log and the
 * listing, through the SDK's calls and raw `HttpClient` requests, all on the
 * TestClock; and its bodies against the published OpenAPI schemas.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import addFormatsModule from "ajv-formats"
import { Ajv2020 } from "ajv/dist/2020.js"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { TestClock } from "effect/testing"
import { Generations, ModelGatesConfig, Models, RetryPolicy } from "../src/index.js"
import { ModelGatesSimulator } from "../src/testing/index.js"
import { fixture } from "./utils/MockHttp.js"
import { flushMicrotasks, withTime } from "./utils/SimulatedTime.js"

const adminKey = ModelGatesSimulator.defaultApiKey
const memberKey = "sk-mg-simulator-member"

const simulatorOptions: ModelGatesSimulator.Options = {
  seed: 7,
  keys: [adminKey, { key: memberKey, admin: false, userId: "user_member" }]
}

const configLayer = (apiKey: string = adminKey) =>
  ModelGatesConfig.layer({ apiKey, retryPolicy: RetryPolicy.none, timeout: "5 seconds" })

/** The simulator in memory, the SDK configured for it with the admin key and no retries. */
const testLayer = (options: ModelGatesSimulator.Options = simulatorOptions) =>
  Layer.merge(ModelGatesSimulator.layer(options), configLayer())

const asMember = Effect.provide(configLayer(memberKey))

/** Retries every retryable error 100 ms apart, honouring Retry-After, `times` times at most. */
const retries = (times: number): RetryPolicy.RetryPolicy =>
  Schedule.spaced("100 millis").pipe(
    RetryPolicy.whileRetryable,
    RetryPolicy.honorRetryAfter({ max: "1 minute" }),
    Schedule.upTo({ times })
  )

const simulator = ModelGatesSimulator.ModelGatesSimulator

const pick = (label: string) =>
  Effect.flatMap(simulator, (simulator) =>
    Effect.flatMap(simulator.generations, (generations) => {
      const found = generations.find((generation) => generation.label === label)
      return found === undefined ? Effect.die(`no seeded ${label} generation`) : Effect.succeed(found)
    }))

const attempts = Effect.map(Effect.flatMap(simulator, (simulator) => simulator.requests), (log) => log.length)

describe("ModelGatesSimulator (in memory)", () => {
  describe("seeded store", () => {
    it.effect("is the same for the same seed and different for another", () =>
      Effect.gen(function*() {
        const idsOf = (seed: number) =>
          Effect.flatMap(simulator, (simulator) => simulator.generations).pipe(
            Effect.map((generations) => generations.map((generation) => generation.id)),
            Effect.provide(ModelGatesSimulator.layer({ seed }))
          )
        const first = yield* idsOf(7)
        expect(yield* idsOf(7)).toEqual(first)
        expect(yield* idsOf(8)).not.toEqual(first)
        expect(new Set(first).size).toBe(first.length)
      }))

    it.effect("covers every kind of generation the live service returns", () =>
      Effect.gen(function*() {
        const generations = yield* Effect.flatMap(simulator, (simulator) => simulator.generations)
        const labels = new Set(generations.map((generation) => generation.label))
        for (
          const label of [
            "fallback",
            "null-heavy",
            "prompt",
            "failed",
            "byok",
            "cancelled",
            "embedding",
            "regional",
            "web-search",
            "multimodal",
            "cached",
            "fresh"
          ]
        ) {
          expect(labels, label).toContain(label)
        }
        const models = new Set(generations.map((generation) => generation.data.model))
        expect(models.size).toBeGreaterThan(5)
        const fallback = yield* pick("fallback")
        expect(fallback.data.providerResponses?.map((attempt) => attempt.status)).toHaveLength(2)
        expect(fallback.data.providerResponses?.[1].status).toBe(200)
        expect((yield* pick("web-search")).data.providerResponses?.[0].status).toBeNull()
        const failed = yield* pick("failed")
        expect(failed.content?.error?.previousErrors).toHaveLength(1)
        expect(failed.content?.output.completion).toBeNull()
        expect((yield* pick("prompt")).content?.input).toBeInstanceOf(Models.GenerationContentPrompt)
        expect((yield* pick("fallback")).content?.input).toBeInstanceOf(Models.GenerationContentMessages)
        expect((yield* pick("null-heavy")).data.appId).toBeNull()
        expect((yield* pick("regional")).content).toBeNull()
      }).pipe(Effect.provide(testLayer())))

    it.effect("answers every seeded generation, through the SDK, as it is stored", () =>
      Effect.gen(function*() {
        const generations = yield* Effect.flatMap(simulator, (simulator) => simulator.generations)
        for (const generation of generations.filter((generation) => generation.label !== "fresh")) {
          const { data } = yield* Generations.getGeneration({ id: generation.id })
          expect(data).toEqual(generation.data)
          const content = yield* Effect.result(Generations.listGenerationContent({ id: generation.id }))
          if (generation.content === null) {
            assert(content._tag === "Failure")
            expect(content.failure._tag).toBe("NotFoundResponseError")
          } else {
            assert(content._tag === "Success")
            expect(content.success.data).toEqual(generation.content)
          }
        }
      }).pipe(Effect.provide(testLayer())))
  })

  describe("store", () => {
    it.effect("adds a generation that answers 404 until readyAfter has passed on the Clock", () =>
      Effect.gen(function*() {
        const added = yield* Effect.flatMap(simulator, (simulator) => simulator.add({ readyAfter: "3 seconds" }))
        const early = yield* Effect.flip(Generations.getGeneration({ id: added.id }))
        expect(early._tag).toBe("NotFoundResponseError")
        yield* TestClock.adjust("2999 millis")
        expect((yield* Effect.flip(Generations.getGeneration({ id: added.id })))._tag).toBe("NotFoundResponseError")
        yield* TestClock.adjust("1 millis")
        expect((yield* Generations.getGeneration({ id: added.id })).data.id).toBe(added.id)
      }).pipe(Effect.provide(testLayer())))

    it.effect("makes the seeded fresh generation ready after the configured readyAfter", () =>
      Effect.gen(function*() {
        const fresh = yield* pick("fresh")
        expect((yield* Effect.flip(Generations.getGeneration({ id: fresh.id })))._tag).toBe("NotFoundResponseError")
        yield* TestClock.adjust("500 millis")
        expect((yield* Generations.getGeneration({ id: fresh.id })).data.id).toBe(fresh.id)
      }).pipe(Effect.provide(testLayer({ ...simulatorOptions, readyAfter: "500 millis" }))))

    it.effect("takes overrides, content, and removal", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const added = yield* control.add({
          id: "gen-custom & id=1",
          readyAfter: 0,
          content: null,
          data: { model: "acme/test-model", totalCost: 0.5, providerName: null }
        })
        const { data } = yield* Generations.getGeneration({ id: "gen-custom & id=1" })
        expect([data.model, data.totalCost, data.providerName]).toEqual(["acme/test-model", 0.5, null])
        expect(data.id).toBe(added.id)
        expect((yield* Effect.flip(Generations.listGenerationContent({ id: added.id })))._tag).toBe(
          "NotFoundResponseError"
        )
        expect(yield* control.remove(added.id)).toBe(true)
        expect(yield* control.remove(added.id)).toBe(false)
        expect((yield* Effect.flip(Generations.getGeneration({ id: added.id })))._tag).toBe("NotFoundResponseError")
      }).pipe(Effect.provide(testLayer())))
  })

  describe("auth", () => {
    it.effect("answers 401 to an unknown key, and to none", () =>
      Effect.gen(function*() {
        const { id } = yield* pick("fallback")
        const wrong = yield* Effect.flip(
          Generations.getGeneration({ id }).pipe(Effect.provide(configLayer("sk-wrong")))
        )
        assert(wrong._tag === "UnauthorizedResponseError")
        expect(wrong.message).toBe(`Generations.getGeneration(${JSON.stringify(id)}): 401 Invalid API key`)
        const none = yield* Effect.flatMap(
          HttpClient.HttpClient,
          (client) => client.get(`https://modelgates.ai/api/v1/generation?id=${id}`)
        )
        expect(none.status).toBe(401)
      }).pipe(Effect.provide(testLayer())))

    it.effect("answers 403 on content to a key that is not an admin's, and metadata as usual", () =>
      Effect.gen(function*() {
        const { id } = yield* pick("fallback")
        expect((yield* Generations.getGeneration({ id }).pipe(asMember)).data.id).toBe(id)
        const error = yield* Effect.flip(Generations.listGenerationContent({ id }).pipe(asMember))
        assert(error._tag === "ForbiddenResponseError")
        expect(error.userId).toBe("user_member")
      }).pipe(Effect.provide(testLayer())))
  })

  describe("rate limit", () => {
    it.effect("answers 429 with Retry-After once the window is used up, per key", () =>
      Effect.gen(function*() {
        const { id } = yield* pick("prompt")
        yield* Generations.getGeneration({ id })
        yield* TestClock.adjust("4 seconds")
        yield* Generations.getGeneration({ id })
        const limited = yield* Effect.flip(Generations.getGeneration({ id }))
        assert(limited._tag === "TooManyRequestsResponseError")
        expect(limited.headers["retry-after"]).toBe("6")
        expect(limited.retryAfter).toEqual(Option.some(Duration.millis(6000)))
        // Another key has its own window.
        expect((yield* Generations.getGeneration({ id }).pipe(asMember)).data.id).toBe(id)
        yield* TestClock.adjust("6 seconds")
        expect((yield* Generations.getGeneration({ id })).data.id).toBe(id)
      }).pipe(Effect.provide(testLayer({ ...simulatorOptions, rateLimit: { requests: 2, window: "10 seconds" } }))))

    it.effect("lets a policy that honours Retry-After succeed after the wait", () =>
      Effect.gen(function*() {
        const { id } = yield* pick("prompt")
        yield* Generations.getGeneration({ id })
        const start = yield* Clock.currentTimeMillis
        const result = yield* withTime(Generations.getGeneration({ id }, { retryPolicy: retries(3) }), "250 millis")
        expect(result.data.id).toBe(id)
        expect((yield* Clock.currentTimeMillis) - start).toBeGreaterThanOrEqual(5000)
        expect(yield* attempts).toBe(3)
      }).pipe(Effect.provide(testLayer({ ...simulatorOptions, rateLimit: { requests: 1, window: "5 seconds" } }))))
  })

  describe("scripted faults", () => {
    it.effect("are consumed in order, per id before per path", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("fallback")
        const other = yield* pick("prompt")
        yield* control.script({ path: "/generation" }, ModelGatesSimulator.errorResponse(502))
        yield* control.script(
          { id },
          ModelGatesSimulator.errorResponse(500),
          ModelGatesSimulator.errorResponse(529)
        )
        const result = yield* withTime(Generations.getGeneration({ id }, { retryPolicy: retries(5) }), "100 millis")
        expect(result.data.id).toBe(id)
        const log = yield* control.requests
        expect(log.map((entry) => entry.status)).toEqual([500, 529, 502, 200])
        // The path's fault is used up; other ids are answered as usual.
        expect((yield* Generations.getGeneration({ id: other.id })).data.id).toBe(other.id)
      }).pipe(Effect.provide(testLayer())))

    it.effect("answer any status with the JSON envelope or the edge network's HTML page", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("byok")
        yield* control.script(
          { id },
          ModelGatesSimulator.errorResponse(402, { userId: "user_2x9" }),
          ModelGatesSimulator.edgePage(524),
          ModelGatesSimulator.respond(418, { body: "I'm a teapot", headers: { "X-Extra": "yes" } })
        )
        const paymentRequired = yield* Effect.flip(Generations.getGeneration({ id }, { retryPolicy: retries(3) }))
        assert(paymentRequired._tag === "PaymentRequiredResponseError")
        expect([paymentRequired.message, paymentRequired.userId]).toEqual([
          `Generations.getGeneration(${
            JSON.stringify(id)
          }): 402 Insufficient credits. Add more using https://modelgates.ai/credits`,
          "user_2x9"
        ])
        const edge = yield* Effect.flip(Generations.getGeneration({ id }))
        assert(edge._tag === "EdgeNetworkTimeoutResponseError")
        expect(edge.code).toBeNull()
        expect(edge.body).toContain("524: A timeout occurred")
        expect(edge.headers["content-type"]).toBe("text/html; charset=UTF-8")
        const teapot = yield* Effect.flip(Generations.getGeneration({ id }))
        assert(teapot._tag === "ModelGatesDefaultError")
        expect([teapot.status, teapot.body, teapot.headers["x-extra"]]).toEqual([418, "I'm a teapot", "yes"])
        expect(yield* attempts).toBe(3)
      }).pipe(Effect.provide(testLayer())))

    it.effect("delay the headers past the timeout", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("fallback")
        yield* control.script({ id }, ModelGatesSimulator.deliver({ delay: "10 seconds" }))
        const error = yield* withTime(
          Effect.flip(Generations.getGeneration({ id }, { timeout: "1 second" })),
          "100 millis"
        )
        expect(error._tag).toBe("RequestTimeoutError")
        expect((yield* control.requests).map((entry) => entry.outcome)).toEqual(["aborted"])
      }).pipe(Effect.provide(testLayer())))

    it.effect("pause the body, then finish it", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("fallback")
        yield* control.script({ id }, ModelGatesSimulator.deliver({ pause: { afterBytes: 30, duration: "2 seconds" } }))
        const start = yield* Clock.currentTimeMillis
        const result = yield* withTime(Generations.getGeneration({ id }), "250 millis")
        expect(result.data.id).toBe(id)
        expect((yield* Clock.currentTimeMillis) - start).toBeGreaterThanOrEqual(2000)
        expect((yield* control.requests).map((entry) => entry.outcome)).toEqual(["complete"])
      }).pipe(Effect.provide(testLayer())))

    it.effect("stall the body until the client gives up", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("fallback")
        yield* control.script({ id }, ModelGatesSimulator.deliver({ stallAfter: 30 }))
        const error = yield* withTime(
          Effect.flip(Generations.getGeneration({ id }, { timeout: "1 second" })),
          "100 millis"
        )
        expect(error._tag).toBe("RequestTimeoutError")
        yield* flushMicrotasks
        expect((yield* control.requests).map((entry) => [entry.status, entry.outcome])).toEqual([[200, "aborted"]])
      }).pipe(Effect.provide(testLayer())))

    it.effect("cut the body off, or drop the connection", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("fallback")
        yield* control.script({ id }, ModelGatesSimulator.deliver({ truncateAfter: 30 }), ModelGatesSimulator.drop())
        const truncated = yield* Effect.flip(Generations.getGeneration({ id }))
        expect(truncated._tag).toBe("ConnectionError")
        const dropped = yield* Effect.flip(Generations.getGeneration({ id }))
        expect(dropped._tag).toBe("ConnectionError")
        expect((yield* control.requests).map((entry) => [entry.status, entry.outcome])).toEqual([
          [200, "truncated"],
          [null, "dropped"]
        ])
      }).pipe(Effect.provide(testLayer())))

    it.effect("redirect (answered in memory, not followed)", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("fallback")
        yield* control.script({ id }, ModelGatesSimulator.redirect("https://elsewhere.example/api/v1/generation"))
        const error = yield* Effect.flip(Generations.getGeneration({ id }))
        assert(error._tag === "ModelGatesDefaultError")
        expect([error.status, error.headers["location"]]).toEqual([307, "https://elsewhere.example/api/v1/generation"])
      }).pipe(Effect.provide(testLayer())))

    it.effect("can answer with any model body, encoded to its wire shape", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const fallback = yield* pick("fallback")
        const other = yield* pick("prompt")
        yield* control.script(
          { id: fallback.id },
          ModelGatesSimulator.respond(200, { body: new Models.GenerationResponse({ data: other.data }) })
        )
        expect((yield* Generations.getGeneration({ id: fallback.id })).data).toEqual(other.data)
      }).pipe(Effect.provide(testLayer())))

    it.effect("stores and answers models given in the SDK's names: content, and a createdAt DateTime", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const failed = yield* pick("failed")
        const createdAt = DateTime.makeUnsafe("2025-11-20T10:15:30.250Z")
        const added = yield* control.add({ readyAfter: 0, content: failed.content, data: { createdAt } })
        expect(DateTime.toEpochMillis(added.data.createdAt)).toBe(DateTime.toEpochMillis(createdAt))
        expect((yield* Generations.getGeneration({ id: added.id })).data).toEqual(added.data)
        expect((yield* Generations.listGenerationContent({ id: added.id })).data).toEqual(failed.content)
        const prompt = yield* pick("prompt")
        assert(prompt.content !== null)
        yield* control.script(
          { path: "/generation/content" },
          ModelGatesSimulator.respond(200, { body: new Models.GenerationContentResponse({ data: prompt.content }) })
        )
        const answered = yield* Generations.listGenerationContent({ id: added.id })
        assert.instanceOf(answered.data.input, Models.GenerationContentPrompt)
        expect(answered.data).toEqual(prompt.content)
      }).pipe(Effect.provide(testLayer())))
  })

  describe("request log", () => {
    it.effect("records method, path, query and headers, with credentials redacted", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("fallback")
        yield* Generations.getGeneration({ id, appTitle: "Simulator tests" })
        const [entry] = yield* control.requests
        expect(entry).toMatchObject({
          seq: 0,
          at: 0,
          method: "GET",
          path: "/api/v1/generation",
          query: { id },
          status: 200,
          outcome: "complete"
        })
        expect(entry.headers["authorization"]).toBe("<redacted>")
        expect(entry.headers["x-openrouter-title"]).toBe("Simulator tests")
        expect(JSON.stringify(entry)).not.toContain(adminKey)
        yield* control.clearRequests
        expect(yield* control.requests).toEqual([])
      }).pipe(Effect.provide(testLayer())))

    it.effect("records arrival times on the Clock, so a test sees that nothing was sent during a wait", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const { id } = yield* pick("prompt")
        yield* TestClock.adjust("7 seconds")
        yield* control.storm({ retryAfter: "2 seconds", requests: 2 })
        yield* withTime(Generations.getGeneration({ id }, { retryPolicy: retries(3) }), "100 millis")
        const log = yield* control.requests
        expect(log.map((entry) => [entry.at, entry.status])).toEqual([[7000, 429], [9000, 429], [11000, 200]])
      }).pipe(Effect.provide(testLayer())))
  })

  describe("listing", () => {
    it.effect("gives the ids of the store in order, ready or not, the added ones last", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const ids = yield* control.ids
        expect(ids).toEqual((yield* control.generations).map((generation) => generation.id))
        // 12 past generations by default, and the one just finished.
        expect(ids).toHaveLength(13)
        const added = yield* control.add()
        expect(yield* control.ids).toEqual([...ids, added.id])
        yield* control.remove(ids[0])
        expect(yield* control.ids).toEqual([...ids.slice(1), added.id])
      }).pipe(Effect.provide(testLayer())))

    it.effect("answers GET /__simulator/generations with every generation as JSON, without a key or a log entry", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const client = yield* HttpClient.HttpClient
        const listed = Effect.flatMap(
          client.get("http://simulator.test/__simulator/generations"),
          (response) => Effect.map(response.json, (body) => ({ status: response.status, body }))
        )
        const fresh = yield* pick("fresh")
        const before = yield* listed
        expect(before.status).toBe(200)
        const stored = yield* control.generations
        expect(before.body).toEqual({
          data: stored.map((generation) => ({
            id: generation.id,
            label: generation.label,
            ready: generation.id !== fresh.id,
            ready_at: new Date(generation.readyAt).toISOString(),
            content_stored: generation.content !== null
          }))
        })
        yield* TestClock.adjust("2 seconds")
        const after = yield* listed
        expect(after.body).toMatchObject({ data: stored.map(() => ({ ready: true })) })
        const posted = yield* client.post("http://simulator.test/__simulator/generations")
        expect(posted.status).toBe(405)
        expect(yield* control.requests).toEqual([])
      }).pipe(Effect.provide(testLayer())))
  })

  describe("readiness during a run", () => {
    it.effect("counts a generation's readyAfter from when it was added", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        // Long after the simulator started: the default readyAfter (3 s here) has passed many times over.
        yield* TestClock.adjust("1 minute")
        const added = yield* control.add()
        expect(added.readyAt).toBe(63_000)
        const status = Effect.map(
          Effect.result(Generations.getGeneration({ id: added.id })),
          (result) => result._tag === "Success" ? 200 : result.failure._tag
        )
        expect(yield* status).toBe("NotFoundResponseError")
        yield* TestClock.adjust("2999 millis")
        expect(yield* status).toBe("NotFoundResponseError")
        yield* TestClock.adjust("1 millis")
        expect(yield* status).toBe(200)
      }).pipe(Effect.provide(testLayer({ ...simulatorOptions, readyAfter: "3 seconds" }))))
  })

  describe("storm", () => {
    const statuses = Effect.map(
      Effect.flatMap(simulator, (simulator) => simulator.requests),
      (log) => log.map((entry) => entry.status)
    )
    /** Looks up each id once, without retries, whatever it answers. */
    const lookUp = (ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => Effect.result(Generations.getGeneration({ id })), { discard: true })

    it.effect("answers a burst of requests, across all ids, with 429 and the Retry-After asked for", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const ids = yield* control.ids
        yield* control.storm({ retryAfter: "1500 millis", requests: 3 })
        const limited = yield* Effect.flip(Generations.getGeneration({ id: ids[0] }))
        assert(limited._tag === "TooManyRequestsResponseError")
        expect(limited.headers["retry-after"]).toBe("2")
        expect(limited.headers["retry-after-ms"]).toBe("1500")
        expect(limited.retryAfter).toEqual(Option.some(Duration.millis(1500)))
        yield* lookUp(ids.slice(1, 5))
        expect(yield* statuses).toEqual([429, 429, 429, 200, 200])
      }).pipe(Effect.provide(testLayer())))

    it.effect("answers a seeded share of requests: the same places every run, other places for another seed", () =>
      Effect.gen(function*() {
        const [id] = yield* Effect.flatMap(simulator, (simulator) => simulator.ids)
        const limitedPlaces = (seed: number) =>
          Effect.gen(function*() {
            const control = yield* simulator
            yield* control.storm({ share: 0.3, requests: 200, seed })
            yield* lookUp(Array.from({ length: 210 }, () => id))
            const log = yield* statuses
            yield* control.clearRequests
            expect(log.slice(200).every((status) => status === 200)).toBe(true)
            return log.flatMap((status, i) => status === 429 ? [i] : [])
          })
        const first = yield* limitedPlaces(5)
        expect(first.length).toBeGreaterThan(30)
        expect(first.length).toBeLessThan(90)
        expect(yield* limitedPlaces(5)).toEqual(first)
        expect(yield* limitedPlaces(6)).not.toEqual(first)
      }).pipe(Effect.provide(testLayer())))

    it.effect("ends after its duration on the Clock, or when calmed", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const [id] = yield* control.ids
        yield* control.storm({ duration: "10 seconds" })
        yield* lookUp([id])
        yield* TestClock.adjust("9999 millis")
        yield* lookUp([id])
        yield* TestClock.adjust("1 millis")
        yield* lookUp([id])
        yield* control.storm({})
        yield* lookUp([id, id])
        yield* control.calm
        yield* lookUp([id])
        expect(yield* statuses).toEqual([429, 429, 200, 429, 429, 200])
      }).pipe(Effect.provide(testLayer())))

    it.effect("gives way to a scripted fault, and leaves the simulator's own endpoint alone", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const [id] = yield* control.ids
        yield* control.storm({ requests: 2 })
        yield* control.script({ id }, ModelGatesSimulator.errorResponse(503))
        const listing = yield* HttpClient.get("http://simulator.test/__simulator/generations")
        expect(listing.status).toBe(200)
        yield* lookUp([id, id, id, id])
        // The scripted fault does not count in the storm.
        expect(yield* statuses).toEqual([503, 429, 429, 200])
      }).pipe(Effect.provide(testLayer())))

    it.effect("refuses options out of range, naming them", () =>
      Effect.gen(function*() {
        const control = yield* simulator
        const cases: ReadonlyArray<readonly [ModelGatesSimulator.StormOptions, string]> = [
          [{ share: 1.5 }, "share must be from 0 to 1, got 1.5"],
          [{ share: Number.NaN }, "share must be from 0 to 1, got NaN"],
          [{ requests: 0 }, "requests must be a whole number from 1, got 0"],
          [{ requests: 2.5 }, "requests must be a whole number from 1, got 2.5"],
          [{ retryAfter: "soon" as Duration.Input }, "cannot read retryAfter \"soon\" as a duration"]
        ]
        for (const [options, message] of cases) {
          const error = yield* Effect.flip(control.storm(options))
          expect(error._tag).toBe("IllegalArgumentError")
          expect(error.message).toBe(`ModelGatesSimulator.storm: ${message}`)
        }
        // Nothing refused started a storm.
        yield* lookUp([(yield* control.ids)[0]])
        expect(yield* statuses).toEqual([200])
      }).pipe(Effect.provide(testLayer())))
  })
})

// -----------------------------------------------------------------------------
// the published shape
// -----------------------------------------------------------------------------

const openApi = JSON.parse(fixture("generations.openapi.json"))
const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormatsModule.default(ajv)
// OpenAPI keywords that are not JSON Schema: `components` only holds the schemas, `example` documents.
ajv.addKeyword("example")
ajv.addKeyword("components")
ajv.addFormat("double", { type: "number", validate: (x: number) => Number.isFinite(x) })
ajv.addSchema({ $id: "https://modelgates.test/openapi.json", components: openApi.components })

const validatorOf = (name: string) => {
  const validate = ajv.getSchema(`https://modelgates.test/openapi.json#/components/schemas/${name}`)
  if (validate === undefined) throw new Error(`no schema ${name}`)
  return validate
}

const errorSchemas: Readonly<Record<number, string>> = {
  401: "UnauthorizedResponse",
  402: "PaymentRequiredResponse",
  403: "ForbiddenResponse",
  404: "NotFoundResponse",
  429: "TooManyRequestsResponse",
  500: "InternalServerResponse",
  502: "BadGatewayResponse",
  524: "EdgeNetworkTimeoutResponse",
  529: "ProviderOverloadedResponse"
}

interface Sample {
  readonly what: string
  readonly status: number
  readonly contentType: string | undefined
  readonly body: string
}

/** Sends a raw request through the in-memory simulator, as any client would. */
const sample = (what: string, path: string, id: string | undefined, key: string | undefined) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const url = `https://modelgates.ai/api/v1${path}${id === undefined ? "" : `?${new URLSearchParams({ id })}`}`
    const response = yield* client.get(url, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } })
    return {
      what,
      status: response.status,
      contentType: response.headers["content-type"],
      body: yield* response.text
    } satisfies Sample
  })

const collectSamples: Effect.Effect<
  ReadonlyArray<Sample>,
  unknown,
  HttpClient.HttpClient | ModelGatesSimulator.ModelGatesSimulator
> = Effect.gen(function*() {
  const control = yield* simulator
  const generations = yield* control.generations
  const samples: Array<Sample> = []
  const take = (what: string, path: string, id: string | undefined, key: string | undefined = adminKey) =>
    Effect.map(sample(what, path, id, key), (sample) => samples.push(sample))
  const fresh = generations.find((generation) => generation.label === "fresh")
  const notLogged = generations.find((generation) => generation.content === null)
  if (fresh === undefined || notLogged === undefined) return yield* Effect.die("seed lacks a kind")
  yield* take("not ready yet", "/generation", fresh.id)
  yield* TestClock.adjust("1 minute")
  for (const generation of generations) {
    yield* take(`metadata of ${generation.label}`, "/generation", generation.id)
    yield* take(`content of ${generation.label}`, "/generation/content", generation.id)
  }
  const added = yield* control.add({ readyAfter: 0 })
  yield* take("metadata of an added generation", "/generation", added.id)
  yield* take("content of an added generation", "/generation/content", added.id)
  yield* take("no key", "/generation", added.id, undefined)
  yield* take("unknown key", "/generation", added.id, "sk-nope")
  yield* take("member reading content", "/generation/content", added.id, memberKey)
  yield* take("unknown id", "/generation", "gen-0000000000-doesnotexist")
  yield* take("content not logged", "/generation/content", notLogged.id)
  yield* take("missing id", "/generation", undefined)
  yield* control.storm({ retryAfter: "3 seconds", requests: 1 })
  yield* take("a storm", "/generation", added.id)
  yield* take("unknown path", "/generations", added.id)
  for (const status of [402, 500, 502, 524, 529]) {
    yield* control.script({ id: added.id }, ModelGatesSimulator.errorResponse(status))
    yield* take(`scripted ${status}`, "/generation", added.id)
  }
  // A simulator of its own, limited to one request a minute.
  yield* Effect.gen(function*() {
    const [first] = yield* Effect.flatMap(simulator, (simulator) => simulator.generations)
    yield* take("within the rate limit", "/generation", first.id)
    yield* take("rate limited", "/generation", first.id)
  }).pipe(Effect.provide(ModelGatesSimulator.layer({ rateLimit: { requests: 1, window: "1 minute" } })))
  return samples
})

describe("ModelGatesSimulator responses", () => {
  it.effect("match the published OpenAPI schemas, every kind of them", () =>
    Effect.gen(function*() {
      // The validator is not vacuous: a body off the published shape fails.
      expect(validatorOf("GenerationResponse")({ data: { id: "gen-1", total_cost: "0.1" } })).toBe(false)
      const samples = yield* collectSamples
      const statuses = new Set(samples.map((sample) => sample.status))
      expect([...statuses].sort()).toEqual([200, 400, 401, 402, 403, 404, 429, 500, 502, 524, 529])
      for (const sample of samples) {
        expect(sample.contentType, sample.what).toBe("application/json")
        const body = JSON.parse(sample.body)
        // 400 is not in the published table; it carries the same envelope as the declared errors.
        const schema = sample.status === 200
          ? (sample.what.startsWith("content") ? "GenerationContentResponse" : "GenerationResponse")
          : errorSchemas[sample.status] ?? "UnauthorizedResponse"
        const validate = validatorOf(schema)
        expect(validate(body) ? [] : validate.errors, `${sample.what} (${sample.status}) as ${schema}`).toEqual([])
        if (sample.status !== 200) expect(body.error.code, sample.what).toBe(sample.status)
      }
    }).pipe(
      Effect.provide(
        Layer.merge(
          ModelGatesSimulator.layer(simulatorOptions),
          configLayer()
        )
      )
    ))

  it.effect("edge pages are HTML like the live edge network's, not JSON", () =>
    Effect.gen(function*() {
      const control = yield* simulator
      const { id } = yield* pick("fallback")
      yield* control.script({ id }, ModelGatesSimulator.edgePage())
      const error = yield* Effect.flip(Generations.getGeneration({ id }))
      assert(error._tag === "EdgeNetworkTimeoutResponseError")
      expect(error.body).toBe(fixture("error.524.html"))
    }).pipe(Effect.provide(testLayer())))

  it.effect("interrupting a call while the simulator delays it settles the request as aborted", () =>
    Effect.gen(function*() {
      const control = yield* simulator
      const { id } = yield* pick("fallback")
      yield* control.script({ id }, ModelGatesSimulator.deliver({ delay: "1 minute" }))
      const fiber = yield* Effect.forkChild(Generations.getGeneration({ id }))
      yield* flushMicrotasks
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      expect(Exit.hasInterrupts(yield* Fiber.await(fiber))).toBe(true)
      expect((yield* control.requests).map((entry) => entry.outcome)).toEqual(["aborted"])
    }).pipe(Effect.provide(testLayer())))
})
