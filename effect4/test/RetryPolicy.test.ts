import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { Generations, ModelGatesError, RetryPolicy } from "../src/index.js"
import { fixture, json, replies, testConfig } from "./utils/MockHttp.js"
import { runWithTestClock } from "./utils/TestTime.js"

const statusError = (status: number, retryAfter?: Duration.Input): ModelGatesError.ModelGatesError => {
  const props = {
    status,
    message: `HTTP ${status}`,
    body: "",
    headers: {},
    retryAfter: retryAfter === undefined ? Option.none() : Option.some(Duration.fromInputUnsafe(retryAfter)),
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

const connectionError = new ModelGatesError.ConnectionError({
  message: "reset",
  url: "https://x/generation",
  reason: "Transport"
})

/**
 * The waits a policy chooses for a run of failures, in milliseconds, stepping
 * the schedule by hand; the list ends where the policy gives up.
 */
const waits = (policy: RetryPolicy.RetryPolicy, failures: ReadonlyArray<ModelGatesError.ModelGatesError>) =>
  Effect.gen(function*() {
    const step = yield* Schedule.toStep(policy)
    const chosen: Array<number> = []
    let now = 0
    for (const failure of failures) {
      const exit = yield* Effect.exit(step(now, failure))
      if (Exit.isFailure(exit)) break
      const delay = Duration.toMillis(exit.value[1])
      chosen.push(delay)
      now += delay
    }
    return chosen
  })

const times = <A>(n: number, value: A): ReadonlyArray<A> => Array.from({ length: n }, () => value)

/** A jittered wait is between 80% and 120% of its nominal value; `slack` covers a TestClock moved in steps. */
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

  it.effect("none never retries", () =>
    Effect.gen(function*() {
      expect(yield* waits(RetryPolicy.none, times(3, statusError(500)))).toEqual([])
    }))

  describe("backoff", () => {
    it.effect("takes the official clients' knobs, plain numbers as milliseconds", () =>
      Effect.gen(function*() {
        const policy = RetryPolicy.backoff({ initialInterval: 1000, exponent: 2, maxInterval: 5000, maxRetries: 4 })
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
      }))

    it.effect("jitter: false gives the nominal waits", () =>
      Effect.gen(function*() {
        const delays = yield* waits(RetryPolicy.backoff({ jitter: false }), times(10, statusError(500)))
        expect(delays.map(Math.round)).toEqual([500, 750, 1125, 1688, 2531])
      }))

    it.effect("maxElapsedTime: the last wait may end at the budget, not past it", () =>
      Effect.gen(function*() {
        const within = (maxElapsedTime: Duration.Input) =>
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

  it.effect("the building blocks compose with any Schedule", () =>
    Effect.gen(function*() {
      const policy: RetryPolicy.RetryPolicy = Schedule.spaced("2 seconds").pipe(
        RetryPolicy.whileRetryable,
        RetryPolicy.honorRetryAfter({ max: "30 seconds" }),
        Schedule.upTo({ times: 3 })
      )
      expect(yield* waits(policy, times(10, statusError(502)))).toEqual([2000, 2000, 2000])
      expect(yield* waits(policy, [statusError(429, "10 seconds"), statusError(404)])).toEqual([10_000])
      expect(yield* waits(policy, [statusError(429, "31 seconds")])).toEqual([])
    }))

  describe("applied to calls", () => {
    it.effect("the config's policy: a 500 is tried 6 times, with the backoff's waits between", () =>
      Effect.gen(function*() {
        const http = replies(json(500, fixture("error.500.json")))
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }).pipe(
            Effect.provide([http.layer, testConfig({ retryPolicy: RetryPolicy.defaultPolicy })])
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        expect(http.sentAt).toHaveLength(6)
        http.sentAt.slice(1).forEach((at, n) => expectJittered(at - http.sentAt[n], 500 * 1.5 ** n, 10))
      }))

    it.effect("a quota-style 429 fails at once, after one attempt", () =>
      Effect.gen(function*() {
        const http = replies(json(429, fixture("error.429.json"), { "retry-after": "86400" }))
        const error = yield* Generations.getGeneration({ id: "gen-1" }).pipe(
          Effect.flip,
          Effect.provide([http.layer, testConfig({ retryPolicy: RetryPolicy.defaultPolicy })])
        )
        expect(error._tag).toBe("TooManyRequestsResponseError")
        expect(http.sent).toHaveLength(1)
      }))

    it.effect("a per-call policy overrides the config's", () =>
      Effect.gen(function*() {
        const http = replies({ fail: "transport" })
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }, {
            retryPolicy: RetryPolicy.backoff({ maxRetries: 2, initialInterval: 100 })
          }).pipe(Effect.provide([http.layer, testConfig()]))
        )
        expect(Exit.isFailure(exit)).toBe(true)
        expect(http.sent).toHaveLength(3)
      }))

    it.effect("a timeout is per attempt, and retried", () =>
      Effect.gen(function*() {
        const http = replies(
          { effect: Effect.as(Effect.sleep("10 seconds"), json(200, fixture("generation.full.json"))) },
          json(200, fixture("generation.full.json"))
        )
        const exit = yield* runWithTestClock(
          Generations.getGeneration({ id: "gen-1" }, { timeout: "1 second" }).pipe(
            Effect.provide([http.layer, testConfig({ retryPolicy: RetryPolicy.defaultPolicy })])
          ),
          { step: "50 millis" }
        )
        expect(Exit.isSuccess(exit)).toBe(true)
        expect(http.sentAt).toHaveLength(2)
        expectJittered(http.sentAt[1] - http.sentAt[0] - 1000, 500, 2 * 50)
      }))
  })
})
