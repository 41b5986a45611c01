/**
 * When `Generations.waitForGeneration` looks, and how it ends, as plain data
 * both lines' tests run (Effect-free) on an in-memory server under the test
 * clock. Durations are milliseconds; `steps` are the moves of the clock, each
 * after the requests in flight have settled.
 */

/** What the server does with one lookup: its answer, after `delay` ms. */
export interface Lookup {
  readonly answer: "found" | "notFound" | { readonly status: 429; readonly retryAfterSeconds: number }
  readonly delay: number
}

export type WaitOutcome =
  | { readonly _tag: "Found" }
  | {
    readonly _tag: "NotReady"
    readonly attempts: number
    readonly elapsed: number
    /** The whole message, when the case checks it. */
    readonly message?: string
  }

export interface WaitCase {
  readonly name: string
  readonly id: string
  /** The answer to the n-th lookup of the id, from 0. */
  readonly lookup: (n: number) => Lookup
  readonly maxWait?: number
  /** `poll: Schedule.spaced(pollSpaced)`; the default poll when absent. */
  readonly pollSpaced?: number
  readonly steps: ReadonlyArray<number>
  /** When each lookup reached the server. */
  readonly arrivals: ReadonlyArray<number>
  readonly outcome: WaitOutcome
}

const notFound: Lookup = { answer: "notFound", delay: 0 }
const found: Lookup = { answer: "found", delay: 0 }

/** The running sums of `waits`, from 0: when each lookup starts if each wait is taken in full. */
const startsAfter = (waits: ReadonlyArray<number>): ReadonlyArray<number> =>
  waits.reduce<Array<number>>((at, wait) => [...at, at[at.length - 1]! + wait], [0])

/** The default poll's waits: 250 ms, ×1.5 each time, at most 2 s. */
const defaultWaits = [250, 375, 562.5, 843.75, 1265.625, 1898.4375, 2000, 2000, 2000]

export const cases: ReadonlyArray<WaitCase> = [
  {
    name: "polls a 404 on the default schedule: 250 ms, ×1.5, at most 2 s a wait",
    id: "gen-late",
    lookup: (n) => n < 9 ? notFound : found,
    steps: defaultWaits,
    arrivals: startsAfter(defaultWaits),
    outcome: { _tag: "Found" }
  },
  {
    // Looks at 0, 2 s and 4 s; the wait to 6 s is cut to end at 5 s, where it looks one last time.
    name: "polls until maxWait, the last poll at maxWait itself, then fails with GenerationNotReadyError",
    id: "gen-never",
    lookup: () => notFound,
    maxWait: 5000,
    pollSpaced: 2000,
    steps: [2000, 2000, 1000],
    arrivals: [0, 2000, 4000, 5000],
    outcome: {
      _tag: "NotReady",
      attempts: 4,
      elapsed: 5000,
      message: "Generations.waitForGeneration(\"gen-never\"): still not found after 4 lookups in 5s"
    }
  },
  {
    name: "with the default poll, a wait of 2 seconds looks last at 2 seconds",
    id: "gen-never",
    lookup: () => notFound,
    maxWait: 2000,
    steps: [250, 375, 562.5, 812.5],
    arrivals: [0, 250, 625, 1187.5, 2000],
    outcome: { _tag: "NotReady", attempts: 5, elapsed: 2000 }
  },
  {
    // The call's own timeout (30 s by default) is longer than the lookup.
    name: "a lookup in flight at maxWait runs to its end, and no poll starts after maxWait",
    id: "gen-slow",
    lookup: () => ({ answer: "notFound", delay: 10_000 }),
    maxWait: 3000,
    steps: [10_000],
    arrivals: [0],
    outcome: { _tag: "NotReady", attempts: 1, elapsed: 10_000 }
  },
  {
    name: "a 429 between 404s keeps the retry policy and honours Retry-After",
    id: "gen-9",
    lookup: (n) => n === 0 ? notFound : n === 1 ? { answer: { status: 429, retryAfterSeconds: 3 }, delay: 0 } : found,
    steps: [250, 3000],
    arrivals: [0, 250, 3250],
    outcome: { _tag: "Found" }
  }
]
