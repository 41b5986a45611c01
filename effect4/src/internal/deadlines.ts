/**
 * Per-attempt timeouts with one timer per `Clock` instead of one per attempt.
 *
 * Each attempt runs in a fiber of its own and registers its deadline with the
 * clock's watchdog (`core/Deadlines.ts`). A single detached fiber per clock
 * sleeps until the earliest deadline and interrupts the attempts whose time
 * is up; it ends as soon as no attempt is registered, so nothing keeps the
 * process alive or outlives a call. Under `TestClock` the sleeper sleeps on
 * the test clock, so tests drive it. docs/benchmarks.md compares this with
 * `Effect.timeoutOrElse`, which races a timer fiber against each attempt.
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Deadlines from "../../../core/Deadlines.js"

type Watchdog = Deadlines.Watchdog<Fiber.Fiber<unknown, unknown>, Fiber.Fiber<void>>

const watchdogOf = Deadlines.watchdogs<Clock.Clock, Fiber.Fiber<unknown, unknown>, Fiber.Fiber<void>>()

/** Stops a sleeper without waiting for it: it only sleeps. */
const stop = (sleeper: Fiber.Fiber<void> | undefined): void => sleeper?.interruptUnsafe()

const sleeper = (dog: Watchdog, clock: Clock.Clock, generation: number): Effect.Effect<void> =>
  Effect.flatMap(clock.currentTimeMillis, (now) =>
    Effect.andThen(
      clock.sleep(Duration.millis(Math.max(0, dog.wakeAt - now))),
      Effect.suspend(() => {
        const woke = Deadlines.wake(dog, generation, clock.currentTimeMillisUnsafe())
        if (woke === undefined) return Effect.void
        for (const fiber of woke.expired) fiber.interruptUnsafe()
        return woke.again ? sleeper(dog, clock, generation) : Effect.void
      })
    ))

/**
 * `self` bounded by `timeout`, in a fiber of its own that starts at once with
 * the caller's services (`Effect.runForkWith`) and that the caller awaits:
 * when the time is up the fiber is interrupted (aborting its request) and,
 * once it has ended, the call fails with `onTimeout()`, even if the attempt
 * could not be interrupted and finished late. Interrupting the caller
 * interrupts the attempt and waits for it.
 */
export const bounded = <A, E, E2>(
  self: Effect.Effect<A, E>,
  timeout: Duration.Duration,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.clockWith((clock) =>
    Effect.flatMap(Effect.context<never>(), (context) =>
      Effect.callback<A, E | E2>((resume) => {
        const dog = watchdogOf(clock)
        const deadline = clock.currentTimeMillisUnsafe() + Duration.toMillis(timeout)
        const fork = Effect.runForkWith(context)
        const fiber = fork(self)
        const watched = Deadlines.watch(dog, deadline, fiber)
        fiber.addObserver((exit) => {
          stop(Deadlines.unwatch(dog, watched))
          resume(watched.expired ? Effect.fail(onTimeout()) : exit)
        })
        const rearmed = watched.done ? undefined : Deadlines.rearm(dog, deadline)
        if (rearmed !== undefined) {
          stop(rearmed.stop)
          const started = fork(sleeper(dog, clock, rearmed.generation))
          if (dog.generation === rearmed.generation) dog.sleeper = started
        }
        return Fiber.interrupt(fiber)
      }))
  )
