import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Exit, Option, Schedule, ScheduleDecision, ScheduleIntervals } from "effect"
import { Generations, ModelGatesError, RetryPolicy } from "../src/index.js"
import { failureFrom, type FailureMakers, policyCases, policyFrom, wrongWaits } from "./scenarios/retryPolicies.js"
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

  describe("backoff", () => {
    it.effect("keeps jittered waits within maxElapsedTime", () =>
      Effect.gen(function*() {
        const policy = RetryPolicy.backoff({ initialInterval: "4 seconds", exponent: 1, maxElapsedTime: "10 seconds" })
        const delays = yield* waits(policy, times(10, statusError(500)))
        expect(delays.length).toBeGreaterThanOrEqual(2)
        expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(10_000)
      }))

    it.effect("takes durations in any form Duration reads", () =>
      Effect.gen(function*() {
        const policy = RetryPolicy.backoff({ initialInterval: "1 second", maxInterval: "5 seconds", jitter: false })
        expect(yield* waits(policy, times(6, statusError(500)))).toEqual([1000, 1500, 2250, 3375, 5000])
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
