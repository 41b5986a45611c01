import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Layer, Logger, LogLevel, Option } from "effect"
import * as util from "node:util"
import { Generations, ModelGatesConfig, Models, RetryPolicy } from "../src/index.js"
import { always, fixture, layerWith, makeMock, respond, secretKey } from "./utils/MockHttp.js"
import { makeRecordingTracer } from "./utils/RecordingTracer.js"
import { runWithTestClock } from "./utils/TestTime.js"

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  return Option.getOrThrow(Cause.failureOption(exit.cause))
}

const full = respond(200, fixture("generation.full.json"))
const content = respond(200, fixture("content.messages.json"))

describe("Generations", () => {
  describe("getGeneration", () => {
    it.effect("returns the decoded GenerationResponse", () =>
      Effect.gen(function*() {
        const mock = yield* always(full)
        const response = yield* Generations.getGeneration({ id: "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs" }).pipe(
          Effect.provide(layerWith(mock))
        )
        expect(response).toBeInstanceOf(Models.GenerationResponse)
        expect(response.data.totalCost).toBe(0.010734)
        expect(response.data.providerResponses?.map((attempt) => attempt.status)).toEqual([529, 200])
      }))

    it.effect("sends GET {baseUrl}/generation?id=… with the key, Accept and the attribution headers", () =>
      Effect.gen(function*() {
        const mock = yield* always(full)
        yield* Generations.getGeneration({ id: "gen-42" }).pipe(
          Effect.provide(layerWith(mock, {
            httpReferer: "https://notes.example.app/",
            appTitle: "Notes",
            appCategories: "cli-agent,cloud-agent",
            userAgent: "notes/2.3"
          }))
        )
        const [request] = yield* mock.requests
        expect(request.method).toBe("GET")
        expect(request.url.origin + request.url.pathname).toBe("https://modelgates.ai/api/v1/generation")
        expect([...request.url.searchParams.entries()]).toEqual([["id", "gen-42"]])
        expect(request.headers.authorization).toBe(`Bearer ${secretKey}`)
        expect(request.headers.accept).toBe("application/json")
        expect(request.headers["http-referer"]).toBe("https://notes.example.app/")
        expect(request.headers["x-openrouter-title"]).toBe("Notes")
        expect(request.headers["x-openrouter-categories"]).toBe("cli-agent,cloud-agent")
        expect(request.headers["user-agent"]).toBe("notes/2.3")
      }))

    it.effect("sends no attribution header that is not set", () =>
      Effect.gen(function*() {
        const mock = yield* always(full)
        yield* Generations.getGeneration({ id: "gen-42" }).pipe(Effect.provide(layerWith(mock)))
        const [request] = yield* mock.requests
        expect(Object.keys(request.headers)).not.toContain("http-referer")
        expect(Object.keys(request.headers)).not.toContain("x-openrouter-title")
        expect(Object.keys(request.headers)).not.toContain("x-openrouter-categories")
      }))

    it.effect("per-call attribution headers override the config's", () =>
      Effect.gen(function*() {
        const mock = yield* always(full)
        yield* Generations.getGeneration({ id: "gen-42", appTitle: "Notes (beta)", appCategories: "cli-agent" }).pipe(
          Effect.provide(layerWith(mock, { appTitle: "Notes", httpReferer: "https://notes.example.app/" }))
        )
        const [request] = yield* mock.requests
        expect(request.headers["x-openrouter-title"]).toBe("Notes (beta)")
        expect(request.headers["x-openrouter-categories"]).toBe("cli-agent")
        expect(request.headers["http-referer"]).toBe("https://notes.example.app/")
      }))

    it.effect("percent-encodes the id: it arrives as one parameter with exactly that value", () =>
      Effect.gen(function*() {
        const mock = yield* always(full)
        const ids = ["gen-1&id=x#y z/é", "gen+plus%20", "gen?x=1;y", "gen-😀-\u0000-tab\t", " gen-padded "]
        for (const id of ids) {
          yield* Generations.getGeneration({ id }).pipe(Effect.provide(layerWith(mock)))
        }
        const requests = yield* mock.requests
        expect(requests.map((request) => request.url.searchParams.getAll("id"))).toEqual(ids.map((id) => [id]))
        expect(requests.map((request) => [...request.url.searchParams.keys()])).toEqual(ids.map(() => ["id"]))
        expect(requests[0].url.hash).toBe("")
        expect(requests[0].url.search).not.toContain("&")
      }))

    it.effect("keeps the base URL's own path", () =>
      Effect.gen(function*() {
        const mock = yield* always(full)
        yield* Generations.getGeneration({ id: "gen-1" }).pipe(
          Effect.provide(layerWith(mock, { baseUrl: "https://gateway.example.com/modelgates/api/v1/" }))
        )
        const [request] = yield* mock.requests
        expect(request.url.href).toBe("https://gateway.example.com/modelgates/api/v1/generation?id=gen-1")
      }))
  })

  describe("listGenerationContent", () => {
    it.effect("sends GET {baseUrl}/generation/content?id=… and decodes the content", () =>
      Effect.gen(function*() {
        const mock = yield* always(content)
        const response = yield* Generations.listGenerationContent({ id: "gen-7", httpReferer: "https://a.example/" })
          .pipe(Effect.provide(layerWith(mock)))
        expect(response).toBeInstanceOf(Models.GenerationContentResponse)
        expect(response.data.output.completion).toBe("42, give or take.")
        const [request] = yield* mock.requests
        expect(request.url.pathname).toBe("/api/v1/generation/content")
        expect(request.url.searchParams.get("id")).toBe("gen-7")
        expect(request.headers.authorization).toBe(`Bearer ${secretKey}`)
        expect(request.headers["http-referer"]).toBe("https://a.example/")
      }))
  })

  describe("bad input gets an InvalidRequestError and no request", () => {
    const cases: ReadonlyArray<readonly [string, Generations.GenerationRequest, string]> = [
      ["an empty id", { id: "" }, "id"],
      ["an id of only whitespace", { id: " \t\n " }, "id"],
      ["an id longer than 1,000 characters", { id: "g".repeat(1001) }, "id"],
      ["an id with a lone surrogate", { id: "gen-\uD800" }, "id"],
      ["an appTitle with a line break", { id: "gen-1", appTitle: "Notes\r\nX-Injected: 1" }, "appTitle"],
      ["an httpReferer with a LF", { id: "gen-1", httpReferer: "https://a.example/\n" }, "httpReferer"],
      ["appCategories with a NUL", { id: "gen-1", appCategories: "cli-agent\u0000" }, "appCategories"],
      ["an appTitle outside ISO-8859-1", { id: "gen-1", appTitle: "ノート" }, "appTitle"]
    ]
    for (const [what, request, field] of cases) {
      it.effect(what, () =>
        Effect.gen(function*() {
          const mock = yield* always(full)
          const errors = [
            yield* Generations.getGeneration(request).pipe(Effect.flip, Effect.provide(layerWith(mock))),
            yield* Generations.listGenerationContent(request).pipe(Effect.flip, Effect.provide(layerWith(mock)))
          ]
          for (const error of errors) {
            expect(error._tag).toBe("InvalidRequestError")
            expect(error._tag === "InvalidRequestError" && error.field).toBe(field)
            expect(error.isRetryable).toBe(false)
          }
          // Each message names the call it came from.
          expect(errors.map((error) => error.message.split(/[(:]/)[0])).toEqual([
            "Generations.getGeneration",
            "Generations.listGenerationContent"
          ])
          expect(yield* mock.requests).toHaveLength(0)
        }))
    }

    it.effect("an id of exactly 1,000 characters is sent", () =>
      Effect.gen(function*() {
        const mock = yield* always(full)
        yield* Generations.getGeneration({ id: "g".repeat(1000) }).pipe(Effect.provide(layerWith(mock)))
        expect(yield* mock.requests).toHaveLength(1)
      }))

    it.effect("a non-positive per-call timeout", () =>
      Effect.gen(function*() {
        const mock = yield* always(full)
        const error = yield* Generations.getGeneration({ id: "gen-1" }, { timeout: 0 }).pipe(
          Effect.flip,
          Effect.provide(layerWith(mock))
        )
        expect(error._tag === "InvalidRequestError" && error.field).toBe("timeout")
        expect(yield* mock.requests).toHaveLength(0)
      }))
  })

  describe("timeouts", () => {
    it.effect("an attempt that stalls in the middle of the body times out", () =>
      Effect.gen(function*() {
        const mock = yield* always(respond(200, fixture("generation.full.json"), { stallAfter: 100 }))
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }, { timeout: "2 seconds", retryPolicy: RetryPolicy.none }).pipe(
            Effect.provide(layerWith(mock))
          ),
          { step: "100 millis" }
        )
        const error = failureOf(exit)
        expect(error._tag).toBe("RequestTimeoutError")
        expect(error._tag === "RequestTimeoutError" && error.timeout).toEqual(Duration.seconds(2))
        expect(error.message).toContain("2s")
        expect(error._tag === "RequestTimeoutError" && error.isRetryable).toBe(true)
      }))

    it.effect("concurrent attempts each end at their own deadline, a shorter one started after a longer one too", () =>
      Effect.gen(function*() {
        // One timer serves every attempt of a clock: it must wake for the 5 s deadline that came in after the 30 s one.
        const answersIn20s = yield* always(respond(200, fixture("generation.full.json"), { delay: "20 seconds" }))
        const answersIn10s = yield* always(respond(200, fixture("generation.full.json"), { delay: "10 seconds" }))
        const call = (mock: typeof answersIn20s, timeout: Duration.DurationInput) =>
          Generations.getGeneration({ id: "gen-1" }, { timeout, retryPolicy: RetryPolicy.none }).pipe(
            Effect.provide(layerWith(mock)),
            Effect.either
          )
        const exit = yield* runWithTestClock(
          Effect.all([call(answersIn20s, "30 seconds"), call(answersIn10s, "5 seconds")], { concurrency: 2 }),
          { step: "250 millis" }
        )
        assert(Exit.isSuccess(exit))
        const [long, short] = exit.value
        expect(long._tag).toBe("Right")
        assert(short._tag === "Left" && short.left._tag === "RequestTimeoutError")
        expect(short.left.timeout).toEqual(Duration.seconds(5))
      }))

    it.effect("a plain number is milliseconds", () =>
      Effect.gen(function*() {
        const mock = yield* always(respond(200, fixture("generation.full.json"), { delay: "400 millis" }))
        const slow = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }, { timeout: 300, retryPolicy: RetryPolicy.none }).pipe(
            Effect.provide(layerWith(mock))
          )
        )
        const error = failureOf(slow)
        expect(error._tag).toBe("RequestTimeoutError")
        expect(error._tag === "RequestTimeoutError" && error.timeout).toEqual(Duration.millis(300))
        const fast = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }, { timeout: 500, retryPolicy: RetryPolicy.none }).pipe(
            Effect.provide(layerWith(mock))
          )
        )
        expect(Exit.isSuccess(fast)).toBe(true)
      }))

    it.effect("an infinite timeout turns it off", () =>
      Effect.gen(function*() {
        const mock = yield* always(respond(200, fixture("generation.full.json"), { delay: "2 hours" }))
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }).pipe(
            Effect.provide(layerWith(mock, { timeout: Infinity, retryPolicy: RetryPolicy.none }))
          ),
          { step: "10 minutes" }
        )
        expect(Exit.isSuccess(exit)).toBe(true)
      }))

    it.effect("the config's timeout applies when the call brings none", () =>
      Effect.gen(function*() {
        const mock = yield* always(respond(200, fixture("generation.full.json"), { delay: "31 seconds" }))
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }).pipe(
            Effect.provide(layerWith(mock, { retryPolicy: RetryPolicy.none }))
          ),
          { step: "500 millis" }
        )
        const error = failureOf(exit)
        expect(error._tag === "RequestTimeoutError" && error.timeout).toEqual(Duration.seconds(30))
      }))
  })

  describe("telemetry", () => {
    it.effect("one span per call, named after the function, with the generation id and never the key", () =>
      Effect.gen(function*() {
        const { spans, tracer } = makeRecordingTracer()
        const mock = yield* always(full)
        yield* Generations.getGeneration({ id: "gen-span" }).pipe(
          Effect.provide(layerWith(mock)),
          Effect.withTracer(tracer)
        )
        yield* Generations.listGenerationContent({ id: "gen-span" }).pipe(
          Effect.provide(Layer.merge((yield* always(content)).layer, ModelGatesConfig.layer({ apiKey: secretKey }))),
          Effect.withTracer(tracer)
        )
        const ours = spans.filter((span) => span.name.startsWith("Generations."))
        expect(ours.map((span) => span.name)).toEqual([
          "Generations.getGeneration",
          "Generations.listGenerationContent"
        ])
        for (const span of ours) {
          expect(span.attributes.get("modelgates.generation.id")).toBe("gen-span")
          expect(span.ended).toBe(true)
        }
        expect(util.inspect(spans, { depth: 10 })).not.toContain(secretKey)
      }))

    it.effect("nothing the SDK logs carries the key", () =>
      Effect.gen(function*() {
        const lines: Array<string> = []
        const logger = Logger.make(({ annotations, message }) => {
          lines.push(util.inspect({ message, annotations: [...annotations] }, { depth: 10 }))
        })
        const mock = yield* makeMock((n) => n === 0 ? respond(500, fixture("error.500.json")) : full)
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }).pipe(
            Effect.provide(layerWith(mock)),
            Effect.tapErrorCause(Effect.logError),
            Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
            Logger.withMinimumLogLevel(LogLevel.All)
          )
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(lines.join("\n")).not.toContain(secretKey)
      }))
  })
})
