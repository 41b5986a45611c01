/**
 * The SDK against `ModelGatesSimulatorServer` over real HTTP on 127.0.0.1,
 * with both platform clients, as the Effect 3 line's test/Loopback.test.ts
 * runs it: every scripted fault ends in the right typed error, or a success,
 * after the right number of attempts, and the server's log shows what became
 * of each request (an interrupted call closes its connection: `aborted`).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { faultCases as sharedFaultCases } from "../../test/scenarios/simulatorFaults.js"
import { Generations, ModelGatesConfig, RetryPolicy } from "../src/index.js"
import type { ModelGatesError } from "../src/index.js"
import { ModelGatesSimulator } from "../src/testing/index.js"
import * as ModelGatesSimulatorServer from "../src/testing/ModelGatesSimulatorServer.js"

interface Client {
  readonly name: string
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  /** fetch follows redirects itself; undici's `request` answers them. */
  readonly followsRedirects: boolean
}

const clients: ReadonlyArray<Client> = [
  { name: "FetchHttpClient", layer: FetchHttpClient.layer, followsRedirects: true },
  { name: "NodeHttpClient.layerUndici", layer: NodeHttpClient.layerUndici, followsRedirects: false }
]

/** Retries every retryable error 10 ms apart, honouring Retry-After up to a second. */
const retries = (times: number): RetryPolicy.RetryPolicy =>
  Schedule.spaced("10 millis").pipe(
    RetryPolicy.whileRetryable,
    RetryPolicy.honorRetryAfter({ max: "1 second" }),
    Schedule.upTo({ times })
  )

interface Setup {
  readonly retries?: number
  readonly timeout?: Duration.Input
  readonly apiKey?: string
  readonly serve?: ModelGatesSimulatorServer.ServeOptions
}

type Sdk = HttpClient.HttpClient | ModelGatesConfig.ModelGatesConfig

/**
 * Serves a simulator for one test, and runs `body` with the SDK pointed at
 * it through `client`, given the id of a logged generation.
 */
const onServer = <A, E>(
  client: Client,
  setup: Setup,
  body: (server: ModelGatesSimulatorServer.Server, id: string) => Effect.Effect<A, E, Sdk | Scope.Scope>
): Effect.Effect<A, E | ModelGatesSimulatorServer.ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const server = yield* ModelGatesSimulatorServer.serve({ seed: 11, readyAfter: 0, ...setup.serve })
    const [generation] = yield* server.simulator.generations
    const config = ModelGatesConfig.layer({
      apiKey: setup.apiKey ?? ModelGatesSimulator.defaultApiKey,
      baseUrl: server.url,
      timeout: setup.timeout ?? "2 seconds",
      retryPolicy: retries(setup.retries ?? 0)
    })
    return yield* body(server, generation.id).pipe(Effect.provide(Layer.merge(client.layer, config)))
  }).pipe(Effect.orDie)

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const exit = yield* Effect.exit(effect)
    return { exit, elapsed: (yield* Clock.currentTimeMillis) - start }
  })

/** Reads the request log until `until` holds, for a second at most, then as it is. */
const logWhen = (
  simulator: ModelGatesSimulator.Service,
  until: (log: ReadonlyArray<ModelGatesSimulator.LoggedRequest>) => boolean
) =>
  simulator.requests.pipe(
    Effect.filterOrFail(until, () => "not yet"),
    Effect.retry({ schedule: Schedule.spaced("5 millis"), times: 200 }),
    Effect.catch(() => simulator.requests)
  )

const tagOf = (exit: Exit.Exit<unknown, ModelGatesError.ModelGatesError>): string =>
  Exit.isSuccess(exit)
    ? "Success"
    : exit.cause.reasons.find(Cause.isFailReason)?.error._tag ?? `defect: ${Cause.pretty(exit.cause)}`

const faultCases = sharedFaultCases(ModelGatesSimulator)

describe.each(clients)("SDK over loopback with $name", (client) => {
  describe("scripted faults", () => {
    for (const faultCase of faultCases) {
      it.live(
        faultCase.name,
        () =>
          onServer(client, faultCase.setup ?? {}, ({ simulator }, id) =>
            Effect.gen(function*() {
              yield* simulator.script({ id }, ...faultCase.faults)
              const { elapsed, exit } = yield* timed(Generations.getGeneration({ id }))
              expect(tagOf(exit)).toBe(faultCase.expected)
              const log = yield* logWhen(simulator, (log) => log.every((entry) => entry.outcome !== "pending"))
              expect(log.map((entry) => entry.query["id"])).toEqual(Array(faultCase.attempts).fill(id))
              if (faultCase.outcomes !== undefined) {
                expect(log.map((entry) => entry.outcome)).toEqual(faultCase.outcomes)
              }
              expect(elapsed).toBeGreaterThanOrEqual(faultCase.atLeast ?? 0)
            }))
      )
    }
  })

  describe("service behaviour", () => {
    it.live("metadata and content decode, as stored", () =>
      onServer(client, {}, ({ simulator }) =>
        Effect.gen(function*() {
          for (const generation of yield* simulator.generations) {
            const { data } = yield* Generations.getGeneration({ id: generation.id })
            expect(data).toEqual(generation.data)
            if (generation.content !== null) {
              expect((yield* Generations.listGenerationContent({ id: generation.id })).data).toEqual(generation.content)
            }
          }
        })))

    it.live("an unknown key gets 401, and the log never holds the key", () =>
      onServer(client, { apiKey: "sk-mg-not-a-key" }, ({ simulator }, id) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Generations.getGeneration({ id }))
          expect(error._tag).toBe("UnauthorizedResponseError")
          const [entry] = yield* simulator.requests
          expect(entry.headers["authorization"]).toBe("<redacted>")
          expect(JSON.stringify(yield* simulator.requests)).not.toContain("sk-mg-not-a-key")
        })))

    it.live("the rate limit answers 429 with Retry-After, and the retry after it succeeds", () =>
      onServer(
        client,
        { retries: 2, serve: { rateLimit: { requests: 1, window: "200 millis" } } },
        ({ simulator }, id) =>
          Effect.gen(function*() {
            yield* Generations.getGeneration({ id })
            const { elapsed, exit } = yield* timed(Generations.getGeneration({ id }))
            expect(tagOf(exit)).toBe("Success")
            expect((yield* simulator.requests).map((entry) => entry.status)).toEqual([200, 429, 200])
            expect(elapsed).toBeGreaterThanOrEqual(100)
          })
      ))

    it.live("a scripted header Node cannot send becomes a 500, not a hang", () =>
      onServer(client, {}, ({ simulator }, id) =>
        Effect.gen(function*() {
          yield* simulator.script({ id }, ModelGatesSimulator.respond(200, { headers: { "x-bad": "line\nbreak" } }))
          const error = yield* Effect.flip(Generations.getGeneration({ id }))
          assert(error._tag === "InternalServerResponseError")
          expect(error.body).toContain("could not send its reply")
        })))

    it.live("a generation that is not ready yet is found once it is", () =>
      onServer(client, {}, ({ simulator }) =>
        Effect.gen(function*() {
          const fresh = yield* simulator.add({ readyAfter: "150 millis" })
          const waitForIt = Generations.getGeneration({ id: fresh.id }).pipe(
            Effect.retry({
              schedule: Schedule.spaced("25 millis"),
              while: (error) => error._tag === "NotFoundResponseError",
              times: 40
            })
          )
          const { elapsed, exit } = yield* timed(waitForIt)
          expect(tagOf(exit)).toBe("Success")
          expect(elapsed).toBeGreaterThanOrEqual(100)
        })))
  })

  describe("interruption", () => {
    const interruptedWhile = (
      fault: ModelGatesSimulator.Fault,
      started: (entry: ModelGatesSimulator.LoggedRequest) => boolean
    ) =>
      onServer(client, {}, ({ simulator }, id) =>
        Effect.gen(function*() {
          yield* simulator.script({ id }, fault)
          const fiber = yield* Effect.forkChild(Generations.getGeneration({ id }))
          yield* logWhen(simulator, (log) => log.some(started))
          yield* Fiber.interrupt(fiber)
          const log = yield* logWhen(simulator, (log) => log.some((entry) => entry.outcome === "aborted"))
          expect(log.map((entry) => entry.outcome)).toEqual(["aborted"])
        }))

    it.live("closes the connection while the server delays the headers", () =>
      interruptedWhile(ModelGatesSimulator.deliver({ delay: "10 seconds" }), () => true))

    it.live("closes the connection while the body stalls", () =>
      interruptedWhile(ModelGatesSimulator.deliver({ stallAfter: 10 }), (entry) => entry.status === 200))
  })
})
