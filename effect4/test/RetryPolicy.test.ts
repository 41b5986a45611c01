import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import {
  failureFrom,
  type FailureMakers,
  policyCases,
  policyFrom,
  wrongWaits
} from "../../test/scenarios/retryPolicies.js"
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

const failures: FailureMakers<ModelGatesError.ModelGatesError> = {
  status: statusError,
  connection: () => connectionError,
  timeout: () => new ModelGatesError.RequestTimeoutError({ message: "slow", url: "x", timeout: Duration.seconds(1) }),
  invalidRequest: () => new ModelGatesError.InvalidRequestError({ message: "empty", field: "id" })
}

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
  describe("the shared policy table (test/scenarios/retryPolicies.ts)", () => {
    for (const { failures: run, name, policy, waits: expected } of policyCases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          const planned = yield* waits(
            policyFrom(policy, RetryPolicy),
            run.map((failure) => failureFrom(failure, failures))
          )
          expect(wrongWaits(planned, expected)).toBeUndefined()
        }))
    }
  })

  it.effect("backoff takes durations in any form Duration reads", () =>
    Effect.gen(function*() {
      const policy = RetryPolicy.backoff({ initialInterval: "1 second", maxInterval: "5 seconds", jitter: false })
      expect(yield* waits(policy, times(6, statusError(500)))).toEqual([1000, 1500, 2250, 3375, 5000])
    }))

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
