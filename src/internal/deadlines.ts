/**
 * Per-attempt timeouts with one timer per `Clock` instead of one per attempt.
 *
 * Each attempt runs in a fiber of its own and registers its deadline with the
 * clock's watchdog (`core/Deadlines.ts`). A single daemon fiber per clock
 * sleeps until the earliest deadline and interrupts the attempts whose time
 * is up; it ends as soon as no attempt is registered, so nothing keeps the
 * process alive or outlives a call. Under `TestClock` the sleeper sleeps on
 * the test clock, so tests drive it. docs/benchmarks.md compares this with a
 * timer fiber per attempt (`Effect.timeoutFail`).
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as Runtime from "effect/Runtime"
import * as Deadlines from "../../core/Deadlines.js"

type Watchdog = Deadlines.Watchdog<Fiber.RuntimeFiber<unknown, unknown>, Fiber.RuntimeFiber<void>>

const watchdogOf = Deadlines.watchdogs<Clock.Clock, Fiber.RuntimeFiber<unknown, unknown>, Fiber.RuntimeFiber<void>>()

/** Interrupts fibers without waiting for them. */
const interruptAll = (fibers: Iterable<Fiber.RuntimeFiber<unknown, unknown>>): Effect.Effect<void> =>
  Effect.forEach(fibers, (fiber) => Fiber.interruptAsFork(fiber, FiberId.none), { discard: true })

/** Stops a sleeper, if any, without waiting for it: it only sleeps. */
const stop = (sleeper: Fiber.RuntimeFiber<void> | undefined): Effect.Effect<void> =>
  sleeper === undefined ? Effect.void : Fiber.interruptAsFork(sleeper, FiberId.none)

const sleeper = (dog: Watchdog, clock: Clock.Clock, generation: number): Effect.Effect<void> =>
  Effect.flatMap(clock.currentTimeMillis, (now) =>
    Effect.zipRight(
      clock.sleep(Duration.millis(Math.max(0, dog.wakeAt - now))),
      Effect.suspend(() => {
        const woke = Deadlines.wake(dog, generation, clock.unsafeCurrentTimeMillis())
        if (woke === undefined) return Effect.void
        const fire = interruptAll(woke.expired)
        return woke.again ? Effect.zipRight(fire, sleeper(dog, clock, generation)) : fire
      })
    ))

/** Makes sure a sleeper wakes by `deadline`, replacing one that would wake later. */
const wakeBy = (dog: Watchdog, clock: Clock.Clock, deadline: number): Effect.Effect<void> => {
  const rearmed = Deadlines.rearm(dog, deadline)
  if (rearmed === undefined) return Effect.void
  return Effect.zipRight(
    stop(rearmed.stop),
    Effect.flatMap(Effect.forkDaemon(Effect.interruptible(sleeper(dog, clock, rearmed.generation))), (fiber) => {
      if (dog.generation !== rearmed.generation) return stop(fiber)
      dog.sleeper = fiber
      return Effect.void
    })
  )
}

/** Forgets an attempt's deadline, stopping the sleeper when no attempt is left. */
const unwatch = (dog: Watchdog, watched: Deadlines.Watch<Fiber.RuntimeFiber<unknown, unknown>>): Effect.Effect<void> =>
  Effect.suspend(() => stop(Deadlines.unwatch(dog, watched)))

/**
 * `self` bounded by `timeout`, in a fiber of its own that starts at once
 * (`Runtime.runFork`, in the caller's runtime: its context, span and
 * `FiberRef`s) and that the caller awaits: when the time is up the fiber is
 * interrupted (aborting its request) and, once it has ended, the call fails
 * with `onTimeout()`, even if the attempt could not be interrupted and
 * finished late. Interrupting the caller interrupts the attempt and waits for
 * it. On success the attempt's `FiberRef`s are kept, as a race keeps its
 * winner's.
 */
export const bounded = <A, E, E2>(
  self: Effect.Effect<A, E>,
  timeout: Duration.Duration,
  onTimeout: () => E2
): Effect.Effect<A, E | E2> =>
  Effect.clockWith((clock) =>
    Effect.flatMap(Effect.runtime<never>(), (runtime) =>
      Effect.async<A, E | E2>((resume) => {
        const dog = watchdogOf(clock)
        const deadline = clock.unsafeCurrentTimeMillis() + Duration.toMillis(timeout)
        const fiber = Runtime.runFork(runtime)(self)
        const watched = Deadlines.watch(dog, deadline, fiber)
        fiber.addObserver((exit) => {
          watched.done = true
          const result: Effect.Effect<A, E | E2> = watched.expired
            ? Effect.fail(onTimeout())
            : Exit.isSuccess(exit)
            ? Effect.as(Fiber.inheritAll(fiber), exit.value)
            : exit
          resume(Effect.zipRight(unwatch(dog, watched), result))
        })
        if (!watched.done && dog.wakeAt > deadline) Runtime.runFork(runtime)(wakeBy(dog, clock, deadline))
        return Effect.zipRight(Fiber.interrupt(fiber), unwatch(dog, watched))
      }))
  )
