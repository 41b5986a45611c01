/**
 * The process: runs the command line on Node, with the process's standard
 * streams, and exits with the command's exit code.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Cli from "./Cli.js"
import * as Stdio from "./Stdio.js"

// Logs are not results: they go to stderr with the progress.
const StderrLogger = Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.stringLogger))

/**
 * Runs `modelgates` with the given arguments (those after the command's
 * name) and exits the process with its exit code.
 *
 * @since 0.1.0
 * @category running
 */
export const main = (argv: ReadonlyArray<string>): void =>
  NodeRuntime.runMain(
    Cli.run(argv).pipe(Effect.provide(Layer.mergeAll(NodeContext.layer, Stdio.layer, StderrLogger))),
    {
      disableErrorReporting: true,
      teardown: (exit, onExit) =>
        onExit(
          Exit.isSuccess(exit)
            ? typeof exit.value === "number" ? exit.value : 0
            : Exit.isInterrupted(exit)
            ? Cli.interruptedExitCode
            : 1
        )
    }
  )
