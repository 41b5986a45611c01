/**
 * The ids a report reads: one per line, from a file or stdin, blank lines and
 * `#` comments skipped. They are streamed, never held all at once; only a
 * file is read twice, first to count its distinct ids for the progress bar.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { UsageError } from "./CliError.js"
import * as Stdio from "./Stdio.js"

/**
 * Where the ids come from, and how many distinct ones there are when that is
 * known before reading them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Source {
  readonly ids: Stream.Stream<string, UsageError | Stdio.StdinError>
  readonly total: Option.Option<number>
}

/**
 * The ids in lines of text: each line trimmed, blank lines and lines that
 * start with `#` skipped.
 *
 * @since 0.1.0
 * @category parsing
 */
export const fromText = <E, R>(text: Stream.Stream<string, E, R>): Stream.Stream<string, E, R> =>
  text.pipe(
    Stream.splitLines,
    Stream.map((line) => line.trim()),
    Stream.filter((line) => line !== "" && !line.startsWith("#"))
  )

const countDistinct = <E, R>(ids: Stream.Stream<string, E, R>): Effect.Effect<number, E, R> =>
  Stream.runFold(ids, new Set<string>(), (seen, id) => seen.add(id)).pipe(Effect.map((seen) => seen.size))

/**
 * The ids of a file (`-` is stdin). A file that cannot be read is a usage
 * error that names it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFile = (path: string): Effect.Effect<Source, UsageError, FileSystem.FileSystem | Stdio.Stdio> =>
  Effect.gen(function*() {
    if (path === "-") return yield* fromStdin
    const fs = yield* FileSystem.FileSystem
    const unreadable = (error: { readonly message: string }) =>
      new UsageError({ message: `cannot read the ids file ${path}: ${error.message}` })
    const ids = fromText(fs.stream(path).pipe(Stream.decodeText())).pipe(Stream.mapError(unreadable))
    const total = yield* countDistinct(ids)
    return { ids, total: Option.some(total) }
  })

/**
 * The ids piped into stdin; how many is known only at its end.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromStdin: Effect.Effect<Source, never, Stdio.Stdio> = Effect.map(Stdio.Stdio, (stdio) => ({
  ids: fromText(stdio.in.pipe(Stream.decodeText())),
  total: Option.none()
}))

/**
 * A list already in memory.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromList = (ids: ReadonlyArray<string>): Source => ({
  ids: Stream.fromIterable(ids),
  total: Option.some(new Set(ids).size)
})
