/**
 * The SDK against the simulator over real HTTP on 127.0.0.1, with both
 * platform clients: every scripted fault ends in the right typed error, or a
 * success, after the right number of attempts, and what the server saw become of each request.
 */
import { FetchHttpClient } from "@effect/platform"
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, expect, it } from "@effect/vitest"
import { Generations, ModelGatesConfig, Models, RetryPolicy } from "@modelgates/effect"
import type { ModelGatesError } from "@modelgates/effect"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as ModelGatesSimulatorServer from "@modelgates/effect/testing/ModelGatesSimulatorServer"
import { Cause, Clock, Effect, Exit, Fiber, Layer, Schedule } from "effect"
import type { Duration } from "effect"
import type { Scope } from "effect"
import { faultCases as sharedFaultCases } from "./scenarios/simulatorFaults.js"

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
    Schedule.intersect(Schedule.recurs(times))
  )

interface Setup {
  readonly retries?: number
  readonly timeout?: Duration.DurationInput
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
    Effect.orElse(() => simulator.requests)
  )

const tagOf = (exit: Exit.Exit<unknown, ModelGatesError.ModelGatesError>): string =>
  Exit.match(exit, {
    onSuccess: () => "Success",
    onFailure: (cause) => cause._tag === "Fail" ? cause.error._tag : `defect: ${cause.toString()}`
  })

const faultCases = sharedFaultCases(ModelGatesSimulator)

describe.each(clients)("SDK over loopback with $name", (client) => {
  describe("scripted faults", () => {
    for (const faultCase of faultCases) {
      it.scopedLive(
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

    // A timed-out attempt never reaches the caller's own fibers.
    for (const faultCase of faultCases.filter((faultCase) => faultCase.expected === "RequestTimeoutError")) {
      it.scopedLive(`${faultCase.name}, from a caller with a forked fiber of its own`, () =>
        onServer(client, faultCase.setup ?? {}, ({ simulator }, id) =>
          Effect.gen(function*() {
            yield* simulator.script({ id }, ...faultCase.faults)
            const child = yield* Effect.fork(Effect.never)
            const exit = yield* Effect.exit(Generations.getGeneration({ id }))
            expect(tagOf(exit)).toBe(faultCase.expected)
            // Had the timeout reached the child, its exit would name another interruptor than this fiber.
            const childExit = yield* Fiber.interrupt(child)
            assert(Exit.isFailure(childExit))
            expect([...Cause.interruptors(childExit.cause)]).toEqual([yield* Effect.fiberId])
            const log = yield* logWhen(simulator, (log) => log.every((entry) => entry.outcome !== "pending"))
            expect(log.map((entry) => entry.outcome)).toEqual(faultCase.outcomes)
          })))
    }
  })

  describe("service behaviour", () => {
    it.scopedLive("metadata and content decode, as stored", () =>
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

    it.scopedLive("an unknown key gets 401, and the log never holds the key", () =>
      onServer(client, { apiKey: "sk-mg-not-a-key" }, ({ simulator }, id) =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(Generations.getGeneration({ id }))
          expect(error._tag).toBe("UnauthorizedResponseError")
          const [entry] = yield* simulator.requests
          expect(entry.headers["authorization"]).toBe("<redacted>")
          expect(JSON.stringify(yield* simulator.requests)).not.toContain("sk-mg-not-a-key")
        })))

    it.scopedLive("the rate limit answers 429 with Retry-After, and the retry after it succeeds", () =>
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

    it.scopedLive("a scripted header Node cannot send becomes a 500, not a hang", () =>
      onServer(client, {}, ({ simulator }, id) =>
        Effect.gen(function*() {
          yield* simulator.script({ id }, ModelGatesSimulator.respond(200, { headers: { "x-bad": "line\nbreak" } }))
          const error = yield* Effect.flip(Generations.getGeneration({ id }))
          assert(error._tag === "InternalServerResponseError")
          expect(error.body).toContain("could not send its reply")
        })))

    it.scopedLive("a generation that is not ready yet is found once it is", () =>
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
          const fiber = yield* Effect.fork(Generations.getGeneration({ id }))
          yield* logWhen(simulator, (log) => log.some(started))
          yield* Fiber.interrupt(fiber)
          const log = yield* logWhen(simulator, (log) => log.some((entry) => entry.outcome === "aborted"))
          expect(log.map((entry) => entry.outcome)).toEqual(["aborted"])
        }))

    it.scopedLive("closes the connection while the server delays the headers", () =>
      interruptedWhile(ModelGatesSimulator.deliver({ delay: "10 seconds" }), () => true))

    it.scopedLive("closes the connection while the body stalls", () =>
      interruptedWhile(ModelGatesSimulator.deliver({ stallAfter: 10 }), (entry) => entry.status === 200))
  })

  describe("large bodies", () => {
    const tenMegabytes = 10 * 1024 * 1024

    it.scopedLive("a 10 MB generation decodes", () =>
      onServer(client, {}, ({ simulator }, id) =>
        Effect.gen(function*() {
          const [stored] = yield* simulator.generations
          const huge = new Models.GenerationResponse({
            data: new Models.GenerationData({ ...stored.data, userAgent: "x".repeat(tenMegabytes) })
          })
          yield* simulator.script({ id }, ModelGatesSimulator.respond(200, { body: huge }))
          const { data } = yield* Generations.getGeneration({ id })
          expect(data.userAgent?.length).toBe(tenMegabytes)
        })))

    it.scopedLive("a 10 MB error page becomes a typed error with its body cut short", () =>
      onServer(client, {}, ({ simulator }, id) =>
        Effect.gen(function*() {
          const page = `<html>${"<p>upstream exploded</p>".repeat(tenMegabytes / 24)}</html>`
          yield* simulator.script({ id }, ModelGatesSimulator.respond(500, { body: page }))
          const error = yield* Effect.flip(Generations.getGeneration({ id }))
          assert(error._tag === "InternalServerResponseError")
          expect(error.body.length).toBe(10_000)
        })))
  })

  describe("redirects", () => {
    it.scopedLive("to the same origin", () =>
      onServer(client, {}, ({ simulator, url }, id) =>
        Effect.gen(function*() {
          const target = `${url}/generation?${new URLSearchParams({ id })}`
          yield* simulator.script({ id }, ModelGatesSimulator.redirect(target))
          const { exit } = yield* timed(Generations.getGeneration({ id }))
          const log = yield* simulator.requests
          if (client.followsRedirects) {
            expect(tagOf(exit)).toBe("Success")
            expect(log.map((entry) => [entry.status, entry.headers["authorization"]])).toEqual([
              [307, "<redacted>"],
              [200, "<redacted>"]
            ])
          } else {
            expect(tagOf(exit)).toBe("ModelGatesDefaultError")
            expect(log.map((entry) => entry.status)).toEqual([307])
          }
        })))

    it.scopedLive("to another origin never carries Authorization there", () =>
      onServer(client, {}, ({ simulator, url }, id) =>
        Effect.gen(function*() {
          const elsewhere = yield* ModelGatesSimulatorServer.serve({ seed: 11, readyAfter: 0 })
          expect(new URL(elsewhere.url).origin).not.toBe(new URL(url).origin)
          yield* simulator.script(
            { id },
            ModelGatesSimulator.redirect(`${elsewhere.url}/generation?${new URLSearchParams({ id })}`)
          )
          const { exit } = yield* timed(Generations.getGeneration({ id }))
          const there = yield* elsewhere.simulator.requests
          expect(there.every((entry) => entry.headers["authorization"] === undefined)).toBe(true)
          if (client.followsRedirects) {
            expect(there).toHaveLength(1)
            expect(tagOf(exit)).toBe("UnauthorizedResponseError")
          } else {
            expect(there).toHaveLength(0)
            expect(tagOf(exit)).toBe("ModelGatesDefaultError")
          }
        })))
  })
})

describe("serve", () => {
  it.scopedLive("stops cleanly with connections open, and frees its port", () =>
    Effect.gen(function*() {
      const port = yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* ModelGatesSimulatorServer.serve()
        const [generation] = yield* server.simulator.generations
        yield* server.simulator.script({ id: generation.id }, ModelGatesSimulator.deliver({ stallAfter: 10 }))
        const config = ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey, baseUrl: server.url })
        yield* Effect.forkScoped(
          Generations.getGeneration({ id: generation.id }).pipe(
            Effect.provide(Layer.merge(FetchHttpClient.layer, config))
          )
        )
        yield* logWhen(server.simulator, (log) => log.length > 0)
        return server.port
      }))
      // The same port can be listened on again at once.
      const again = yield* ModelGatesSimulatorServer.serve({ port })
      expect(again.port).toBe(port)
    }))

  it.scopedLive("fails with ServeError when the port is taken", () =>
    Effect.gen(function*() {
      const first = yield* ModelGatesSimulatorServer.serve()
      const error = yield* Effect.flip(ModelGatesSimulatorServer.serve({ port: first.port }))
      expect(error._tag).toBe("ServeError")
      expect(error.message).toBe(`cannot listen on 127.0.0.1:${first.port}: the port is in use (EADDRINUSE)`)
    }))
})
