/**
 * The SDK over a real socket on 127.0.0.1, on both HTTP layers of effect 4:
 * `FetchHttpClient` and `NodeHttpClient.layerUndici`. The server serves the
 * shared fixtures and scripted faults (test/utils/TestServer.ts).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as Generations from "../src/Generations.js"
import * as ModelGatesConfig from "../src/ModelGatesConfig.js"
import * as ModelGatesError from "../src/ModelGatesError.js"
import * as Models from "../src/Models.js"
import * as RetryPolicy from "../src/RetryPolicy.js"
import { fixture, testKey } from "./utils/MockHttp.js"
import * as TestServer from "./utils/TestServer.js"

const id = "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs"

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici]
]

/** The config of a test against the loopback server. */
const config = (options: Partial<ModelGatesConfig.Options> = {}) =>
  Layer.unwrap(Effect.map(Effect.service(TestServer.TestServer), (server) =>
    ModelGatesConfig.layer({
      apiKey: testKey,
      baseUrl: server.baseUrl,
      retryPolicy: RetryPolicy.none,
      ...options
    })))

const serve = (body: string, status = 200, headers: Record<string, string> = {}) =>
  Effect.flatMap(
    Effect.service(TestServer.TestServer),
    (server) => server.script(() => ({ status, body, headers }))
  )

const statusFixtures: ReadonlyArray<readonly [number, string, string]> = [
  [401, "error.401.json", "UnauthorizedResponseError"],
  [402, "error.402.json", "PaymentRequiredResponseError"],
  [403, "error.403.json", "ModelGatesDefaultError"],
  [404, "error.404.json", "NotFoundResponseError"],
  [429, "error.429.json", "TooManyRequestsResponseError"],
  [500, "error.500.json", "InternalServerResponseError"],
  [502, "error.502.json", "BadGatewayResponseError"],
  [524, "error.524.html", "EdgeNetworkTimeoutResponseError"],
  [529, "error.529.json", "ProviderOverloadedResponseError"]
]

/** A second server on another port of 127.0.0.1 (another origin), recording the Authorization headers it gets. */
const otherOrigin = Effect.acquireRelease(
  Effect.callback<
    { readonly url: string; readonly authorizations: Array<string | undefined>; readonly close: () => void }
  >(
    (resume) => {
      const authorizations: Array<string | undefined> = []
      const server = http.createServer((request, response) => {
        authorizations.push(request.headers.authorization)
        response.writeHead(401, { "content-type": "application/json" })
        response.end(fixture("error.401.json"))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, authorizations, close: () => server.close() }))
      })
    }
  ),
  (other) => Effect.sync(() => other.close())
)

const tenMegabytes = 10 * 1024 * 1024

for (const [name, transport] of transports) {
  describe(`over loopback, ${name}`, () => {
    const layer = (options: Partial<ModelGatesConfig.Options> = {}) =>
      Layer.provideMerge(Layer.merge(config(options), transport), TestServer.layerNodeHttp)

    it.effect("decodes every generation fixture, sent with the key and the id", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        for (const file of ["generation.full.json", "generation.null-heavy.json", "generation.future.json"]) {
          yield* serve(fixture(file))
          const response = yield* Generations.getGeneration({ id })
          assert.instanceOf(response.data, Models.GenerationData)
          expect(response.data.id).toBe(JSON.parse(fixture(file)).data.id)
        }
        const [first] = server.received
        expect(first.url.pathname).toBe("/api/v1/generation")
        expect(first.url.searchParams.get("id")).toBe(id)
        expect(first.headers.authorization).toBe(`Bearer ${testKey}`)
      }).pipe(Effect.provide(layer())))

    it.effect("decodes every content fixture", () =>
      Effect.gen(function*() {
        for (const file of ["content.messages.json", "content.prompt-legacy.json", "content.failed.json"]) {
          yield* serve(fixture(file))
          const response = yield* Generations.listGenerationContent({ id })
          assert.instanceOf(response, Models.GenerationContentResponse)
        }
      }).pipe(Effect.provide(layer())))

    it.effect("maps every error fixture's status to its error", () =>
      Effect.gen(function*() {
        for (const [status, file, tag] of statusFixtures) {
          yield* serve(fixture(file), status, { "retry-after": "7" })
          const error = yield* Effect.flip(Generations.getGeneration({ id }))
          expect(error._tag).toBe(tag)
          assert.isTrue(ModelGatesError.isModelGatesError(error))
          if ("status" in error && "retryAfter" in error) {
            expect(error.status).toBe(status)
            expect(Option.map(error.retryAfter, Duration.toMillis)).toEqual(Option.some(7000))
            expect(error.message).not.toContain(testKey)
          }
        }
      }).pipe(Effect.provide(layer())))

    it.effect("a 200 whose body is the wrong shape names the wire path", () =>
      Effect.gen(function*() {
        const body = JSON.parse(fixture("generation.full.json"))
        body.data.created_at = "yesterday"
        yield* serve(JSON.stringify(body))
        const error = yield* Effect.flip(Generations.getGeneration({ id }))
        assert.strictEqual(error._tag, "ResponseValidationError")
        if (error._tag === "ResponseValidationError") expect(error.path).toBe("data.created_at")
      }).pipe(Effect.provide(layer())))

    it.effect("a connection closed before the answer is a ConnectionError", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        yield* server.script(() => ({ fault: "reset" }))
        const error = yield* Effect.flip(Generations.getGeneration({ id }))
        assert.strictEqual(error._tag, "ConnectionError")
        assert.isTrue(error.isRetryable)
      }).pipe(Effect.provide(layer())))

    it.effect("a body cut off in the middle is a ConnectionError with the Decode reason", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        yield* server.script(() => ({ fault: "truncate", body: fixture("generation.full.json") }))
        const error = yield* Effect.flip(Generations.getGeneration({ id }))
        expect(error._tag).toBe("ConnectionError")
        if (error._tag === "ConnectionError") expect(error.reason).toBe("Decode")
      }).pipe(Effect.provide(layer())))

    it.effect("a stalled body times out on the TestClock, and the connection is released", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        yield* server.script(() => ({ fault: "stall" }))
        const fiber = yield* Effect.forkChild(Generations.getGeneration({ id }))
        yield* server.awaitRequests(1)
        yield* TestClock.adjust("2 seconds")
        const error = yield* Effect.flip(Fiber.join(fiber))
        expect(error._tag).toBe("RequestTimeoutError")
        yield* server.awaitNoOpenConnections
      }).pipe(Effect.provide(layer({ timeout: "2 seconds" }))))

    it.effect("interrupting a call closes its connection", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        yield* server.script(() => ({ fault: "stall" }))
        const fiber = yield* Effect.forkChild(Generations.getGeneration({ id }))
        yield* server.awaitRequests(1)
        yield* Fiber.interrupt(fiber)
        yield* server.awaitNoOpenConnections
      }).pipe(Effect.provide(layer())))

    it.effect("a 429 is retried after its Retry-After, then succeeds", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        yield* server.script((_, index) =>
          index === 0
            ? { status: 429, body: fixture("error.429.json"), headers: { "retry-after": "3" } }
            : { status: 200, body: fixture("generation.full.json") }
        )
        const fiber = yield* Effect.forkChild(Generations.getGeneration({ id }))
        yield* server.awaitRequests(1)
        // The backoff's own first wait is shorter: the second attempt waits for the server's 3 seconds.
        yield* TestClock.adjust("2999 millis")
        expect(server.received).toHaveLength(1)
        yield* TestClock.adjust("1 millis")
        const response = yield* Fiber.join(fiber)
        expect(response.data.model).toBeTypeOf("string")
        expect(server.received).toHaveLength(2)
      }).pipe(Effect.provide(layer({ retryPolicy: RetryPolicy.backoff({ jitter: false }) }))))

    it.effect("an id with reserved and non-ASCII characters arrives as one parameter with exactly that value", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        const odd = "gen-a&b=c d/é?#%"
        yield* serve(fixture("generation.full.json"))
        yield* Generations.getGeneration({ id: odd })
        expect([...server.received[0].url.searchParams.entries()]).toEqual([["id", odd]])
      }).pipe(Effect.provide(layer())))

    it.effect("a 10 MB generation decodes; a 10 MB error page becomes a typed error with its body cut short", () =>
      Effect.gen(function*() {
        const body = JSON.parse(fixture("generation.full.json"))
        body.data.user_agent = "x".repeat(tenMegabytes)
        yield* serve(JSON.stringify(body))
        const { data } = yield* Generations.getGeneration({ id })
        expect(data.userAgent?.length).toBe(tenMegabytes)
        yield* serve(`<html>${"<p>upstream exploded</p>".repeat(tenMegabytes / 24)}</html>`, 500)
        const error = yield* Effect.flip(Generations.getGeneration({ id }))
        assert(error._tag === "InternalServerResponseError")
        expect(error.body.length).toBe(10_000)
      }).pipe(Effect.provide(layer())))

    it.effect("a redirect to another origin never carries the Authorization header there", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        const other = yield* otherOrigin
        yield* server.script(() => ({
          status: 307,
          headers: { location: `${other.url}/api/v1/generation?id=${id}` }
        }))
        const error = yield* Effect.flip(Generations.getGeneration({ id }))
        // A client that follows the redirect gets the other origin's 401; one that does not, the 307 itself.
        expect(["UnauthorizedResponseError", "ModelGatesDefaultError"]).toContain(error._tag)
        expect(other.authorizations).toEqual(error._tag === "UnauthorizedResponseError" ? [undefined] : [])
        expect(server.received[0].headers.authorization).toBe(`Bearer ${testKey}`)
      }).pipe(Effect.provide(layer())))

    it.effect("getGenerations over the socket: one element per id", () =>
      Effect.gen(function*() {
        const server = yield* TestServer.TestServer
        yield* server.script((request) =>
          request.url.searchParams.get("id") === "gen-missing"
            ? { status: 404, body: fixture("error.404.json") }
            : { status: 200, body: fixture("generation.full.json") }
        )
        const lookups = yield* Stream.runCollect(
          Generations.getGenerations(["gen-a", "gen-missing", "gen-b"], { concurrency: 2 })
        )
        expect(lookups.map((lookup) => [lookup.id, lookup._tag])).toEqual([
          ["gen-a", "Found"],
          ["gen-missing", "Failed"],
          ["gen-b", "Found"]
        ])
      }).pipe(Effect.provide(layer())))
  })
}
