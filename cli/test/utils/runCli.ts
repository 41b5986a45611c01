/**
 * Runs the command line in this process, as `main` does in its own, with
 * buffers for the standard streams and the environment given as a map.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Cli from "../../src/Cli.js"
import * as Stdio from "../../src/Stdio.js"

export interface Ran {
  readonly code: number
  readonly out: string
  readonly err: string
}

export interface RunOptions {
  /** Piped into stdin; without it, stdin is a terminal. */
  readonly stdin?: string
  /** Whether stderr is a terminal. */
  readonly terminal?: boolean
  readonly env?: Readonly<Record<string, string>>
}

export const runCli = (argv: ReadonlyArray<string>, options: RunOptions = {}): Effect.Effect<Ran> =>
  Effect.gen(function*() {
    const stdio = yield* Stdio.layerTest({ stdin: options.stdin, terminal: options.terminal })
    const code = yield* Cli.run(argv).pipe(
      Effect.provide(Layer.merge(stdio.layer, NodeContext.layer)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(options.env ?? {}))))
    )
    return { code, ...(yield* stdio.captured) }
  })
