/**
 * `modelgates report [FILE]`: what a set of generations cost and where the
 * money went. Ids one per line, from FILE or stdin; looked up with the SDK's
 * `getGenerations` (concurrent, rate limited, pausing together on a 429),
 * summed with `Usage` (exact decimals), and printed as a table, JSON, CSV or
 * one self-contained HTML page.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Generations from "@modelgates/effect/Generations"
import type * as Models from "@modelgates/effect/Models"
import * as Usage from "@modelgates/effect/Usage"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import * as CliError from "./CliError.js"
import * as Connection from "./Connection.js"
import * as HtmlReport from "./HtmlReport.js"
import * as Ids from "./Ids.js"
import * as Progress from "./Progress.js"
import * as ReportOutput from "./ReportOutput.js"
import * as Stdio from "./Stdio.js"
import { version } from "./Version.js"
import * as Wait from "./Wait.js"

/**
 * The formats of a report.
 *
 * @since 0.1.0
 * @category models
 */
export type Format = "table" | "json" | "csv" | "html"

const invalid = (message: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message)))

const file = Args.text({ name: "FILE" }).pipe(
  Args.withDescription(
    "A file of generation ids, one per line (blank lines and # comments skipped); - reads stdin. " +
      "Without it: the simulator's generations with --simulator, else stdin when it is piped."
  ),
  Args.optional
)

const concurrency = Options.integer("concurrency").pipe(
  Options.withDescription("How many lookups run at once."),
  Options.withDefault(8),
  Options.mapEffect((n) => n >= 1 && n <= 256 ? Effect.succeed(n) : invalid(`--concurrency: from 1 to 256, got ${n}`))
)

const rps = Options.float("rps").pipe(
  Options.withDescription("At most this many requests a second, retries included (default: no limit)."),
  Options.optional,
  Options.mapEffect((n) =>
    Option.isSome(n) && !(n.value > 0 && Number.isFinite(n.value))
      ? invalid(`--rps: a positive number of requests a second, got ${n.value}`)
      : Effect.succeed(n)
  )
)

const format = Options.choice("format", ["table", "json", "csv", "html"]).pipe(
  Options.withAlias("f"),
  Options.withDescription("table for people; json, csv or a self-contained html page with charts."),
  Options.withDefault("table")
)

const top = Options.integer("top").pipe(
  Options.withDescription(
    "How many groups of each breakdown (model, provider, app, user, day) the table and html show, largest by cost " +
      "first; json and csv list every one."
  ),
  Options.withDefault(ReportOutput.defaultTop),
  Options.mapEffect((n) => n >= 1 ? Effect.succeed(n) : invalid(`--top: a whole number from 1, got ${n}`))
)

const out = Options.text("out").pipe(
  Options.withAlias("o"),
  Options.withDescription("Write the report to this file instead of stdout (- is stdout)."),
  Options.optional
)

// Which ids: FILE (or - for stdin); else every generation of the simulator;
// else stdin, when something is piped into it.
const source = (file: Option.Option<string>, simulator: boolean) =>
  Effect.gen(function*() {
    if (Option.isSome(file)) return yield* Ids.fromFile(file.value)
    if (simulator) {
      const service = yield* Connection.simulatorService
      if (Option.isSome(service)) {
        const generations = yield* service.value.generations
        return Ids.fromList(generations.map((generation) => generation.id))
      }
    }
    const stdio = yield* Stdio.Stdio
    if (stdio.inIsTerminal) {
      return yield* new CliError.UsageError({
        message: "report needs ids: give a FILE of ids (one per line), pipe them into stdin, " +
          "or add --simulator to report over the simulator's generations"
      })
    }
    return yield* Ids.fromStdin
  })

const failure = (lookup: Generations.GenerationLookup): Option.Option<ReportOutput.Failure> =>
  Generations.isFailed(lookup)
    ? Option.some({ id: lookup.id, error: lookup.error._tag, message: lookup.error.message })
    : Option.none()

const generation = (lookup: Generations.GenerationLookup): Option.Option<Models.GenerationData> =>
  Generations.isFound(lookup) ? Option.some(lookup.generation) : Option.none()

// One pass over the lookups: the found generations into the report, the
// failed ones into the list.
const summarize: Sink.Sink<
  readonly [Usage.Report, ReadonlyArray<ReportOutput.Failure>],
  Generations.GenerationLookup
> = Sink.zip(
  Usage.sink.pipe(Sink.mapInputChunks(Chunk.filterMap(generation))),
  Sink.collectAll<ReportOutput.Failure>().pipe(
    Sink.mapInputChunks(Chunk.filterMap(failure)),
    Sink.map(Chunk.toReadonlyArray)
  ),
  { concurrent: true }
)

/**
 * The report as the format asks.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (
  format: Format,
  report: Usage.Report,
  failed: ReadonlyArray<ReportOutput.Failure>,
  top: number = ReportOutput.defaultTop
): Effect.Effect<string, never, FileSystem.FileSystem> => {
  const encoded = Usage.toJson(report)
  switch (format) {
    case "table":
      return Effect.succeed(ReportOutput.table(encoded, failed, top))
    case "json":
      return Effect.succeed(ReportOutput.json(encoded, failed))
    case "csv":
      return Effect.succeed(ReportOutput.csv(encoded, failed))
    case "html":
      return Effect.gen(function*() {
        const chartLibrary = yield* HtmlReport.chartLibrary
        const generatedAt = DateTime.formatIso(yield* DateTime.now)
        return HtmlReport.render({ report: encoded, failed, chartLibrary, generatedAt, version, top })
      })
  }
}

// The report is written beside its file and then takes its name, so a run
// interrupted while writing (Ctrl-C) or a full disk leaves no half report
// under that name.
const writeWhole = (path: string, text: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const partial = `${path}.partial`
    yield* fs.writeFileString(partial, text).pipe(
      Effect.zipRight(fs.rename(partial, path)),
      Effect.onExit((exit) => Exit.isSuccess(exit) ? Effect.void : Effect.ignore(fs.remove(partial)))
    )
  })

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "report",
  { file, concurrency, rps, wait: Wait.options, format, top, out, simulator: Connection.simulator },
  (options) =>
    Effect.gen(function*() {
      const stdio = yield* Stdio.Stdio
      const ids = yield* source(options.file, options.simulator)
      const [report, failed] = yield* Effect.scoped(Effect.gen(function*() {
        const progress = yield* Progress.make({ label: "modelgates report", total: ids.total })
        // Stdin's total is known at its end: its distinct ids, as getGenerations counts them.
        const input = Option.isSome(ids.total) ? ids.ids : distinctCounted(ids.ids, progress)
        return yield* Generations.getGenerations(input, {
          concurrency: options.concurrency,
          requestsPerSecond: Option.getOrUndefined(options.rps),
          wait: Option.getOrUndefined(options.wait)
        }).pipe(
          Stream.tap((lookup) =>
            Generations.isFailed(lookup) && lookup.error._tag === "UnauthorizedResponseError"
              ? Effect.fail(CliError.refusedKey)
              : progress.record(Generations.isFound(lookup))
          ),
          Stream.run(summarize)
        )
      }))
      const text = yield* render(options.format, report, failed, options.top)
      if (Option.isSome(options.out) && options.out.value !== "-") {
        const path = options.out.value
        yield* writeWhole(path, text).pipe(
          Effect.mapError((error) => new CliError.UsageError({ message: `cannot write ${path}: ${error.message}` }))
        )
        yield* stdio.err(`modelgates report: wrote ${path}\n`)
      } else {
        yield* stdio.out(text)
      }
      if (failed.length > 0) {
        return yield* new CliError.SomeLookupsFailed({ failed: failed.length, total: report.count + failed.length })
      }
    }).pipe(Effect.provide(Connection.layer({ simulator: options.simulator, version })))
).pipe(Command.withDescription(
  "Report what a set of generations cost: totals, tokens, latency, and breakdowns by model, provider, app, user " +
    "and day. Progress goes to stderr; stdout carries only the report."
))

// Counts the distinct ids of a stream as they pass, and tells the progress
// the total when the stream ends.
const distinctCounted = <E>(ids: Stream.Stream<string, E>, progress: Progress.Progress): Stream.Stream<string, E> =>
  Stream.suspend(() => {
    const seen = new Set<string>()
    return ids.pipe(
      Stream.tap((id) => Effect.sync(() => seen.add(id))),
      Stream.onEnd(Effect.suspend(() => progress.setTotal(seen.size)))
    )
  })
