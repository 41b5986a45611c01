/**
 * The bookkeeping of per-attempt deadlines that one timer per clock serves,
 * without Effect. Each line's `internal/deadlines.ts` runs the timer (the
 * sleeper) and interrupts the attempts this says are due; `F` is its fiber
 * type, `S` its sleeper's.
 */

/** One attempt's deadline. */
export interface Watch<F> {
  readonly deadline: number
  readonly fiber: F
  /** The attempt has ended: its deadline no longer matters. */
  done: boolean
  /** The deadline passed while the attempt was still running. */
  expired: boolean
}

/** The deadlines of one clock, and its sleeper. */
export interface Watchdog<F, S> {
  readonly watches: Set<Watch<F>>
  /** When the sleeper wakes; `Infinity` when there is none. */
  wakeAt: number
  /** Bumped whenever the sleeper is replaced or stopped: a sleeper of an older generation ends. */
  generation: number
  sleeper: S | undefined
}

/** The watchdog of each clock, made on first use and dropped with the clock. */
export const watchdogs = <K extends object, F, S>(): (clock: K) => Watchdog<F, S> => {
  const byClock = new WeakMap<K, Watchdog<F, S>>()
  return (clock) => {
    let dog = byClock.get(clock)
    if (dog === undefined) {
      dog = { watches: new Set(), wakeAt: Infinity, generation: 0, sleeper: undefined }
      byClock.set(clock, dog)
    }
    return dog
  }
}

/** Registers an attempt that must end by `deadline`. */
export const watch = <F, S>(dog: Watchdog<F, S>, deadline: number, fiber: F): Watch<F> => {
  const watched: Watch<F> = { deadline, fiber, done: false, expired: false }
  dog.watches.add(watched)
  return watched
}

/** Forgets the sleeper, answering it for the caller to stop (`undefined` when there was none). */
export const dropSleeper = <F, S>(dog: Watchdog<F, S>): S | undefined => {
  const sleeper = dog.sleeper
  dog.sleeper = undefined
  dog.wakeAt = Infinity
  dog.generation++
  return sleeper
}

/**
 * Marks an attempt ended and forgets its deadline: answers the sleeper to
 * stop when no attempt is left.
 */
export const unwatch = <F, S>(dog: Watchdog<F, S>, watched: Watch<F>): S | undefined => {
  watched.done = true
  dog.watches.delete(watched)
  return dog.watches.size === 0 ? dropSleeper(dog) : undefined
}

/**
 * Whether a sleeper must be started to wake by `deadline`: when none would
 * wake by then, the old one is dropped and the new generation answered, with
 * the old sleeper to stop.
 */
export const rearm = <F, S>(
  dog: Watchdog<F, S>,
  deadline: number
): { readonly generation: number; readonly stop: S | undefined } | undefined => {
  if (dog.wakeAt <= deadline) return undefined
  const stop = dropSleeper(dog)
  dog.wakeAt = deadline
  return { generation: dog.generation, stop }
}

/**
 * What a sleeper of `generation` does on waking at `now`: nothing when it has
 * been replaced (`undefined`); else the attempts whose deadline has passed,
 * each marked expired (the caller interrupts them), and whether it sleeps
 * again, until the next deadline, which it sets.
 */
export const wake = <F, S>(
  dog: Watchdog<F, S>,
  generation: number,
  now: number
): { readonly expired: ReadonlyArray<F>; readonly again: boolean } | undefined => {
  if (dog.generation !== generation) return undefined
  let next = Infinity
  const expired: Array<F> = []
  for (const watched of dog.watches) {
    if (watched.deadline > now) {
      next = Math.min(next, watched.deadline)
    } else {
      dog.watches.delete(watched)
      if (!watched.done) {
        watched.expired = true
        expired.push(watched.fiber)
      }
    }
  }
  if (next === Infinity) {
    dropSleeper(dog)
    return { expired, again: false }
  }
  dog.wakeAt = next
  return { expired, again: true }
}
