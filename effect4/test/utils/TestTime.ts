import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"

/**
 * Runs an effect to its end under the TestClock, moving the clock by `step`
 * each time the effect is left waiting on it: retries and polls take no real
 * time, and the clock shows when each thing happened.
 */
export const runWithTestClock = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options: { readonly step?: Duration.Input } = {}
) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(Effect.exit(effect))
    for (;;) {
      const exit = fiber.pollUnsafe()
      if (exit !== undefined) return yield* Fiber.join(fiber)
      yield* TestClock.adjust(options.step ?? "10 millis")
    }
  })
