import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Option, Schedule, ScheduleDecision, ScheduleIntervals } from "effect"
import { Generations, ModelGatesError, RetryPolicy } from "../src/index.js"
import { always, fail, fixture, layerWith, respond, sequence } from "./utils/MockHttp.js"
import { runWithTestClock } from "./utils/TestTime.js"

const statusError = (status: number, retryAfter?: Duration.DurationInput): ModelGatesError.ModelGatesError => {
  const props = {
    status,
    message: `HTTP ${status}`,
    body: "",
    headers: {},
    retryAfter: retryAfter === undefined ? Option.none() : Option.some(Duration.decode(retryAfter)),
    code: status,
    metadata: null,
    userId: null,
    url: "https://modelgates.ai/api/v1/generation?id=gen-1"
  }
  switch (status) {
    case 404:
      return new ModelGatesError.NotFoundResponseError(props)
    case 429:
      return new ModelGatesError.TooManyRequestsResponseError(props)
    case 500:
      return new ModelGatesError.InternalServerResponseError(props)
    default:
      return new ModelGatesError.ModelGatesDefaultError(props)
  }
}

const connectionError = new ModelGatesError.ConnectionError({ message: "reset", url: "https://x/generation" })

/**
 * The waits a policy chooses for a run of failures, in milliseconds, stepping
 * the schedule by hand; the list ends where the policy gives up.
 */
const waits = (policy: RetryPolicy.RetryPolicy, failures: ReadonlyArray<ModelGatesError.ModelGatesError>) =>
  Effect.gen(function*() {
    const chosen: Array<number> = []
    let state = policy.initial
    let now = 0
    for (const failure of failures) {
      const [next, , decision] = yield* policy.step(now, failure, state)
      if (ScheduleDecision.isDone(decision)) break
      const resumeAt = ScheduleIntervals.start(decision.intervals)
      chosen.push(resumeAt - now)
      now = resumeAt
      state = next
    }
    return chosen
  })

const times = <A>(n: number, value: A): ReadonlyArray<A> => Array.from({ length: n }, () => value)

/**
 * A jittered wait is between 80% and 120% of its nominal value (Schedule.jittered's defaults); `slack` covers a wait
 * measured under a TestClock moved in steps, which may end up to one step late.
 */
const expectJittered = (actual: number, nominal: number, slack = 0) => {
  expect(actual).toBeGreaterThanOrEqual(nominal * 0.8 - 1e-6)
  expect(actual).toBeLessThanOrEqual(nominal * 1.2 + slack + 1e-6)
}

describe("RetryPolicy", () => {
  describe("defaultPolicy", () => {
    it.effect("retries a retryable error 5 times, backing off from 500 ms by 1.5 with jitter", () =>
      Effect.gen(function*() {
        const delays = yield* waits(RetryPolicy.defaultPolicy, times(20, statusError(500)))
        expect(delays).toHaveLength(5)
        delays.forEach((delay, n) => expectJittered(delay, 500 * 1.5 ** n))
      }))

    it.effect("does not retry what is not worth retrying", () =>
      Effect.gen(function*() {
        for (const status of [400, 401, 402, 403, 404, 418]) {
          expect(yield* waits(RetryPolicy.defaultPolicy, times(5, statusError(status)))).toEqual([])
        }
        const invalid = new ModelGatesError.InvalidRequestError({ message: "empty", field: "id" })
        expect(yield* waits(RetryPolicy.defaultPolicy, [invalid])).toEqual([])
        for (const status of [408, 429, 500, 502, 503, 504, 524, 529]) {
          expect(yield* waits(RetryPolicy.defaultPolicy, [statusError(status)])).toHaveLength(1)
        }
        expect(yield* waits(RetryPolicy.defaultPolicy, [connectionError])).toHaveLength(1)
      }))

    it.effect("stops at the first error that is not worth retrying", () =>
      Effect.gen(function*() {
        const delays = yield* waits(RetryPolicy.defaultPolicy, [statusError(500), statusError(502), statusError(401)])
        expect(delays).toHaveLength(2)
      }))

    it.effect("honours Retry-After when it is longer than the backoff", () =>
      Effect.gen(function*() {
        const delays = yield* waits(RetryPolicy.defaultPolicy, [statusError(429, "3 seconds"), statusError(429, 100)])
        expect(delays[0]).toBe(3000)
        expectJittered(delays[1], 750)
      }))

    it.effect("fails at once when the server asks to wait more than 60 seconds", () =>
      Effect.gen(function*() {
        expect(yield* waits(RetryPolicy.defaultPolicy, [statusError(429, "61 seconds")])).toEqual([])
        expect(yield* waits(RetryPolicy.defaultPolicy, [statusError(429, "60 seconds")])).toEqual([60_000])
        expect(yield* waits(RetryPolicy.defaultPolicy, [statusError(429, "3 hours")])).toEqual([])
      }))

    it.effect("never plans a wait that ends past 2 minutes", () =>
      Effect.gen(function*() {
        const delays = yield* waits(RetryPolicy.defaultPolicy, times(5, statusError(429, "50 seconds")))
        expect(delays).toEqual([50_000, 50_000])
      }))
  })

  describe("none", () => {
    it.effect("never retries", () =>
      Effect.gen(function*() {
        expect(yield* waits(RetryPolicy.none, times(3, statusError(500)))).toEqual([])
      }))
  })

  describe("backoff", () => {
    it.effect("takes the official clients' knobs", () =>
      Effect.gen(function*() {
        const policy = RetryPolicy.backoff({
          initialInterval: 1000,
          exponent: 2,
          maxInterval: "5 seconds",
          maxRetries: 4
        })
        const delays = yield* waits(policy, times(10, statusError(503)))
        expect(delays).toHaveLength(4)
        expectJittered(delays[0], 1000)
        expectJittered(delays[1], 2000)
        expectJittered(delays[2], 4000)
        expect(delays[3]).toBeCloseTo(5000, 3)
      }))

    it.effect("honours Retry-After only up to maxRetryAfter, whatever maxInterval is", () =>
      Effect.gen(function*() {
        const policy = RetryPolicy.backoff({ maxRetryAfter: "10 seconds", maxInterval: "2 seconds" })
        expect(yield* waits(policy, [statusError(429, "8 seconds")])).toEqual([8000])
        expect(yield* waits(policy, [statusError(429, "11 seconds")])).toEqual([])
        expect(yield* waits(RetryPolicy.backoff({ maxInterval: "2 seconds" }), [statusError(429, "50 seconds")]))
          .toEqual([50_000])
      }))

    it.effect("jitter: false gives the nominal waits", () =>
      Effect.gen(function*() {
        const policy = RetryPolicy.backoff({ jitter: false })
        const delays = yield* waits(policy, times(10, statusError(500)))
        expect(delays.map(Math.round)).toEqual([500, 750, 1125, 1688, 2531])
      }))

    it.effect("keeps within maxElapsedTime", () =>
      Effect.gen(function*() {
        const policy = RetryPolicy.backoff({ initialInterval: "4 seconds", exponent: 1, maxElapsedTime: "10 seconds" })
        const delays = yield* waits(policy, times(10, statusError(500)))
        expect(delays.length).toBeGreaterThanOrEqual(2)
        expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(10_000)
      }))

    it.effect("maxElapsedTime: the last wait may end at the budget, not past it", () =>
      Effect.gen(function*() {
        const within = (maxElapsedTime: Duration.DurationInput) =>
          waits(
            RetryPolicy.backoff({ initialInterval: "4 seconds", exponent: 1, jitter: false, maxElapsedTime }),
            times(10, statusError(500))
          )
        expect(yield* within("11999 millis")).toEqual([4000, 4000])
        expect(yield* within("12 seconds")).toEqual([4000, 4000, 4000])
      }))

    it.effect("retryConnectionErrors: false leaves connection errors and timeouts alone", () =>
      Effect.gen(function*() {
        const policy = RetryPolicy.backoff({ retryConnectionErrors: false })
        const timeout = new ModelGatesError.RequestTimeoutError({
          message: "slow",
          url: "x",
          timeout: Duration.seconds(1)
        })
        expect(yield* waits(policy, [connectionError])).toEqual([])
        expect(yield* waits(policy, [timeout])).toEqual([])
        expect(yield* waits(policy, [statusError(500)])).toHaveLength(1)
      }))
  })

  describe("building blocks", () => {
    it.effect("compose with any Schedule", () =>
      Effect.gen(function*() {
        const policy: RetryPolicy.RetryPolicy = Schedule.spaced("2 seconds").pipe(
          RetryPolicy.whileRetryable,
          RetryPolicy.honorRetryAfter({ max: "30 seconds" }),
          Schedule.intersect(Schedule.recurs(3))
        )
        expect(yield* waits(policy, times(10, statusError(502)))).toEqual([2000, 2000, 2000])
        expect(yield* waits(policy, [statusError(429, "10 seconds"), statusError(404)])).toEqual([10_000])
        expect(yield* waits(policy, [statusError(429, "31 seconds")])).toEqual([])
      }))
  })

  describe("applied to calls", () => {
    it.effect("the config's policy: a 500 is tried 6 times, with the backoff's waits between", () =>
      Effect.gen(function*() {
        const mock = yield* always(respond(500, fixture("error.500.json")))
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }).pipe(Effect.provide(layerWith(mock)))
        )
        expect(Exit.isFailure(exit)).toBe(true)
        const requests = yield* mock.requests
        expect(requests).toHaveLength(6)
        requests.slice(1).forEach((request, n) => expectJittered(request.at - requests[n].at, 500 * 1.5 ** n, 10))
      }))

    it.effect("a 429 is retried after its Retry-After, then succeeds", () =>
      Effect.gen(function*() {
        const mock = yield* sequence(
          respond(429, fixture("error.429.json"), { headers: { "retry-after": "2" } }),
          respond(200, fixture("generation.full.json"))
        )
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }).pipe(Effect.provide(layerWith(mock)))
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        const requests = yield* mock.requests
        expect(requests).toHaveLength(2)
        expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(2000)
        expect(requests[1].at - requests[0].at).toBeLessThan(2100)
      }))

    it.effect("a quota-style 429 fails at once, after one attempt", () =>
      Effect.gen(function*() {
        const mock = yield* always(respond(429, fixture("error.429.json"), { headers: { "retry-after": "86400" } }))
        const error = yield* Generations.getGeneration({ id: "gen-1" }).pipe(
          Effect.flip,
          Effect.provide(layerWith(mock))
        )
        expect(error._tag).toBe("TooManyRequestsResponseError")
        expect(yield* mock.requests).toHaveLength(1)
      }))

    it.effect("a 404 is not retried by default", () =>
      Effect.gen(function*() {
        const mock = yield* always(respond(404, fixture("error.404.json")))
        const error = yield* Generations.listGenerationContent({ id: "gen-1" }).pipe(
          Effect.flip,
          Effect.provide(layerWith(mock))
        )
        expect(error._tag).toBe("NotFoundResponseError")
        expect(yield* mock.requests).toHaveLength(1)
      }))

    it.effect("a per-call policy overrides the config's", () =>
      Effect.gen(function*() {
        const mock = yield* always(fail("connection reset"))
        const layer = layerWith(mock, { retryPolicy: RetryPolicy.none })
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }, {
            retryPolicy: RetryPolicy.backoff({ maxRetries: 2, initialInterval: 100 })
          }).pipe(Effect.provide(layer))
        )
        expect(Exit.isFailure(exit)).toBe(true)
        expect(yield* mock.requests).toHaveLength(3)
        yield* Generations.getGeneration({ id: "gen-1" }).pipe(Effect.flip, Effect.provide(layer))
        expect(yield* mock.requests).toHaveLength(4)
      }))

    it.effect("a timeout is per attempt, and retried", () =>
      Effect.gen(function*() {
        const mock = yield* sequence(
          respond(200, fixture("generation.full.json"), { delay: "10 seconds" }),
          respond(200, fixture("generation.full.json"))
        )
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }, { timeout: "1 second" }).pipe(Effect.provide(layerWith(mock))),
          { step: "50 millis" }
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        const requests = yield* mock.requests
        expect(requests).toHaveLength(2)
        // The timeout, then one jittered wait of 400 to 600 ms: no more.
        expectJittered(requests[1].at - requests[0].at - 1000, 500, 2 * 50)
      }))
  })
})
