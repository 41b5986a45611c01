/**
 * Per-attempt timeouts with one timer per `Clock` instead of one per attempt.
 *
 * Each attempt runs in a fiber of its own and registers its deadline here. A
 * single daemon fiber per clock sleeps until the earliest deadline and
 * interrupts the attempts whose time is up; it ends as soon as no attempt is
 * registered, so nothing keeps the process alive or outlives a call. Under
 * `TestClock` the sleeper sleeps on the test clock, so tests drive it.
 * docs/benchmarks.md compares this with a timer fiber per attempt
 * (`Effect.timeoutFail`).
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as Runtime from "effect/Runtime"

/** One attempt's deadline. */
interface Watch {
  readonly deadline: number
  fiber: Fiber.RuntimeFiber<unknown, unknown> | undefined
  /** The attempt has ended: its deadline no longer matters. */
  done: boolean
  /** The deadline passed while the attempt was still running. */
  expired: boolean
}

/** The deadlines of one clock, and its sleeper. */
interface Watchdog {
  readonly watches: Set<Watch>
  /** When the sleeper wakes; `Infinity` when there is none. */
  wakeAt: number
  /** Bumped whenever the sleeper is replaced or stopped: a sleeper of an older generation ends. */
  generation: number
  sleeper: Fiber.RuntimeFiber<void> | undefined
}

const watchdogs = new WeakMap<Clock.Clock, Watchdog>()

const watchdogOf = (clock: Clock.Clock): Watchdog => {
  let dog = watchdogs.get(clock)
  if (dog === undefined) {
    dog = { watches: new Set(), wakeAt: Infinity, generation: 0, sleeper: undefined }
    watchdogs.set(clock, dog)
  }
  return dog
}

const stopSleeper = (dog: Watchdog): Effect.Effect<void> => {
  const sleeper = dog.sleeper
  dog.sleeper = undefined
  dog.wakeAt = Infinity
  dog.generation++
  return sleeper === undefined ? Effect.void : Fiber.interruptAsFork(sleeper, FiberId.none)
}

/** Interrupts the attempts whose deadline has passed; answers the next deadline. */
const expire = (dog: Watchdog, now: number): { readonly next: number; readonly fire: Effect.Effect<void> } => {
  let next = Infinity
  const expired: Array<Fiber.RuntimeFiber<unknown, unknown>> = []
  for (const watch of dog.watches) {
    if (watch.deadline > now) {
      next = Math.min(next, watch.deadline)
    } else {
      dog.watches.delete(watch)
      if (!watch.done && watch.fiber !== undefined) {
        watch.expired = true
        expired.push(watch.fiber)
      }
    }
  }
  const fire = Effect.forEach(expired, (fiber) => Fiber.interruptAsFork(fiber, FiberId.none), { discard: true })
  return { next, fire }
}

const sleeper = (dog: Watchdog, clock: Clock.Clock, generation: number): Effect.Effect<void> =>
  Effect.flatMap(clock.currentTimeMillis, (now) =>
    Effect.zipRight(
      clock.sleep(Duration.millis(Math.max(0, dog.wakeAt - now))),
      Effect.suspend(() => {
        if (dog.generation !== generation) return Effect.void
        const { fire, next } = expire(dog, clock.unsafeCurrentTimeMillis())
        if (next === Infinity) {
          dog.sleeper = undefined
          dog.wakeAt = Infinity
          dog.generation++
          return fire
        }
        dog.wakeAt = next
        return Effect.zipRight(fire, sleeper(dog, clock, generation))
      })
    ))

/** Makes sure a sleeper wakes by `deadline`, replacing one that would wake later. */
const wakeBy = (dog: Watchdog, clock: Clock.Clock, deadline: number): Effect.Effect<void> => {
  if (dog.wakeAt <= deadline) return Effect.void
  const stop = stopSleeper(dog)
  dog.wakeAt = deadline
  const generation = dog.generation
  return Effect.zipRight(
    stop,
    Effect.flatMap(Effect.forkDaemon(Effect.interruptible(sleeper(dog, clock, generation))), (fiber) => {
      if (dog.generation === generation) {
        dog.sleeper = fiber
        return Effect.void
      }
      return Fiber.interruptAsFork(fiber, FiberId.none)
    })
  )
}

const unwatch = (dog: Watchdog, watch: Watch): Effect.Effect<void> =>
  Effect.suspend(() => {
    dog.watches.delete(watch)
    return dog.watches.size === 0 ? stopSleeper(dog) : Effect.void
  })

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
        const watch: Watch = {
          deadline: clock.unsafeCurrentTimeMillis() + Duration.toMillis(timeout),
          fiber: undefined,
          done: false,
          expired: false
        }
        const fiber = Runtime.runFork(runtime)(self)
        watch.fiber = fiber
        dog.watches.add(watch)
        fiber.addObserver((exit) => {
          watch.done = true
          const result: Effect.Effect<A, E | E2> = watch.expired
            ? Effect.fail(onTimeout())
            : Exit.isSuccess(exit)
            ? Effect.as(Fiber.inheritAll(fiber), exit.value)
            : exit
          resume(Effect.zipRight(unwatch(dog, watch), result))
        })
        if (!watch.done && dog.wakeAt > watch.deadline) Runtime.runFork(runtime)(wakeBy(dog, clock, watch.deadline))
        return Effect.zipRight(Fiber.interrupt(fiber), unwatch(dog, watch))
      }))
  )
