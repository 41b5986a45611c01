/**
 * The `modelgates` command: `get`, `content` and `report` under one root,
 * and how each outcome becomes an exit code: 0 when everything asked for was
 * found, 1 when a lookup failed (a report is still printed), 2 when the
 * command line or the configuration must change.
 */
import * as CliConfig from "@effect/cli/CliConfig"
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import type * as Terminal from "@effect/platform/Terminal"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as CliError from "./CliError.js"
import * as ContentCommand from "./ContentCommand.js"
import * as GetCommand from "./GetCommand.js"
import * as ReportCommand from "./ReportCommand.js"
import * as Stdio from "./Stdio.js"
import { version } from "./Version.js"

/**
 * The root command. On its own it only points to its subcommands.
 *
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("modelgates", {}, () =>
  new CliError.UsageError({
    message: "name a command: get <id>, content <id> or report [FILE]; modelgates --help says more"
  })).pipe(
    Command.withDescription(
      "What ModelGates generations cost and how they ran, from the Generations API. " +
        "Configured by MODELGATES_API_KEY (and MODELGATES_BASE_URL, …); --simulator runs offline."
    ),
    Command.withSubcommands([GetCommand.command, ContentCommand.command, ReportCommand.command])
  )

const cli = Command.run(command, { name: "modelgates", version })

// @effect/cli stops looking for options after an argument that starts with
// "-", so `report - --wait` would not see `--wait`: a lone "-" (stdin as
// FILE) moves to the end, unless it is the value of --out (stdout).
const stdinLast = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const index = argv.findIndex((arg, i) => arg === "-" && argv[i - 1] !== "--out" && argv[i - 1] !== "-o")
  return index === -1 ? argv : [...argv.slice(0, index), ...argv.slice(index + 1), "-"]
}

/**
 * The exit code of a command that was interrupted (Ctrl-C).
 *
 * @since 0.1.0
 * @category exit codes
 */
export const interruptedExitCode = 130

/**
 * Runs the command line (the arguments after `modelgates`) to its exit code.
 * Messages go to stderr, prefixed `modelgates:`; stdout carries only results.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (
  argv: ReadonlyArray<string>
): Effect.Effect<number, never, Stdio.Stdio | FileSystem.FileSystem | Path.Path | Terminal.Terminal> =>
  Effect.gen(function*() {
    const stdio = yield* Stdio.Stdio
    const say = (message: string) => stdio.err(`modelgates: ${message}\n`)
    const console = Stdio.console(stdio, yield* Effect.console)
    return yield* cli(["node", "modelgates", ...stdinLast(argv)]).pipe(
      Effect.withConsole(console),
      Effect.provide(CliConfig.layer({ showBuiltIns: false })),
      Effect.as(0),
      Effect.catchAll((error) => {
        // @effect/cli has printed what was wrong with the command line.
        if (ValidationError.isValidationError(error)) return Effect.succeed(2)
        const message = error._tag === "LookupFailed" ? `${error.id}: ${error.error}: ${error.message}` : error.message
        // Standard input that cannot be read is the caller's to fix, like a file.
        return Effect.as(say(message), error._tag === "StdinError" ? 2 : CliError.exitCode(error))
      }),
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.succeed(interruptedExitCode)
          : Effect.as(say(`unexpected failure, please report it:\n${Cause.pretty(cause)}`), 1)
      )
    )
  })
