/**
 * Time for tests over the in-memory simulator: its response bodies are web
 * streams, whose promise callbacks must run between steps of the TestClock.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"

/** Lets promise callbacks (the bodies' web streams) run. */
export const flushMicrotasks = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/**
 * Runs an effect while moving the TestClock forward `step` at a time, at most
 * `maxSteps` times; dies if it has not finished by then.
 */
export const withTime = <A, E, R>(effect: Effect.Effect<A, E, R>, step: Duration.Input, maxSteps = 2000) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(effect)
    for (let i = 0; i < maxSteps; i++) {
      yield* flushMicrotasks
      if (fiber.pollUnsafe() !== undefined) return yield* Fiber.join(fiber)
      yield* TestClock.adjust(step)
    }
    yield* Fiber.interrupt(fiber)
    return yield* Effect.die(
      `still running after ${maxSteps} steps of ${Duration.format(Duration.fromInputUnsafe(step))}`
    )
  })
