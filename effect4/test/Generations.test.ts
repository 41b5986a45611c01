import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { TestClock } from "effect/testing"
import * as Generations from "../src/Generations.js"
import * as Models from "../src/Models.js"
import * as RetryPolicy from "../src/RetryPolicy.js"
import { fixture, json, mockClient, replies, testConfig, testKey } from "./utils/MockHttp.js"
import { runWithTestClock } from "./utils/TestTime.js"

const id = "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs"

describe("Generations", () => {
  describe("getGeneration", () => {
    it.effect("returns the decoded GenerationResponse", () =>
      Effect.gen(function*() {
        const http = replies(json(200, fixture("generation.full.json")))
        const response = yield* Generations.getGeneration({ id }).pipe(Effect.provide([http.layer, testConfig()]))
        assert.instanceOf(response, Models.GenerationResponse)
        assert.instanceOf(response.data, Models.GenerationData)
        assert.isTrue(DateTime.isUtc(response.data.createdAt))
        expect(response.data.id).toBe(JSON.parse(fixture("generation.full.json")).data.id)
      }))

    it.effect("sends GET {baseUrl}/generation?id=… with the key, Accept and the attribution headers", () =>
      Effect.gen(function*() {
        const http = replies(json(200, fixture("generation.full.json")))
        yield* Generations.getGeneration({ id }).pipe(
          Effect.provide([
            http.layer,
            testConfig({ httpReferer: "https://notes.test", appTitle: "Notes", appCategories: "cli-agent" })
          ])
        )
        const [request] = http.sent
        expect(request.method).toBe("GET")
        expect(request.url).toBe("https://api.test/api/v1/generation")
        expect([...request.urlParams]).toEqual([["id", id]])
        expect(request.headers.authorization).toBe(`Bearer ${testKey}`)
        expect(request.headers.accept).toBe("application/json")
        expect(request.headers["http-referer"]).toBe("https://notes.test")
        expect(request.headers["x-openrouter-title"]).toBe("Notes")
        expect(request.headers["x-openrouter-categories"]).toBe("cli-agent")
      }))

    it.effect("per-call attribution headers override the config's", () =>
      Effect.gen(function*() {
        const http = replies(json(200, fixture("generation.full.json")))
        yield* Generations.getGeneration({ id, appTitle: "Per call" }).pipe(
          Effect.provide([http.layer, testConfig({ appTitle: "Config" })])
        )
        expect(http.sent[0].headers["x-openrouter-title"]).toBe("Per call")
      }))
  })

  describe("listGenerationContent", () => {
    it.effect("sends GET {baseUrl}/generation/content?id=… and decodes the content", () =>
      Effect.gen(function*() {
        const http = replies(json(200, fixture("content.messages.json")))
        const response = yield* Generations.listGenerationContent({ id }).pipe(
          Effect.provide([http.layer, testConfig()])
        )
        expect(http.sent[0].url).toBe("https://api.test/api/v1/generation/content")
        assert.instanceOf(response, Models.GenerationContentResponse)
        assert.instanceOf(response.data.input, Models.GenerationContentMessages)
      }))
  })

  describe("bad input gets an InvalidRequestError and no request", () => {
    const cases: ReadonlyArray<readonly [string, Generations.GenerationRequest, Generations.CallOptions, string]> = [
      ["an empty id", { id: "" }, {}, "id"],
      ["a blank id", { id: "  " }, {}, "id"],
      ["an id over 1,000 characters", { id: "g".repeat(1001) }, {}, "id"],
      ["a line break in a header", { id, appTitle: "a\r\nX-Evil: 1" }, {}, "appTitle"],
      ["a non-positive per-call timeout", { id }, { timeout: 0 }, "timeout"]
    ]
    for (const [what, request, options, field] of cases) {
      it.effect(what, () =>
        Effect.gen(function*() {
          const http = replies(json(200, fixture("generation.full.json")))
          const error = yield* Generations.getGeneration(request, options).pipe(
            Effect.flip,
            Effect.provide([http.layer, testConfig()])
          )
          expect(error._tag).toBe("InvalidRequestError")
          expect(error._tag === "InvalidRequestError" && error.field).toBe(field)
          expect(http.sent).toHaveLength(0)
        }))
    }
  })

  describe("timeouts", () => {
    it.effect("an attempt that gets no answer times out after the configured timeout, on the TestClock", () =>
      Effect.gen(function*() {
        const http = mockClient(() => ({ effect: Effect.never }))
        const fiber = yield* Generations.getGeneration({ id }).pipe(
          Effect.provide([http.layer, testConfig({ timeout: "5 seconds" })]),
          Effect.forkChild
        )
        yield* TestClock.adjust("4999 millis")
        assert.isUndefined(fiber.pollUnsafe())
        yield* TestClock.adjust("1 millis")
        const exit = yield* Fiber.await(fiber)
        assert.isTrue(Exit.isFailure(exit))
        const error = yield* Effect.flip(exit)
        expect(error._tag).toBe("RequestTimeoutError")
        expect(error._tag === "RequestTimeoutError" && Duration.toMillis(error.timeout)).toBe(5000)
      }))

    it.effect("a plain number is milliseconds, per call", () =>
      Effect.gen(function*() {
        const http = mockClient(() => ({ effect: Effect.never }))
        const fiber = yield* Generations.getGeneration({ id }, { timeout: 250 }).pipe(
          Effect.provide([http.layer, testConfig()]),
          Effect.forkChild
        )
        yield* TestClock.adjust("250 millis")
        const error = yield* Effect.flip(Fiber.join(fiber))
        expect(error._tag).toBe("RequestTimeoutError")
      }))

    it.effect("concurrent attempts each end at their own deadline, a shorter one started after a longer one too", () =>
      Effect.gen(function*() {
        // One timer serves every attempt of a clock: it must wake for the 5 s deadline that came in after the 30 s one.
        const answeringIn = (delay: Duration.Input) =>
          mockClient(() => ({ effect: Effect.as(Effect.sleep(delay), json(200, fixture("generation.full.json"))) }))
        const call = (http: ReturnType<typeof answeringIn>, timeout: Duration.Input) =>
          Generations.getGeneration({ id }, { timeout, retryPolicy: RetryPolicy.none }).pipe(
            Effect.provide([http.layer, testConfig()]),
            Effect.result
          )
        const exit = yield* runWithTestClock(
          Effect.all([call(answeringIn("20 seconds"), "30 seconds"), call(answeringIn("10 seconds"), "5 seconds")], {
            concurrency: 2
          }),
          { step: "250 millis" }
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (!Exit.isSuccess(exit)) return
        const [long, short] = exit.value
        expect(long._tag).toBe("Success")
        assert.isTrue(short._tag === "Failure" && short.failure._tag === "RequestTimeoutError")
        if (short._tag === "Failure" && short.failure._tag === "RequestTimeoutError") {
          expect(Duration.toMillis(short.failure.timeout)).toBe(5000)
        }
      }))

    it.effect("an attempt that cannot be interrupted and answers late still fails with the timeout", () =>
      Effect.gen(function*() {
        const http = mockClient(() => ({
          effect: Effect.uninterruptible(
            Effect.as(Effect.sleep("3 seconds"), json(200, fixture("generation.full.json")))
          )
        }))
        const startedAt = yield* Clock.currentTimeMillis
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id }, { timeout: "1 second", retryPolicy: RetryPolicy.none }).pipe(
            Effect.provide([http.layer, testConfig()])
          ),
          { step: "250 millis" }
        )
        const error = yield* Effect.flip(exit)
        expect(error._tag).toBe("RequestTimeoutError")
        // It fails once the attempt has ended, not at the deadline.
        expect((yield* Clock.currentTimeMillis) - startedAt).toBe(3000)
      }))

    it.effect("interrupting the caller interrupts the attempt, and no timer is left behind", () =>
      Effect.gen(function*() {
        let interrupted = 0
        const http = mockClient(() => ({
          effect: Effect.onInterrupt(Effect.never, () =>
            Effect.sync(() => {
              interrupted++
            }))
        }))
        // The clock of the call, counting the sleeps under way on it.
        const testClock = yield* Effect.clockWith(Effect.succeed)
        let sleeping = 0
        const counting: Clock.Clock = {
          currentTimeMillisUnsafe: () => testClock.currentTimeMillisUnsafe(),
          currentTimeMillis: testClock.currentTimeMillis,
          currentTimeNanosUnsafe: () => testClock.currentTimeNanosUnsafe(),
          currentTimeNanos: testClock.currentTimeNanos,
          monotonicTimeNanosUnsafe: () => testClock.monotonicTimeNanosUnsafe(),
          monotonicTimeNanos: testClock.monotonicTimeNanos,
          sleep: (duration) =>
            Effect.suspend(() => {
              sleeping++
              return Effect.ensuring(testClock.sleep(duration), Effect.sync(() => sleeping--))
            })
        }
        const fiber = yield* Generations.getGeneration({ id }, { timeout: "30 seconds" }).pipe(
          Effect.provide([http.layer, testConfig()]),
          Effect.provideService(Clock.Clock, counting),
          Effect.forkChild
        )
        const settled = (done: () => boolean) =>
          Effect.gen(function*() {
            for (let i = 0; i < 100 && !done(); i++) yield* Effect.yieldNow
          })
        yield* settled(() => http.sent.length === 1)
        expect(http.sent).toHaveLength(1)
        expect(sleeping).toBe(1)
        yield* Fiber.interrupt(fiber)
        expect(interrupted).toBe(1)
        yield* settled(() => sleeping === 0)
        expect(sleeping).toBe(0)
      }))

    it.effect("a timed-out attempt is retried by the policy", () =>
      Effect.gen(function*() {
        const http = mockClient((_, index) =>
          index === 0 ? { effect: Effect.never } : json(200, fixture("generation.full.json"))
        )
        const fiber = yield* Generations.getGeneration({ id }, {
          timeout: "1 second",
          retryPolicy: RetryPolicy.backoff({ jitter: false })
        }).pipe(Effect.provide([http.layer, testConfig()]), Effect.forkChild)
        yield* TestClock.adjust("2 seconds")
        const response = yield* Fiber.join(fiber)
        expect(response.data.model).toBeTypeOf("string")
        expect(http.sent).toHaveLength(2)
      }))
  })

  it.effect("the key appears in no error and no Cause.pretty", () =>
    Effect.gen(function*() {
      const http = replies(json(401, fixture("error.401.json")))
      const exit = yield* Effect.exit(
        Generations.getGeneration({ id }).pipe(Effect.provide([http.layer, testConfig()]))
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        expect(Cause.pretty(exit.cause)).not.toContain(testKey)
        expect(JSON.stringify(Cause.squash(exit.cause))).not.toContain(testKey)
      }
    }))

  it.effect("operations require exactly ModelGatesConfig | HttpClient", () =>
    Effect.gen(function*() {
      const program = Generations.getGeneration({ id })
      const provided = Effect.provide(
        program,
        Layer.mergeAll(replies(json(200, fixture("generation.full.json"))).layer, testConfig())
      )
      const response = yield* provided
      expect(response.data.id).toBeTypeOf("string")
    }))
})
