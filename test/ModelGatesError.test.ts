import { Headers, HttpClient, HttpClientError } from "@effect/platform"
import { assert, describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Layer, Option, Schedule, Schema, TestClock } from "effect"
import * as util from "node:util"
import { Generations, ModelGatesConfig, ModelGatesError, RetryPolicy } from "../src/index.js"
import { bodyFor, statusErrors } from "./scenarios/statusErrors.js"
import { always, fail, fixture, layerWith, respond, secretKey } from "./utils/MockHttp.js"

const noRetry = { retryPolicy: RetryPolicy.none }

const getError = (reply: ReturnType<typeof respond>) =>
  Effect.gen(function*() {
    const mock = yield* always(reply)
    return yield* Generations.getGeneration({ id: "gen-1" }).pipe(Effect.flip, Effect.provide(layerWith(mock, noRetry)))
  })

const contentError = (reply: ReturnType<typeof respond>) =>
  Effect.gen(function*() {
    const mock = yield* always(reply)
    return yield* Generations.listGenerationContent({ id: "gen-1" }).pipe(
      Effect.flip,
      Effect.provide(layerWith(mock, noRetry))
    )
  })

describe("ModelGatesError", () => {
  describe("status mapping", () => {
    for (const [status, getTag, contentTag, retryable] of statusErrors) {
      it.effect(`${status} → ${getTag} on getGeneration, ${contentTag} on listGenerationContent`, () =>
        Effect.gen(function*() {
          const body = bodyFor(status)
          const reply = respond(status, body, {
            headers: { "content-type": status === 524 ? "text/html" : "application/json", "x-request-id": "r-1" }
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
            expect(error.url).toBe(`https://modelgates.ai/api/v1${path}`)
            expect(Schema.is(ModelGatesError.ModelGatesError)(error)).toBe(true)
            if (status === 524) {
              expect(error.code).toBeNull()
              expect(error.metadata).toBeNull()
              expect(error.message).toContain(`${operation}("gen-1"): HTTP 524`)
              expect(error.message).toContain("A timeout occurred")
            } else {
              const envelope = JSON.parse(body)
              expect(error.code).toBe(status)
              // The message names the call, then the status and the API's own message.
              expect(error.message).toBe(`${operation}("gen-1"): ${status} ${envelope.error.message}`)
              expect(error.metadata).toEqual(envelope.error.metadata ?? null)
              expect(error.userId).toBe(envelope.user_id ?? null)
            }
          }
        }))
    }

    it.effect("a 402 carries the envelope's user id; a 429 its metadata", () =>
      Effect.gen(function*() {
        const payment = yield* getError(respond(402, fixture("error.402.json")))
        expect(payment._tag).toBe("PaymentRequiredResponseError")
        expect(payment._tag === "PaymentRequiredResponseError" && payment.userId).toBe("user_2x9")
        const limited = yield* getError(respond(429, fixture("error.429.json")))
        expect(limited._tag === "TooManyRequestsResponseError" && limited.metadata).toEqual({
          headers: { "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1763633790000" }
        })
      }))

    it.effect("a non-JSON error body is quoted in the message, and the status decides the class", () =>
      Effect.gen(function*() {
        const error = yield* getError(respond(502, "<html><body>Bad gateway from the edge</body></html>"))
        expect(error._tag).toBe("BadGatewayResponseError")
        expect(error.message).toContain("502")
        expect(error.message).toContain("Bad gateway from the edge")
        const empty = yield* getError(respond(503, ""))
        expect(empty._tag).toBe("ModelGatesDefaultError")
        expect(empty.message).toContain("empty body")
      }))

    it.effect("the body kept in an error is cut at 10,000 characters", () =>
      Effect.gen(function*() {
        const error = yield* getError(respond(500, "x".repeat(50_000)))
        expect(error._tag === "InternalServerResponseError" && error.body.length).toBe(10_000)
        expect(error.message.length).toBeLessThan(400)
      }))

    it.effect("redirects that the client did not follow are default errors, not retried", () =>
      Effect.gen(function*() {
        const error = yield* getError(respond(301, "", { headers: { location: "https://elsewhere.example/" } }))
        expect(error._tag).toBe("ModelGatesDefaultError")
        expect(error.isRetryable).toBe(false)
      }))
  })

  describe("retryAfter", () => {
    it.effect("reads retry-after-ms first", () =>
      Effect.gen(function*() {
        const error = yield* getError(
          respond(429, fixture("error.429.json"), { headers: { "retry-after-ms": "1500", "retry-after": "9" } })
        )
        expect(error._tag === "TooManyRequestsResponseError" && error.retryAfter).toEqual(
          Option.some(Duration.millis(1500))
        )
      }))

    it.effect("reads Retry-After in seconds", () =>
      Effect.gen(function*() {
        const error = yield* getError(respond(503, "", { headers: { "retry-after": "7" } }))
        expect(error._tag === "ModelGatesDefaultError" && error.retryAfter).toEqual(Option.some(Duration.seconds(7)))
      }))

    it.effect("reads Retry-After as an HTTP date, relative to the Clock", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(Date.parse("2026-11-25T10:00:00Z"))
        const error = yield* getError(
          respond(429, fixture("error.429.json"), { headers: { "retry-after": "Wed, 25 Nov 2026 10:00:42 GMT" } })
        )
        expect(error._tag === "TooManyRequestsResponseError" && error.retryAfter).toEqual(
          Option.some(Duration.seconds(42))
        )
        const past = yield* getError(
          respond(429, fixture("error.429.json"), { headers: { "retry-after": "Wed, 25 Nov 2026 09:00:00 GMT" } })
        )
        expect(past._tag === "TooManyRequestsResponseError" && past.retryAfter).toEqual(Option.some(Duration.zero))
      }))

    it.effect("ignores what it cannot read", () =>
      Effect.gen(function*() {
        const error = yield* getError(respond(429, fixture("error.429.json"), { headers: { "retry-after": "soon" } }))
        expect(error._tag === "TooManyRequestsResponseError" && error.retryAfter).toEqual(Option.none())
        const none = yield* getError(respond(429, fixture("error.429.json")))
        expect(none._tag === "TooManyRequestsResponseError" && none.retryAfter).toEqual(Option.none())
      }))
  })

  describe("failures without a status", () => {
    it.effect("a 200 whose body is not JSON is a ResponseValidationError", () =>
      Effect.gen(function*() {
        const error = yield* getError(respond(200, "<html>maintenance</html>"))
        expect(error._tag).toBe("ResponseValidationError")
        expect(error.isRetryable).toBe(false)
        expect(error.message).toContain("GenerationResponse")
        expect(error._tag === "ResponseValidationError" && error.body).toBe("<html>maintenance</html>")
      }))

    it.effect("a 200 of the wrong shape names the offending field's path", () =>
      Effect.gen(function*() {
        const body = JSON.parse(fixture("generation.full.json"))
        body.data.total_cost = "0.01"
        const error = yield* getError(respond(200, body))
        expect(error._tag).toBe("ResponseValidationError")
        expect(error._tag === "ResponseValidationError" && error.path).toBe("data.total_cost")
        expect(error.message).toContain("data.total_cost")
        body.data.total_cost = 0.01
        body.data.provider_responses[1].status = "ok"
        const nested = yield* getError(respond(200, body))
        expect(nested._tag === "ResponseValidationError" && nested.path).toBe("data.provider_responses.1.status")
        expect(nested.message).toContain("data.provider_responses.1.status")
        const content = yield* contentError(respond(200, { data: { input: { prompt: 1 }, output: {} } }))
        expect(content._tag).toBe("ResponseValidationError")
        expect(content.message).toContain("GenerationContentResponse")
      }))

    it.effect("a transport failure is a ConnectionError, retryable, with the cause's message", () =>
      Effect.gen(function*() {
        const mock = yield* always(fail("connect ECONNREFUSED 127.0.0.1:9"))
        const error = yield* Generations.getGeneration({ id: "gen-1" }).pipe(
          Effect.flip,
          Effect.provide(layerWith(mock, noRetry))
        )
        expect(error._tag).toBe("ConnectionError")
        expect(error.isRetryable).toBe(true)
        expect(error.message).toContain("ECONNREFUSED")
        assert(error._tag === "ConnectionError")
        // The platform's reason and the transport's own error are kept.
        expect(error.reason).toBe("Transport")
        expect(error.cause).toBeInstanceOf(Error)
        expect((error.cause as Error).message).toBe("connect ECONNREFUSED 127.0.0.1:9")
      }))

    it.effect("what a retry cannot fix (a URL or a body the platform refuses) is an InvalidRequestError, sent once", () =>
      Effect.gen(function*() {
        for (const reason of ["InvalidUrl", "Encode"] as const) {
          let sent = 0
          const client = HttpClient.make((request) => {
            sent++
            return Effect.fail(new HttpClientError.RequestError({ request, reason, cause: new Error("refused") }))
          })
          const error = yield* Generations.getGeneration({ id: "gen-1" }).pipe(
            Effect.flip,
            Effect.provide(Layer.merge(
              Layer.succeed(HttpClient.HttpClient, client),
              ModelGatesConfig.layer({ apiKey: secretKey })
            ))
          )
          assert(error._tag === "InvalidRequestError")
          expect(error.message).toContain(`(${reason})`)
          expect(error.message.startsWith("Generations.getGeneration(\"gen-1\")")).toBe(true)
          expect(sent).toBe(1)
        }
      }))

    it.effect("response headers are redacted by Headers.currentRedactedNames, names a user adds included", () =>
      Effect.gen(function*() {
        const mock = yield* always(
          respond(500, fixture("error.500.json"), { headers: { "x-internal-token": "tok-123", "set-cookie": "s=1" } })
        )
        const error = yield* Generations.getGeneration({ id: "gen-1" }).pipe(
          Effect.flip,
          Effect.provide(layerWith(mock, noRetry)),
          Effect.locally(Headers.currentRedactedNames, ["x-internal-token"])
        )
        assert("headers" in error)
        expect(error.headers["x-internal-token"]).toBe("<redacted>")
        expect(error.headers["set-cookie"]).toBe("<redacted>")
        expect(error.headers["content-type"]).toBe("text/html")
      }))
  })

  describe("predicates", () => {
    it("isModelGatesError tells the SDK's errors from anything else", () => {
      expect(ModelGatesError.isModelGatesError(new ModelGatesError.InvalidRequestError({ message: "x", field: "id" })))
        .toBe(true)
      expect(ModelGatesError.isModelGatesError(new Error("x"))).toBe(false)
      expect(ModelGatesError.isModelGatesError({ _tag: "InvalidRequestError" })).toBe(false)
      expect(ModelGatesError.isModelGatesError(null)).toBe(false)
    })

    it("isModelGatesError is not fooled by a look-alike with the same tag and isRetryable", () => {
      const lookAlike = { _tag: "NotFoundResponseError", isRetryable: false, status: 404, message: "x" }
      expect(ModelGatesError.isModelGatesError(lookAlike)).toBe(false)
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

    it("isRetryable works as a Schedule.whileInput predicate", () => {
      const reset = new ModelGatesError.ConnectionError({ message: "reset", url: "https://x" })
      const invalid = new ModelGatesError.InvalidRequestError({ message: "empty", field: "id" })
      expect([reset, invalid].filter(ModelGatesError.isRetryable)).toEqual([reset])
      const policy: RetryPolicy.RetryPolicy = Schedule.recurs(1).pipe(Schedule.whileInput(ModelGatesError.isRetryable))
      expect(Schedule.isSchedule(policy)).toBe(true)
    })
  })

  describe("the API key never leaks", () => {
    const renderings = (error: unknown): ReadonlyArray<string> => [
      String(error),
      error instanceof Error ? error.message : "",
      error instanceof Error ? error.stack ?? "" : "",
      JSON.stringify(error),
      util.inspect(error, { depth: 10 }),
      Cause.pretty(Cause.fail(error))
    ]

    it.effect("in no error of any kind, in any form", () =>
      Effect.gen(function*() {
        const errors: Array<unknown> = []
        for (const [status] of statusErrors) {
          errors.push(yield* getError(respond(status, bodyFor(status), { headers: { "set-cookie": secretKey } })))
        }
        errors.push(yield* getError(respond(200, "not json")))
        // a server that echoes the request's Authorization header back
        errors.push(yield* getError(respond(401, "", { headers: { authorization: `Bearer ${secretKey}` } })))
        const refused = yield* always(fail("socket hang up"))
        errors.push(
          yield* Generations.getGeneration({ id: "gen-1" }).pipe(
            Effect.flip,
            Effect.provide(layerWith(refused, noRetry))
          )
        )
        const slow = yield* always(respond(200, fixture("generation.full.json"), { delay: "1 minute" }))
        const fiber = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: "1 second" }).pipe(
          Effect.flip,
          Effect.provide(layerWith(slow, noRetry)),
          Effect.fork
        )
        yield* TestClock.adjust("2 seconds")
        errors.push(
          yield* fiber.await.pipe(Effect.flatMap(Exit.match({ onFailure: Effect.die, onSuccess: Effect.succeed })))
        )
        errors.push(
          yield* Generations.getGeneration({ id: "" }).pipe(Effect.flip, Effect.provide(layerWith(slow, noRetry)))
        )
        const configError = yield* Effect.flip(ModelGatesConfig.make({ apiKey: `${secretKey}\n` }))
        errors.push(configError)
        expect(errors.map((error) => (error as { _tag: string })._tag)).toContain("RequestTimeoutError")
        for (const error of errors) {
          for (const text of renderings(error)) {
            expect(text).not.toContain(secretKey)
            expect(text).not.toContain("SECRET")
          }
        }
      }))
  })

  it.effect("every error encodes to JSON and decodes back with ModelGatesError's schema", () =>
    Effect.gen(function*() {
      const errors = [
        yield* getError(respond(429, fixture("error.429.json"), { headers: { "retry-after": "7" } })),
        yield* contentError(respond(403, fixture("error.403.json"))),
        yield* getError(respond(524, fixture("error.524.html"))),
        yield* getError(respond(200, "{}")),
        new ModelGatesError.ConnectionError({ message: "reset", url: "https://x/generation" }),
        new ModelGatesError.RequestTimeoutError({ message: "slow", url: "https://x", timeout: Duration.seconds(3) }),
        new ModelGatesError.InvalidRequestError({ message: "empty", field: "id" })
      ]
      const encode = Schema.encodeSync(ModelGatesError.ModelGatesError)
      const decode = Schema.decodeUnknownSync(ModelGatesError.ModelGatesError)
      for (const error of errors) {
        const again = decode(JSON.parse(JSON.stringify(encode(error))))
        expect(again._tag).toBe(error._tag)
        expect(again).toEqual(error)
        expect(again.isRetryable).toBe(error.isRetryable)
      }
    }))

  it("catchTags over GetGenerationError is exhaustive and type-checked", () => {
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
    // Checked by tsc (npm run check), not at run time: with a tag missing above, the error channel is not `never`.
    expectTypeOf(program).toExtend<Effect.Effect<unknown, never, unknown>>()
    // A 403 is not declared for getGeneration, so only the content union holds ForbiddenResponseError.
    expectTypeOf<ModelGatesError.GetGenerationError>().extract<{ readonly _tag: "ForbiddenResponseError" }>()
      .toBeNever()
    expectTypeOf<ModelGatesError.ListGenerationContentError>().extract<{ readonly _tag: "ForbiddenResponseError" }>()
      .toEqualTypeOf<ModelGatesError.ForbiddenResponseError>()
  })
})
