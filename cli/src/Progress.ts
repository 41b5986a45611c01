/**
 * Progress of a long run, on stderr so that stdout carries only the result:
 * on a terminal, one line redrawn in place (a bar, the count, the rate and
 * the time left); elsewhere (a log, a CI job), a plain line every few
 * seconds. Both end with one line that sums the run up.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Display from "./Display.js"
import * as Stdio from "./Stdio.js"

/**
 * How often the terminal line is redrawn, and how often a plain line is
 * written elsewhere.
 *
 * @since 0.1.0
 * @category constants
 */
export const intervals = {
  terminal: Duration.millis(200),
  plain: Duration.seconds(5)
} as const

/**
 * What a run tells its progress.
 *
 * @since 0.1.0
 * @category models
 */
export interface Progress {
  /** One id looked up, found or not. */
  readonly record: (found: boolean) => Effect.Effect<void>
  /** How many ids there are, once known (stdin: at its end). */
  readonly setTotal: (total: number) => Effect.Effect<void>
}

/**
 * Where a run stands.
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  readonly done: number
  readonly failed: number
  readonly total: Option.Option<number>
  readonly elapsedMillis: number
}

const ratePerSecond = (state: State): number => state.elapsedMillis <= 0 ? 0 : state.done / (state.elapsedMillis / 1000)

const eta = (state: State): Option.Option<string> =>
  Option.flatMap(state.total, (total) => {
    const rate = ratePerSecond(state)
    return rate <= 0 || state.done === 0
      ? Option.none()
      : Option.some(Display.millis((total - state.done) / rate * 1000))
  })

const rate = (state: State): string => `${Number(ratePerSecond(state).toFixed(1))}/s`

const counted = (state: State): string =>
  Option.match(state.total, {
    onNone: () => `${Display.count(state.done)} ids`,
    onSome: (total) => `${Display.count(state.done)}/${Display.count(total)} ids`
  })

const percent = (state: State): Option.Option<number> =>
  Option.map(state.total, (total) => total === 0 ? 100 : Math.floor(state.done / total * 100))

const parts = (state: State): Array<string> => [
  ...Option.toArray(Option.map(percent(state), (p) => `${p}%`)),
  rate(state),
  ...Option.toArray(Option.map(eta(state), (left) => `ETA ${left}`)),
  ...(state.failed === 0 ? [] : [`${Display.count(state.failed)} failed`])
]

/**
 * The plain line: `1,234/5,000 ids, 24%, 412.3/s, ETA 9.70 s, 3 failed`.
 *
 * @since 0.1.0
 * @category rendering
 */
export const plainLine = (label: string, state: State): string =>
  `${label}: ${[counted(state), ...parts(state)].join(", ")}`

const barWidth = 24

/**
 * The terminal line: a bar when the total is known, then the plain line's
 * figures, cut to the terminal's width.
 *
 * @since 0.1.0
 * @category rendering
 */
export const terminalLine = (state: State, columns: number): string => {
  const bar = Option.match(percent(state), {
    onNone: () => "",
    onSome: (p) => {
      const filled = Math.min(barWidth, Math.round(p / 100 * barWidth))
      return `[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] `
    }
  })
  return `${bar}${[counted(state), ...parts(state)].join("  ")}`.slice(0, Math.max(10, columns - 1))
}

/**
 * The closing line: `looked up 13 ids in 1.20 s: 12 found, 1 failed`.
 *
 * @since 0.1.0
 * @category rendering
 */
export const summaryLine = (label: string, state: State): string =>
  `${label}: looked up ${Display.count(state.done)} ids in ${Display.millis(state.elapsedMillis)}: ` +
  `${Display.count(state.done - state.failed)} found, ${Display.count(state.failed)} failed`

/**
 * The closing line of a run that was interrupted (Ctrl-C), so that nobody
 * reads it as finished: `interrupted after 178 of 2,000 ids in 4.56 s: 178
 * found, 0 failed`.
 *
 * @since 0.1.0
 * @category rendering
 */
export const interruptedLine = (label: string, state: State): string => {
  const of = Option.match(state.total, { onNone: () => "", onSome: (total) => ` of ${Display.count(total)}` })
  return `${label}: interrupted after ${Display.count(state.done)}${of} ids in ${
    Display.millis(state.elapsedMillis)
  }: ` +
    `${Display.count(state.done - state.failed)} found, ${Display.count(state.failed)} failed`
}

/**
 * Starts reporting progress until the scope closes, then writes the closing
 * line (a redrawn line is cleared first): {@link interruptedLine} when the
 * scope closes on an interruption, else {@link summaryLine}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly label: string
  readonly total: Option.Option<number>
}): Effect.Effect<Progress, never, Stdio.Stdio | Scope.Scope> =>
  Effect.gen(function*() {
    const stdio = yield* Stdio.Stdio
    const started = yield* Clock.currentTimeMillis
    const counts = yield* Ref.make({ done: 0, failed: 0, total: options.total })
    const snapshot = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      return { ...(yield* Ref.get(counts)), elapsedMillis: now - started } satisfies State
    })
    const draw = stdio.errIsTerminal
      ? Effect.flatMap(snapshot, (state) => stdio.err(`\r${terminalLine(state, stdio.errColumns)}\x1b[K`))
      : Effect.flatMap(snapshot, (state) => stdio.err(`${plainLine(options.label, state)}\n`))
    const interval = stdio.errIsTerminal ? intervals.terminal : intervals.plain
    yield* Effect.addFinalizer((exit) =>
      Effect.flatMap(snapshot, (state) => {
        const line = Exit.isInterrupted(exit)
          ? interruptedLine(options.label, state)
          : summaryLine(options.label, state)
        return stdio.err(`${stdio.errIsTerminal ? "\r\x1b[K" : ""}${line}\n`)
      })
    )
    yield* Effect.sleep(interval).pipe(
      Effect.zipRight(Effect.repeat(draw, Schedule.spaced(interval))),
      Effect.forkScoped
    )
    return {
      record: (found) =>
        Ref.update(counts, (now) => ({ ...now, done: now.done + 1, failed: found ? now.failed : now.failed + 1 })),
      setTotal: (total) => Ref.update(counts, (now) => ({ ...now, total: Option.some(total) }))
    }
  })
