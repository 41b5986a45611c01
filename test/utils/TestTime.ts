/**
 * Runs an effect under the TestClock, moving time forward in small steps and
 * letting real I/O (promises of in-memory responses) settle between steps,
 * until the effect ends. Bounded: it gives up after `maxSteps`.
 */
import type { Exit } from "effect"
import { Duration, Effect, Fiber, Option, TestClock } from "effect"

export const runWithTestClock = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options: { readonly step?: Duration.DurationInput; readonly maxSteps?: number } = {}
): Effect.Effect<Exit.Exit<A, E>, never, R> =>
  Effect.gen(function*() {
    const step = Duration.decode(options.step ?? "10 millis")
    const maxSteps = options.maxSteps ?? 50_000
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < maxSteps; i++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return done.value
      yield* Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))
      yield* TestClock.adjust(step)
    }
    yield* Fiber.interrupt(fiber)
    throw new Error(`the effect did not end within ${maxSteps} steps of ${Duration.format(step)}`)
  })
