import { assert, describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { TestClock } from "effect/testing"
import * as util from "node:util"
import { bodyFor, statusErrors } from "../../test/scenarios/statusErrors.js"
import type { RetryPolicy } from "../src/index.js"
import { Generations, ModelGatesConfig, ModelGatesError } from "../src/index.js"
import type { Reply } from "./utils/MockHttp.js"
import { fixture, json, mockClient, replies, testConfig, testKey } from "./utils/MockHttp.js"

const url = "https://api.test/api/v1"

const getError = (reply: Reply) =>
  Generations.getGeneration({ id: "gen-1" }).pipe(Effect.flip, Effect.provide([replies(reply).layer, testConfig()]))

const contentError = (reply: Reply) =>
  Generations.listGenerationContent({ id: "gen-1" }).pipe(
    Effect.flip,
    Effect.provide([replies(reply).layer, testConfig()])
  )

describe("ModelGatesError", () => {
  describe("status mapping", () => {
    for (const [status, getTag, contentTag, retryable] of statusErrors) {
      it.effect(`${status} → ${getTag} on getGeneration, ${contentTag} on listGenerationContent`, () =>
        Effect.gen(function*() {
          const body = bodyFor(status)
          const reply = json(status, body, {
            "content-type": status === 524 ? "text/html" : "application/json",
            "x-request-id": "r-1"
          })
          const cases = [
            [yield* getError(reply), getTag, "/generation?id=gen-1", "Generations.getGeneration"],
            [
              yield* contentError(reply),
              contentTag,
              "/generation/content?id=gen-1",
              "Generations.listGenerationContent"
            ]
          ] as const
          for (const [error, tag, path, operation] of cases) {
            expect(error._tag).toBe(tag)
            expect(error.isRetryable).toBe(retryable)
            if (!("status" in error) || error._tag === "ResponseValidationError") {
              throw new Error(`expected a status error, got ${error._tag}`)
            }
            expect(error.status).toBe(status)
            expect(error.body).toBe(body)
            expect(error.headers["x-request-id"]).toBe("r-1")
            expect(error.url).toBe(`${url}${path}`)
            expect(Schema.is(ModelGatesError.ModelGatesError)(error)).toBe(true)
            if (status === 524) {
              expect(error.code).toBeNull()
              expect(error.metadata).toBeNull()
              expect(error.message).toContain(`${operation}("gen-1"): HTTP 524`)
            } else {
              const envelope = JSON.parse(body)
              expect(error.code).toBe(status)
              expect(error.message).toBe(`${operation}("gen-1"): ${status} ${envelope.error.message}`)
              expect(error.metadata).toEqual(envelope.error.metadata ?? null)
              expect(error.userId).toBe(envelope.user_id ?? null)
            }
          }
        }))
    }

    it.effect("a non-JSON error body is quoted in the message, and the status decides the class", () =>
      Effect.gen(function*() {
        const error = yield* getError(json(502, "<html><body>Bad gateway from the edge</body></html>"))
        expect(error._tag).toBe("BadGatewayResponseError")
        expect(error.message).toContain("Bad gateway from the edge")
        const empty = yield* getError(json(503, ""))
        expect(empty._tag).toBe("ModelGatesDefaultError")
        expect(empty.message).toContain("empty body")
      }))

    it.effect("the body kept in an error is cut at 10,000 characters", () =>
      Effect.gen(function*() {
        const error = yield* getError(json(500, "x".repeat(50_000)))
        expect(error._tag === "InternalServerResponseError" && error.body.length).toBe(10_000)
        expect(error.message.length).toBeLessThan(400)
      }))
  })

  describe("retryAfter", () => {
    it.effect("reads retry-after-ms first, then Retry-After in seconds", () =>
      Effect.gen(function*() {
        const error = yield* getError(
          json(429, fixture("error.429.json"), { "retry-after-ms": "1500", "retry-after": "9" })
        )
        expect(error._tag === "TooManyRequestsResponseError" && error.retryAfter).toEqual(
          Option.some(Duration.millis(1500))
        )
        const seconds = yield* getError(json(503, "", { "retry-after": "7" }))
        expect(seconds._tag === "ModelGatesDefaultError" && seconds.retryAfter).toEqual(
          Option.some(Duration.seconds(7))
        )
      }))

    it.effect("reads Retry-After as an HTTP date, relative to the Clock", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-11-25T10:00:00Z"))
        const error = yield* getError(
          json(429, fixture("error.429.json"), { "retry-after": "Wed, 25 Nov 2026 10:00:42 GMT" })
        )
        expect(error._tag === "TooManyRequestsResponseError" && error.retryAfter).toEqual(
          Option.some(Duration.seconds(42))
        )
      }))

    it.effect("ignores what it cannot read", () =>
      Effect.gen(function*() {
        const error = yield* getError(json(429, fixture("error.429.json"), { "retry-after": "soon" }))
        expect(error._tag === "TooManyRequestsResponseError" && error.retryAfter).toEqual(Option.none())
      }))
  })

  describe("failures without a status", () => {
    it.effect("a 200 whose body is not JSON is a ResponseValidationError at the root", () =>
      Effect.gen(function*() {
        const error = yield* getError(json(200, "<html>maintenance</html>"))
        assert(error._tag === "ResponseValidationError")
        expect(error.isRetryable).toBe(false)
        expect(error.path).toBe("")
        expect(error.message).toContain("GenerationResponse")
        expect(error.body).toBe("<html>maintenance</html>")
      }))

    it.effect("a 200 of the wrong shape names the offending field's path in wire names", () =>
      Effect.gen(function*() {
        const body = JSON.parse(fixture("generation.full.json"))
        body.data.total_cost = "0.01"
        const error = yield* getError(json(200, JSON.stringify(body)))
        expect(error._tag === "ResponseValidationError" && error.path).toBe("data.total_cost")
        expect(error.message).toContain("data.total_cost")
        body.data.total_cost = 0.01
        body.data.provider_responses[1].status = "ok"
        const nested = yield* getError(json(200, JSON.stringify(body)))
        expect(nested._tag === "ResponseValidationError" && nested.path).toBe("data.provider_responses.1.status")
        delete body.data.provider_responses
        delete body.data.created_at
        const missing = yield* getError(json(200, JSON.stringify(body)))
        expect(missing._tag === "ResponseValidationError" && missing.path).toBe("data.created_at")
        const content = yield* contentError(json(200, JSON.stringify({ data: { input: { prompt: 1 }, output: {} } })))
        expect(content._tag === "ResponseValidationError" && content.path).toBe("data.input")
        expect(content.message).toContain("GenerationContentResponse")
      }))

    it.effect("a transport failure is a ConnectionError, retryable, with the cause's message", () =>
      Effect.gen(function*() {
        const error = yield* getError({ fail: "transport", cause: new Error("connect ECONNREFUSED 127.0.0.1:9") })
        assert(error._tag === "ConnectionError")
        expect(error.isRetryable).toBe(true)
        expect(error.message).toContain("ECONNREFUSED")
        expect(error.reason).toBe("Transport")
        expect((error.cause as Error).message).toBe("connect ECONNREFUSED 127.0.0.1:9")
      }))

    it.effect("what a retry cannot fix (a URL or a body the platform refuses) is an InvalidRequestError, sent once", () =>
      Effect.gen(function*() {
        const reasons = [
          (request: never) => new HttpClientError.InvalidUrlError({ request, cause: new Error("refused") }),
          (request: never) => new HttpClientError.EncodeError({ request, cause: new Error("refused") })
        ]
        for (const reason of reasons) {
          let sent = 0
          const client = HttpClient.make((request) => {
            sent++
            return Effect.fail(new HttpClientError.HttpClientError({ reason: reason(request as never) }))
          })
          const error = yield* Generations.getGeneration({ id: "gen-1" }).pipe(
            Effect.flip,
            Effect.provide([Layer.succeed(HttpClient.HttpClient, client), testConfig()])
          )
          assert(error._tag === "InvalidRequestError")
          expect(error.message.startsWith("Generations.getGeneration(\"gen-1\")")).toBe(true)
          expect(sent).toBe(1)
        }
      }))

    it.effect("response headers are redacted by Headers.CurrentRedactedNames, names a user adds included", () =>
      Effect.gen(function*() {
        const error = yield* getError(
          json(500, fixture("error.500.json"), { "x-internal-token": "tok-123", "set-cookie": "s=1" })
        ).pipe(Effect.provideService(Headers.CurrentRedactedNames, ["x-internal-token"]))
        assert("headers" in error)
        expect(error.headers["x-internal-token"]).toBe("<redacted>")
        expect(error.headers["set-cookie"]).toBe("<redacted>")
        expect(error.headers["content-type"]).toBe("application/json")
      }))
  })

  describe("predicates", () => {
    it("isModelGatesError tells the SDK's errors from anything else, look-alikes included", () => {
      expect(ModelGatesError.isModelGatesError(new ModelGatesError.InvalidRequestError({ message: "x", field: "id" })))
        .toBe(true)
      expect(ModelGatesError.isModelGatesError(new Error("x"))).toBe(false)
      expect(ModelGatesError.isModelGatesError({ _tag: "NotFoundResponseError", isRetryable: false, status: 404 }))
        .toBe(false)
      for (const status of [401, 402, 403, 404, 429, 500, 502, 524, 529, 418]) {
        const error = new ModelGatesError.ModelGatesDefaultError({
          status,
          message: "x",
          body: "",
          headers: {},
          retryAfter: Option.none(),
          code: null,
          metadata: null,
          userId: null,
          url: "https://x"
        })
        expect(ModelGatesError.isModelGatesError(error)).toBe(true)
        expect(error.isRetryable).toBe(ModelGatesError.isRetryableStatus(status))
      }
    })

    it("isRetryable works as a Schedule.while predicate", () => {
      const reset = new ModelGatesError.ConnectionError({ message: "reset", url: "https://x", reason: "Transport" })
      const invalid = new ModelGatesError.InvalidRequestError({ message: "empty", field: "id" })
      expect([reset, invalid].filter(ModelGatesError.isRetryable)).toEqual([reset])
      const policy: RetryPolicy.RetryPolicy = Schedule.recurs(1).pipe(
        Schedule.while(({ input }: { readonly input: ModelGatesError.ModelGatesError }) =>
          ModelGatesError.isRetryable(input)
        )
      )
      expect(Schedule.isSchedule(policy)).toBe(true)
    })
  })

  it.effect("the API key never leaks: in no error of any kind, in any form", () =>
    Effect.gen(function*() {
      const renderings = (error: unknown): ReadonlyArray<string> => [
        String(error),
        error instanceof Error ? error.message : "",
        error instanceof Error ? error.stack ?? "" : "",
        JSON.stringify(error),
        util.inspect(error, { depth: 10 }),
        Cause.pretty(Cause.fail(error))
      ]
      const errors: Array<unknown> = []
      for (const [status] of statusErrors) {
        errors.push(yield* getError(json(status, bodyFor(status), { "set-cookie": testKey })))
      }
      errors.push(yield* getError(json(200, "not json")))
      errors.push(yield* getError(json(401, "", { authorization: `Bearer ${testKey}` })))
      errors.push(yield* getError({ fail: "transport", cause: new Error("socket hang up") }))
      const slow = mockClient(() => ({ effect: Effect.never }))
      const fiber = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: "1 second" }).pipe(
        Effect.flip,
        Effect.provide([slow.layer, testConfig()]),
        Effect.forkChild
      )
      yield* TestClock.adjust("2 seconds")
      errors.push(yield* Fiber.join(fiber))
      errors.push(yield* Effect.flip(ModelGatesConfig.make({ apiKey: `${testKey}\n` })))
      expect(errors.map((error) => (error as { _tag: string })._tag)).toContain("RequestTimeoutError")
      for (const error of errors) {
        for (const text of renderings(error)) expect(text).not.toContain(testKey)
      }
    }))

  it.effect("every error encodes to JSON and decodes back with ModelGatesError's schema", () =>
    Effect.gen(function*() {
      const errors = [
        yield* getError(json(429, fixture("error.429.json"), { "retry-after": "7" })),
        yield* contentError(json(403, fixture("error.403.json"))),
        yield* getError(json(524, fixture("error.524.html"))),
        yield* getError(json(200, "{}")),
        new ModelGatesError.RequestTimeoutError({ message: "slow", url: "https://x", timeout: Duration.seconds(3) }),
        new ModelGatesError.InvalidRequestError({ message: "empty", field: "id" })
      ]
      const codec = Schema.toCodecJson(ModelGatesError.ModelGatesError)
      const encode = Schema.encodeSync(codec)
      const decode = Schema.decodeUnknownSync(codec)
      for (const error of errors) {
        const again = decode(JSON.parse(JSON.stringify(encode(error))))
        expect(again._tag).toBe(error._tag)
        expect(again).toEqual(error)
        expect(again.isRetryable).toBe(error.isRetryable)
      }
    }))

  it("catchTags over GetGenerationError is exhaustive and type-checked: its 13 tags", () => {
    const program = Generations.getGeneration({ id: "gen-1" }).pipe(
      Effect.catchTags({
        UnauthorizedResponseError: () => Effect.succeed("401"),
        PaymentRequiredResponseError: () => Effect.succeed("402"),
        NotFoundResponseError: () => Effect.succeed("404"),
        TooManyRequestsResponseError: () => Effect.succeed("429"),
        InternalServerResponseError: () => Effect.succeed("500"),
        BadGatewayResponseError: () => Effect.succeed("502"),
        EdgeNetworkTimeoutResponseError: () => Effect.succeed("524"),
        ProviderOverloadedResponseError: () => Effect.succeed("529"),
        ModelGatesDefaultError: (error) => Effect.succeed(String(error.status)),
        ConnectionError: () => Effect.succeed("connection"),
        RequestTimeoutError: () => Effect.succeed("timeout"),
        ResponseValidationError: () => Effect.succeed("validation"),
        InvalidRequestError: () => Effect.succeed("invalid")
      })
    )
    expectTypeOf(program).toExtend<Effect.Effect<unknown, never, unknown>>()
    expect(ModelGatesError.GetGenerationError.members).toHaveLength(13)
    expectTypeOf<ModelGatesError.GetGenerationError>().extract<{ readonly _tag: "ForbiddenResponseError" }>()
      .toBeNever()
    expectTypeOf<ModelGatesError.ListGenerationContentError>().extract<{ readonly _tag: "ForbiddenResponseError" }>()
      .toEqualTypeOf<ModelGatesError.ForbiddenResponseError>()
  })
})
