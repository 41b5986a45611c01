/**
 * waitForGeneration and getGenerations, in memory and under TestClock: every
 * wait is checked exactly, nothing sleeps for real.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, Chunk, Clock, Duration, Effect, Exit, Fiber, Layer, Option, Schedule, Stream, TestClock } from "effect"
import { Generations, ModelGatesConfig, ModelGatesError, RetryPolicy } from "../src/index.js"
import * as Waiting from "./scenarios/waiting.js"
import { fixtureJson, secretKey } from "./utils/MockHttp.js"
import { runWithTestClock } from "./utils/TestTime.js"

const generationBody = (id: string): string => {
  const body = fixtureJson("generation.full.json")
  return JSON.stringify({ ...body, data: { ...(body.data as object), id } })
}

const envelope = (status: number, message: string) => JSON.stringify({ error: { code: status, message } })

interface Answer {
  readonly status: number
  readonly body: string
  readonly headers?: Record<string, string>
  readonly delay?: Duration.DurationInput
}

interface Arrival {
  readonly id: string
  readonly at: number
}

/**
 * A server in memory: `answer(id, n)` for the n-th request of that id. It
 * records arrival times and the most requests it ever had in flight at once.
 */
const makeServer = (answer: (id: string, n: number) => Answer) =>
  Effect.sync(() => {
    const arrivals: Array<Arrival> = []
    const perId = new Map<string, number>()
    let inFlight = 0
    let maxInFlight = 0
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const id = url.searchParams.get("id") ?? ""
        const n = perId.get(id) ?? 0
        perId.set(id, n + 1)
        arrivals.push({ id, at: yield* Clock.currentTimeMillis })
        inFlight++
        maxInFlight = Math.max(maxInFlight, inFlight)
        const reply = answer(id, n)
        yield* Effect.sleep(reply.delay ?? "10 millis").pipe(Effect.ensuring(Effect.sync(() => inFlight--)))
        return HttpClientResponse.fromWeb(
          request,
          new Response(reply.body, {
            status: reply.status,
            headers: { "content-type": "application/json", ...reply.headers }
          })
        )
      })
    )
    const layer = Layer.merge(
      Layer.succeed(HttpClient.HttpClient, client),
      ModelGatesConfig.layer({ apiKey: secretKey, retryPolicy: RetryPolicy.backoff({ jitter: false }) })
    )
    return { layer, arrivals, perId, maxInFlight: () => maxInFlight }
  })

// How many elements Stream.fromIterable reads from an iterable at once.
const chunkSize = 4096

/** Lets the in-memory responses (real promises) settle before the clock moves. */
const settle = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve))).pipe(Effect.repeatN(4))

const found = (id: string): Answer => ({ status: 200, body: generationBody(id) })
const notFound: Answer = { status: 404, body: envelope(404, "Generation not found") }

/** The error a failed exit failed with, if any. */
const failureOf = <A, E>(exit: Exit.Exit<A, E>): E | undefined =>
  Exit.isFailure(exit) ? Option.getOrUndefined(Cause.failureOption(exit.cause)) : undefined

/** The in-memory server's answer for a lookup of the shared waiting scenarios. */
const answerOf = (id: string, lookup: Waiting.Lookup): Answer => {
  const delay = Duration.millis(lookup.delay)
  if (lookup.answer === "found") return { ...found(id), delay }
  if (lookup.answer === "notFound") return { ...notFound, delay }
  const headers = { "retry-after": String(lookup.answer.retryAfterSeconds) }
  return { status: 429, body: envelope(429, "slow down"), headers, delay }
}

describe("Generations.waitForGeneration", () => {
  for (const scenario of Waiting.cases) {
    it.effect(scenario.name, () =>
      Effect.gen(function*() {
        const server = yield* makeServer((id, n) => answerOf(id, scenario.lookup(n)))
        const fiber = yield* Generations.waitForGeneration({ id: scenario.id }, {
          maxWait: scenario.maxWait === undefined ? undefined : Duration.millis(scenario.maxWait),
          poll: scenario.pollSpaced === undefined ? undefined : Schedule.spaced(Duration.millis(scenario.pollSpaced))
        }).pipe(Effect.provide(server.layer), Effect.exit, Effect.fork)
        for (const step of scenario.steps) {
          yield* settle
          yield* TestClock.adjust(Duration.millis(step))
        }
        const exit = yield* Fiber.join(fiber)
        expect(server.arrivals.map((arrival) => arrival.at)).toEqual(scenario.arrivals)
        const outcome = scenario.outcome
        if (outcome._tag === "Found") {
          assert(Exit.isSuccess(exit))
          expect(exit.value.data.id).toBe(scenario.id)
          return
        }
        const error = failureOf(exit)
        assert(error?._tag === "GenerationNotReadyError")
        expect(error.id).toBe(scenario.id)
        expect(error.attempts).toBe(outcome.attempts)
        expect(error.elapsed).toEqual(Duration.millis(outcome.elapsed))
        expect(error.isRetryable).toBe(false)
        if (outcome.message !== undefined) expect(error.message).toBe(outcome.message)
      }))
  }

  it.effect("errors other than 404 are not polled: a 401 fails at once", () =>
    Effect.gen(function*() {
      const server = yield* makeServer(() => ({ status: 401, body: envelope(401, "Invalid API key"), delay: 0 }))
      const error = yield* Generations.waitForGeneration({ id: "gen-1" }).pipe(
        Effect.provide(server.layer),
        Effect.flip
      )
      expect(error._tag).toBe("UnauthorizedResponseError")
      expect(server.arrivals).toHaveLength(1)
    }))

  it.effect("its error union has no NotFoundResponseError and has GenerationNotReadyError", () =>
    Effect.sync(() => {
      const tags = ModelGatesError.WaitForGenerationError.members.map((member) => member._tag)
      expect(tags).not.toContain("NotFoundResponseError")
      expect(tags).toContain("GenerationNotReadyError")
      expect(tags).toContain("TooManyRequestsResponseError")
    }))
})

describe("Generations.getGenerations", () => {
  const ids = (n: number, prefix = "gen-") => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

  /** The SDK's default config over a client of the test's own. */
  const layerOf = (client: HttpClient.HttpClient) =>
    Layer.merge(Layer.succeed(HttpClient.HttpClient, client), ModelGatesConfig.layer({ apiKey: secretKey }))

  const run = <E, LE>(
    stream: Stream.Stream<Generations.GenerationLookup, E, ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient>,
    layer: Layer.Layer<ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient, LE>
  ) =>
    Effect.map(
      runWithTestClock(Stream.runCollect(stream).pipe(Effect.provide(layer)), { step: "10 millis" }),
      (exit) => {
        assert(exit._tag === "Success")
        return Chunk.toReadonlyArray(exit.value)
      }
    )

  it.effect("one element per distinct id, in input order; a bad id fails only its own element", () =>
    Effect.gen(function*() {
      const server = yield* makeServer((id) => id.startsWith("gen-missing") ? notFound : found(id))
      const input = ["gen-a", "gen-missing-1", "gen-b", "gen-a", "", "gen-c", "gen-b"]
      const lookups = yield* run(Generations.getGenerations(input), server.layer)
      expect(lookups.map((lookup) => [lookup._tag, lookup.id])).toEqual([
        ["Found", "gen-a"],
        ["Failed", "gen-missing-1"],
        ["Found", "gen-b"],
        ["Failed", ""],
        ["Found", "gen-c"]
      ])
      const [a, missing, , empty] = lookups
      assert(a !== undefined && Generations.isFound(a))
      expect(a.generation.id).toBe("gen-a")
      assert(missing !== undefined && Generations.isFailed(missing))
      expect(missing.error._tag).toBe("NotFoundResponseError")
      assert(empty !== undefined && Generations.isFailed(empty))
      expect(empty.error._tag).toBe("InvalidRequestError")
      // Duplicates were fetched once; the empty id was never sent.
      expect([...server.perId.entries()].sort()).toEqual(
        [["gen-a", 1], ["gen-b", 1], ["gen-c", 1], ["gen-missing-1", 1]]
      )
    }))

  it.effect("ordered: false emits as lookups complete", () =>
    Effect.gen(function*() {
      const delays: Record<string, Duration.DurationInput> = {
        "gen-slow": "300 millis",
        "gen-mid": "200 millis",
        "gen-fast": "100 millis"
      }
      const server = yield* makeServer((id) => ({ ...found(id), delay: delays[id]! }))
      const input = ["gen-slow", "gen-mid", "gen-fast"]
      const asCompleted = yield* run(Generations.getGenerations(input, { ordered: false }), server.layer)
      expect(asCompleted.map((lookup) => lookup.id)).toEqual(["gen-fast", "gen-mid", "gen-slow"])
      const ordered = yield* run(Generations.getGenerations(input), server.layer)
      expect(ordered.map((lookup) => lookup.id)).toEqual(input)
    }))

  it.effect("in order, a slow first id holds back the elements, not the work, up to 16 × concurrency ids ahead", () =>
    Effect.gen(function*() {
      const server = yield* makeServer((id) => ({ ...found(id), delay: id === "gen-0" ? "60 seconds" : "1 second" }))
      const emitted: Array<string> = []
      const fiber = yield* Stream.runForEach(
        Generations.getGenerations(ids(100), { concurrency: 2, timeout: "2 minutes" }),
        (lookup) => Effect.sync(() => emitted.push(lookup.id))
      ).pipe(Effect.provide(server.layer), Effect.fork)
      for (let second = 0; second < 30; second++) {
        yield* settle
        yield* TestClock.adjust("1 second")
      }
      yield* settle
      // The other worker went on through the window (32 ids: gen-0 and 31 more)
      // and then waited; nothing could be emitted before gen-0.
      expect(server.arrivals.map((arrival) => arrival.id)).toEqual(ids(32))
      expect(emitted).toEqual([])
      for (let second = 30; second < 200 && emitted.length < 100; second++) {
        yield* TestClock.adjust("1 second")
        yield* settle
      }
      yield* Fiber.join(fiber)
      expect(emitted).toEqual(ids(100))
      expect(server.arrivals).toHaveLength(100)
    }))

  it.effect("a defect in a lookup ends the stream with that defect", () =>
    Effect.gen(function*() {
      const client = HttpClient.make(() => Effect.die("the client broke"))
      const layer = layerOf(client)
      const exit = yield* Stream.runCollect(Generations.getGenerations(ids(10), { concurrency: 3 })).pipe(
        Effect.provide(layer),
        Effect.exit
      )
      assert(exit._tag === "Failure")
      expect(Cause.dieOption(exit.cause)).toEqual(Option.some("the client broke"))
    }))

  it.effect("never runs more lookups at once than its concurrency", () =>
    Effect.gen(function*() {
      const server = yield* makeServer((id) => ({ ...found(id), delay: "50 millis" }))
      const lookups = yield* run(Generations.getGenerations(ids(60), { concurrency: 5 }), server.layer)
      expect(lookups).toHaveLength(60)
      expect(server.maxInFlight()).toBe(5)
    }))

  it.effect("requestsPerSecond holds over every one-second window, retries included", () =>
    Effect.gen(function*() {
      // Every id fails once with a 500 and is retried: the retries share the limit.
      const server = yield* makeServer((id, n) =>
        n === 0 ? { status: 500, body: envelope(500, "boom"), delay: 0 } : { ...found(id), delay: 0 }
      )
      const lookups = yield* run(
        Generations.getGenerations(ids(20), { concurrency: 20, requestsPerSecond: 10 }),
        server.layer
      )
      expect(lookups.every(Generations.isFound)).toBe(true)
      const times = server.arrivals.map((arrival) => arrival.at).sort((a, b) => a - b)
      expect(times).toHaveLength(40)
      for (const start of times) {
        expect(times.filter((at) => at >= start && at < start + 1000).length).toBeLessThanOrEqual(10)
      }
    }))

  it.effect("one 429 with Retry-After pauses every lookup of the stream until the wait has passed", () =>
    Effect.gen(function*() {
      let stormed = false
      const server = yield* makeServer((id, n) => {
        if (id === "gen-5" && n === 0) {
          stormed = true
          return { status: 429, body: envelope(429, "slow down"), headers: { "retry-after": "4" }, delay: 0 }
        }
        return { ...found(id), delay: "100 millis" }
      })
      const lookups = yield* run(Generations.getGenerations(ids(30), { concurrency: 4 }), server.layer)
      expect(stormed).toBe(true)
      expect(lookups.every(Generations.isFound)).toBe(true)
      const storm = server.arrivals.find((arrival) => arrival.id === "gen-5")!
      const during = server.arrivals.filter((arrival) => arrival.at > storm.at && arrival.at < storm.at + 4000)
      expect(during).toEqual([])
      expect(server.arrivals.filter((arrival) => arrival.at >= storm.at + 4000).length).toBeGreaterThan(0)
    }))

  it.effect("a 429 that comes in during a pause extends it for every lookup", () =>
    Effect.gen(function*() {
      const slowDown = { status: 429, body: envelope(429, "slow down"), headers: { "retry-after": "4" } }
      const server = yield* makeServer((id, n) => {
        if (id === "gen-a" && n === 0) return { ...slowDown, delay: 0 }
        // Already on its way when the first 429 came back: answered a second later.
        if (id === "gen-b" && n === 0) return { ...slowDown, delay: "1 second" }
        if (id === "gen-c") return { ...found(id), delay: "100 millis" }
        return { ...found(id), delay: 0 }
      })
      const lookups = yield* run(
        Generations.getGenerations(["gen-a", "gen-b", "gen-c", "gen-d"], { concurrency: 3 }),
        server.layer
      )
      expect(lookups.every(Generations.isFound)).toBe(true)
      // gen-a's 429 at 0 pauses until 4 s; gen-b's at 1 s extends that to 5 s.
      const after = server.arrivals.filter((arrival) => arrival.at > 1000)
      expect(after.map((arrival) => arrival.id).sort()).toEqual(["gen-a", "gen-b", "gen-d"])
      for (const arrival of after) expect(arrival.at).toBeGreaterThanOrEqual(5000)
    }))

  it.effect("wait: true waits for ids that are not ready yet", () =>
    Effect.gen(function*() {
      const server = yield* makeServer((id, n) => (id === "gen-late" && n < 3 ? notFound : found(id)))
      const lookups = yield* run(Generations.getGenerations(["gen-late", "gen-now"], { wait: true }), server.layer)
      expect(lookups.map((lookup) => lookup._tag)).toEqual(["Found", "Found"])
      expect(server.perId.get("gen-late")).toBe(4)
    }))

  it.effect("takes a Stream of ids; its error ends the stream after every id it gave is emitted", () =>
    Effect.gen(function*() {
      for (const ordered of [true, false]) {
        const server = yield* makeServer(found)
        const source = Stream.concat(Stream.make("gen-1", "gen-2", "gen-3"), Stream.fail("the file went away" as const))
        const emitted: Array<string> = []
        const exit = yield* runWithTestClock(
          Stream.runForEach(
            Generations.getGenerations(source, { ordered }),
            (lookup) => Effect.sync(() => emitted.push(lookup.id))
          ).pipe(Effect.provide(server.layer))
        )
        assert(exit._tag === "Failure")
        expect(Cause.failureOption(exit.cause)).toEqual(Option.some("the file went away"))
        expect([...emitted].sort()).toEqual(["gen-1", "gen-2", "gen-3"])
      }
    }))

  it.effect("dedupe: false looks up and emits every id, duplicates included", () =>
    Effect.gen(function*() {
      const server = yield* makeServer(found)
      const lookups = yield* run(
        Generations.getGenerations(["gen-a", "gen-b", "gen-a"], { dedupe: false }),
        server.layer
      )
      expect(lookups.map((lookup) => [lookup._tag, lookup.id])).toEqual([
        ["Found", "gen-a"],
        ["Found", "gen-b"],
        ["Found", "gen-a"]
      ])
      expect(server.perId.get("gen-a")).toBe(2)
    }))

  it.effect("a plain string is refused: at compile time, and as a defect from untyped code", () =>
    Effect.gen(function*() {
      const server = yield* makeServer(found)
      // @ts-expect-error a string is an Iterable<string> of its characters, not a list of ids
      const stream = Generations.getGenerations("gen-1")
      const exit = yield* Stream.runDrain(stream).pipe(Effect.provide(server.layer), Effect.exit)
      assert(exit._tag === "Failure")
      const defect = Cause.dieOption(exit.cause)
      assert(Option.isSome(defect) && Cause.isIllegalArgumentException(defect.value))
      expect(defect.value.message).toContain("got a string")
      expect(server.perId.size).toBe(0)
    }))

  it.effect("interrupting the stream interrupts every request in flight", () =>
    Effect.gen(function*() {
      let interrupted = 0
      const client = HttpClient.make(() =>
        Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => interrupted++)))
      )
      const layer = layerOf(client)
      const fiber = yield* Stream.runDrain(Generations.getGenerations(ids(100), { concurrency: 6 })).pipe(
        Effect.provide(layer),
        Effect.fork
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      expect(interrupted).toBe(6)
    }))

  it.effect("pulls ids as workers free up: a million-id source is not read ahead", () =>
    Effect.gen(function*() {
      const server = yield* makeServer((id) => ({ ...found(id), delay: "1 second" }))
      let pulled = 0
      function* many() {
        for (let i = 0; i < 1_000_000; i++) {
          pulled++
          yield `gen-${i}`
        }
      }
      const fiber = yield* Stream.runDrain(Stream.take(Generations.getGenerations(many(), { concurrency: 4 }), 8)).pipe(
        Effect.provide(server.layer),
        Effect.fork
      )
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      // In order, 16 × concurrency ids are taken ahead; Stream.fromIterable reads its source a chunk at a time.
      expect(pulled).toBeLessThanOrEqual(16 * 4 + chunkSize)
    }))
})
