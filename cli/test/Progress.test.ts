/**
 * Progress on stderr, with TestClock: the figures of each line (count,
 * percentage, rate, ETA), a plain line every 5 seconds off a terminal, a
 * redrawn line on one, and the closing line.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option, TestClock } from "effect"
import * as Progress from "../src/Progress.js"
import * as Stdio from "../src/Stdio.js"

const state = (done: number, failed: number, total: number | undefined, elapsedMillis: number): Progress.State => ({
  done,
  failed,
  total: Option.fromNullable(total),
  elapsedMillis
})

describe("Progress lines", () => {
  it("say the count, percentage, rate, time left and failures", () => {
    expect(Progress.plainLine("report", state(250, 3, 1000, 10_000))).toBe(
      "report: 250/1,000 ids, 25%, 25/s, ETA 30.00 s, 3 failed"
    )
    expect(Progress.plainLine("report", state(40, 0, undefined, 2000))).toBe("report: 40 ids, 20/s")
  })

  it("draw a bar on a terminal, cut to its width", () => {
    const line = Progress.terminalLine(state(500, 0, 1000, 5000), 200)
    expect(line).toBe(`[${"#".repeat(12)}${"-".repeat(12)}] 500/1,000 ids  50%  100/s  ETA 5.00 s`)
    expect(Progress.terminalLine(state(500, 0, 1000, 5000), 30)).toHaveLength(29)
  })

  it("sum the run up at the end", () => {
    expect(Progress.summaryLine("report", state(13, 1, 13, 1200))).toBe(
      "report: looked up 13 ids in 1.20 s: 12 found, 1 failed"
    )
  })

  it("say how far an interrupted run got, with the total when it is known", () => {
    expect(Progress.interruptedLine("report", state(178, 2, 2000, 4560))).toBe(
      "report: interrupted after 178 of 2,000 ids in 4.56 s: 176 found, 2 failed"
    )
    expect(Progress.interruptedLine("report", state(7, 0, undefined, 900))).toBe(
      "report: interrupted after 7 ids in 900 ms: 7 found, 0 failed"
    )
  })
})

// Moves the clock, then lets the progress's fiber draw and sleep again.
const tick = (duration: Duration.DurationInput) =>
  TestClock.adjust(duration).pipe(Effect.zipRight(Effect.repeatN(Effect.yieldNow(), 10)))

describe("Progress.make", () => {
  it.scoped("writes a plain line every 5 seconds off a terminal, then the closing line", () =>
    Effect.gen(function*() {
      const stdio = yield* Stdio.layerTest({ terminal: false })
      yield* Effect.gen(function*() {
        const progress = yield* Progress.make({ label: "report", total: Option.some(4) })
        yield* progress.record(true)
        yield* tick(Duration.seconds(4))
        expect((yield* stdio.captured).err).toBe("")
        yield* tick(Duration.seconds(1))
        yield* progress.record(false)
        yield* tick(Duration.seconds(5))
        yield* progress.record(true)
        yield* progress.record(true)
      }).pipe(Effect.scoped, Effect.provide(stdio.layer))
      const { err, out } = yield* stdio.captured
      expect(out).toBe("")
      expect(err.split("\n")).toEqual([
        "report: 1/4 ids, 25%, 0.2/s, ETA 15.00 s",
        "report: 2/4 ids, 50%, 0.2/s, ETA 10.00 s, 1 failed",
        "report: looked up 4 ids in 10.00 s: 3 found, 1 failed",
        ""
      ])
    }))

  it.scoped("closes an interrupted run with the interrupted line, not the summary", () =>
    Effect.gen(function*() {
      const stdio = yield* Stdio.layerTest({ terminal: false })
      yield* Effect.gen(function*() {
        const progress = yield* Progress.make({ label: "report", total: Option.some(10) })
        yield* progress.record(true)
        yield* tick(Duration.seconds(1))
        return yield* Effect.interrupt
      }).pipe(Effect.scoped, Effect.provide(stdio.layer), Effect.exit)
      expect((yield* stdio.captured).err).toBe("report: interrupted after 1 of 10 ids in 1.00 s: 1 found, 0 failed\n")
    }))

  it.scoped("redraws one line in place on a terminal, and clears it before the closing line", () =>
    Effect.gen(function*() {
      const stdio = yield* Stdio.layerTest({ terminal: true, columns: 120 })
      yield* Effect.gen(function*() {
        const progress = yield* Progress.make({ label: "report", total: Option.none() })
        yield* progress.record(true)
        yield* tick(Duration.millis(200))
        yield* progress.record(true)
        yield* progress.setTotal(2)
        yield* tick(Duration.millis(200))
      }).pipe(Effect.scoped, Effect.provide(stdio.layer))
      const { err } = yield* stdio.captured
      expect(err).toBe(
        "\r1 ids  5/s\x1b[K" +
          `\r[${"#".repeat(24)}] 2/2 ids  100%  5/s  ETA 0 ms\x1b[K` +
          "\r\x1b[Kreport: looked up 2 ids in 400 ms: 2 found, 0 failed\n"
      )
    }))
})
