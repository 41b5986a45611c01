/**
 * The process's standard streams, as a service: stdout carries only a
 * command's result, stderr its progress and messages, stdin its input. Tests
 * swap the process's streams for buffers with `layerTest`.
 */
import * as NodeStream from "@effect/platform-node/NodeStream"
import type * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Writable } from "node:stream"

/**
 * Standard input could not be read.
 *
 * @since 0.1.0
 * @category errors
 */
export class StdinError extends Schema.TaggedError<StdinError>()("StdinError", {
  message: Schema.String
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Writes to stdout; done when the text is handed to the system, so an exit after it loses nothing. */
  readonly out: (text: string) => Effect.Effect<void>
  /** Writes to stderr, likewise. */
  readonly err: (text: string) => Effect.Effect<void>
  /** Whether stdout is a terminal. */
  readonly outIsTerminal: boolean
  /** Whether stderr is a terminal (then progress redraws one line in place). */
  readonly errIsTerminal: boolean
  /** The terminal's width when stderr is one. */
  readonly errColumns: number
  /** Whether stdin is a terminal (then nobody is piping ids into it). */
  readonly inIsTerminal: boolean
  /** Standard input, read when this stream runs. */
  readonly in: Stream.Stream<Uint8Array, StdinError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Stdio extends Context.Tag("@modelgates/cli/Stdio")<Stdio, Service>() {}

// A reader that went away (`modelgates report | head`) is not an error of
// ours: what it did not read, it did not want.
const writeTo = (stream: Writable) => {
  stream.on("error", () => {})
  return (text: string): Effect.Effect<void> =>
    Effect.async<void>((resume) => {
      stream.write(text, () => resume(Effect.void))
    })
}

/**
 * The process's own streams.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Stdio> = Layer.sync(Stdio, () => ({
  out: writeTo(process.stdout),
  err: writeTo(process.stderr),
  outIsTerminal: process.stdout.isTTY === true,
  errIsTerminal: process.stderr.isTTY === true,
  errColumns: process.stderr.columns ?? 80,
  inIsTerminal: process.stdin.isTTY === true,
  in: NodeStream.fromReadable(
    () => process.stdin,
    (cause) => new StdinError({ message: `cannot read standard input: ${String(cause)}` })
  )
}))

/**
 * What a test's commands wrote.
 *
 * @since 0.1.0
 * @category models
 */
export interface Captured {
  readonly out: string
  readonly err: string
}

/**
 * Buffers instead of the process's streams: `stdin` is what the command
 * reads (a terminal when absent), `terminal` says whether stderr is one.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerTest = (options: {
  readonly stdin?: string | undefined
  readonly terminal?: boolean | undefined
  readonly columns?: number | undefined
} = {}): Effect.Effect<{ readonly layer: Layer.Layer<Stdio>; readonly captured: Effect.Effect<Captured> }> =>
  Effect.gen(function*() {
    const captured = yield* Ref.make<Captured>({ out: "", err: "" })
    const service: Service = {
      out: (text) => Ref.update(captured, (now) => ({ ...now, out: now.out + text })),
      err: (text) => Ref.update(captured, (now) => ({ ...now, err: now.err + text })),
      outIsTerminal: false,
      errIsTerminal: options.terminal ?? false,
      errColumns: options.columns ?? 80,
      inIsTerminal: options.stdin === undefined,
      in: Stream.succeed(new TextEncoder().encode(options.stdin ?? ""))
    }
    return { layer: Layer.succeed(Stdio, service), captured: Ref.get(captured) }
  })

// Escape sequences that style text (colours, bold), as @effect/cli writes them.
const styling = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")

/**
 * A `Console` that writes through the standard streams: `log` and `info` to
 * stdout, everything else to stderr, without colours where the stream is not
 * a terminal; the rest of `base`. @effect/cli writes its help and its
 * errors through it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const console = (stdio: Service, base: Console.Console): Console.Console => {
  const line = (terminal: boolean, args: ReadonlyArray<unknown>) => {
    const text = `${args.map(String).join(" ")}\n`
    return terminal ? text : text.replace(styling, "")
  }
  const toOut = (...args: ReadonlyArray<unknown>) => stdio.out(line(stdio.outIsTerminal, args))
  const toErr = (...args: ReadonlyArray<unknown>) => stdio.err(line(stdio.errIsTerminal, args))
  return { ...base, log: toOut, info: toOut, error: toErr, warn: toErr, debug: toErr, trace: toErr }
}
