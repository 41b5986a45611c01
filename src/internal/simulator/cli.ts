/**
 * The `modelgates-simulator` command: serves a simulator on loopback until
 * stopped (Ctrl-C, SIGTERM, SIGHUP), and says how to reach it and stop it.
 */
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as os from "node:os"
import * as ModelGatesSimulator from "../../testing/ModelGatesSimulator.js"
import * as ModelGatesSimulatorServer from "../../testing/ModelGatesSimulatorServer.js"

/** The command line could not be used. */
export class CliError extends Schema.TaggedError<CliError>()("CliError", {
  message: Schema.String
}) {}

export const usage = `Usage: modelgates-simulator [options]

Serves the ModelGates Generations API on loopback, with seeded generations.

Options:
  --port <n>            port to listen on; 0 picks a free one (default 8787)
  --host <host>         interface to listen on (default 127.0.0.1)
  --seed <n>            seed of the generated generations (default 1)
  --generations <n>     how many past generations to seed, besides the one
                        that has just finished (default 12)
  --key <key>[:member]  an accepted API key; repeatable. ":member" makes it a
                        non-admin key, which gets 403 on stored content
                        (default: ${ModelGatesSimulator.defaultApiKey})
  --ready-after <time>  how long a just-finished generation answers 404,
                        e.g. 500ms, 2s, 1m (default 2s)
  --rate-limit <n>[/<time>]
                        at most n requests per key per window, e.g. 60/1m
                        (default window 1m; off unless given)
  --list                print the id of every generation it starts with, one
                        a line, and exit (the seeded ids are the same for the
                        same --seed; the just-finished one is made at start)
  --help                show this help

Stopping it: Ctrl-C, or kill <pid> (the pid is printed when it starts).
Started through npm (npx, npm exec, npm run), it also stops when that npm
process exits, so \`npx modelgates-simulator & ... kill $!\` stops it too.`

const durationPattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/

const parseDuration = (flag: string, text: string): Effect.Effect<Duration.Duration, CliError> => {
  const match = durationPattern.exec(text.trim())
  if (match !== null) {
    const unit = match[2] ?? "ms"
    const factor = unit === "h" ? 3_600_000 : unit === "m" ? 60_000 : unit === "s" ? 1000 : 1
    return Effect.succeed(Duration.millis(Number(match[1]) * factor))
  }
  return Option.match(Duration.decodeUnknown(text), {
    onNone: () => Effect.fail(new CliError({ message: `${flag}: cannot read ${JSON.stringify(text)} as a duration` })),
    onSome: Effect.succeed
  })
}

const parseCount = (flag: string, text: string, min: number): Effect.Effect<number, CliError> => {
  const n = Number(text)
  return Number.isInteger(n) && n >= min && n <= 1_000_000
    ? Effect.succeed(n)
    : Effect.fail(
      new CliError({ message: `${flag}: expected a whole number from ${min}, got ${JSON.stringify(text)}` })
    )
}

type Parsed =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Serve" | "List"; readonly options: ModelGatesSimulatorServer.ServeOptions }

const help: Parsed = { _tag: "Help" }

/** Flags that take no value. */
const switches: ReadonlyMap<string, string> = new Map([["--help", "--help"], ["-h", "--help"], ["--list", "--list"]])

const flags = new Set(["--port", "--host", "--seed", "--generations", "--key", "--ready-after", "--rate-limit"])

/** Splits `--flag=value` and `--flag value` into pairs; fails on anything else. */
const pairsOf = (argv: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<readonly [string, string]>, CliError> =>
  Effect.gen(function*() {
    const pairs: Array<readonly [string, string]> = []
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]
      const eq = arg.indexOf("=")
      const [flag, inline] = eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)]
      const switched = switches.get(flag)
      if (switched !== undefined) {
        if (inline !== undefined) return yield* new CliError({ message: `${flag} takes no value` })
        pairs.push([switched, ""])
        continue
      }
      if (!flags.has(flag)) return yield* new CliError({ message: `unknown option ${JSON.stringify(arg)}` })
      const value = inline ?? argv[++i]
      if (value === undefined) return yield* new CliError({ message: `${flag} needs a value` })
      pairs.push([flag, value])
    }
    return pairs
  })

export const parse = (argv: ReadonlyArray<string>): Effect.Effect<Parsed, CliError> =>
  Effect.gen(function*() {
    const pairs = yield* pairsOf(argv)
    if (pairs.some(([flag]) => flag === "--help")) return help
    let options: ModelGatesSimulatorServer.ServeOptions = { port: 8787 }
    const keys: Array<ModelGatesSimulator.KeyOptions> = []
    for (const [flag, value] of pairs) {
      switch (flag) {
        case "--port":
          options = { ...options, port: yield* parseCount(flag, value, 0) }
          break
        case "--host":
          options = { ...options, host: value }
          break
        case "--seed":
          options = { ...options, seed: yield* parseCount(flag, value, 0) }
          break
        case "--generations":
          options = { ...options, generations: yield* parseCount(flag, value, 0) }
          break
        case "--key": {
          const member = value.endsWith(":member")
          const key = member ? value.slice(0, -":member".length) : value
          if (key === "" || /\s/.test(key)) {
            return yield* new CliError({ message: "--key: a key is one word without spaces" })
          }
          keys.push({ key, admin: !member })
          break
        }
        case "--ready-after":
          options = { ...options, readyAfter: yield* parseDuration(flag, value) }
          break
        case "--rate-limit": {
          const [requests, window = "1m"] = value.split("/")
          options = {
            ...options,
            rateLimit: { requests: yield* parseCount(flag, requests, 1), window: yield* parseDuration(flag, window) }
          }
          break
        }
      }
    }
    return {
      _tag: pairs.some(([flag]) => flag === "--list") ? "List" : "Serve",
      options: keys.length === 0 ? options : { ...options, keys }
    }
  })

const describeKeys = (options: ModelGatesSimulatorServer.ServeOptions): ReadonlyArray<string> =>
  (options.keys ?? [ModelGatesSimulator.defaultApiKey]).flatMap((entry) =>
    typeof entry === "string"
      ? [`${entry} (admin)`]
      : "key" in entry && typeof entry.key === "string"
      ? [`${entry.key} (${entry.admin === false ? "member: 403 on content" : "admin"})`]
      : []
  )

/** Where a server listens: what the banner needs of it. */
type Address = Pick<ModelGatesSimulatorServer.Server, "url" | "host" | "port">

const listenAddress = (server: Address): string => {
  const host = server.host.includes(":") ? `[${server.host}]` : server.host
  const every = server.host === "0.0.0.0" ? ", every IPv4 interface" : server.host === "::" ? ", every interface" : ""
  return `${host}:${server.port}${every}`
}

/** Where other machines reach a server bound to every interface: this machine's external addresses. */
const otherUrls = (server: Address): ReadonlyArray<string> => {
  if (server.host !== "0.0.0.0" && server.host !== "::") return []
  const path = new URL(server.url).pathname
  return Object.values(os.networkInterfaces()).flatMap((addresses) =>
    (addresses ?? []).flatMap((address) =>
      address.internal || (server.host === "0.0.0.0" && address.family !== "IPv4") || address.address.includes("%")
        ? []
        : [`http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${server.port}${path}`]
    )
  )
}

/** What the command prints once it listens: where, how to use it, how to stop it. */
export const banner = (
  server: Address,
  options: ModelGatesSimulatorServer.ServeOptions,
  generations: ReadonlyArray<ModelGatesSimulator.StoredGeneration>
): string => {
  const [key] = describeKeys(options)
  const plainKey = key.split(" ")[0]
  const shown = ["fallback", "prompt", "failed", "null-heavy", "regional", "fresh"].flatMap((label) =>
    generations.filter((generation) => generation.label === label).slice(0, 1)
  )
  const fresh = generations.filter((generation) => generation.label === "fresh").length
  const readyAfter = Duration.format(Duration.decode(options.readyAfter ?? "2 seconds"))
  const rateLimit = options.rateLimit === undefined
    ? "no rate limit"
    : `at most ${options.rateLimit.requests} requests per ${Duration.format(Duration.decode(options.rateLimit.window))}`
  return [
    `ModelGates simulator listening on ${listenAddress(server)} (pid ${process.pid})`,
    "",
    `  base URL:    ${server.url}`,
    ...otherUrls(server).map((url) => `  elsewhere:   ${url}`),
    `  keys:        ${describeKeys(options).join(", ")}`,
    `  generations: ${generations.length}: ${generations.length - fresh} past, ${fresh} just finished (seed ${
      options.seed ?? 1
    })`,
    `  readiness:   a just-finished generation answers 404 for ${readyAfter}`,
    `  rate limit:  ${rateLimit}`,
    "",
    "Generations to try:",
    ...shown.map((generation) =>
      `  ${generation.id}  ${generation.label.padEnd(10)}  ${generation.data.model.padEnd(36)}  ${
        generation.content === null ? "content not logged" : "content logged"
      }`
    ),
    "",
    "Try it:",
    `  curl -H "Authorization: Bearer ${plainKey}" "${server.url}/generation?id=${shown[0]?.id ?? ""}"`,
    "Every generation, as JSON:",
    `  curl "${new URL(server.url).origin}/__simulator/generations"`,
    "Point the SDK at it:",
    `  MODELGATES_BASE_URL=${server.url} MODELGATES_API_KEY=${plainKey}`,
    "",
    `Ctrl-C or kill ${process.pid} stops it.`
  ].join("\n")
}

/**
 * Done when the process that started this one has exited. npm (npx, npm
 * exec, npm run) runs a command through `sh -c`, and on SIGTERM it passes
 * the signal to that shell only, which dies without passing it on: `kill $!`
 * after `npx modelgates-simulator &` would leave the server running. So,
 * started by npm, the command stops when its parent goes.
 */
const parentExited: Effect.Effect<void> = Effect.gen(function*() {
  const parent = process.ppid
  yield* Effect.repeat(Effect.sync(() => process.ppid), {
    schedule: Schedule.spaced("250 millis"),
    until: (ppid) => ppid !== parent
  })
})

const startedByNpm: Effect.Effect<boolean> = Config.option(Config.string("npm_command")).pipe(
  Effect.map(Option.isSome),
  Effect.orElseSucceed(() => false)
)

const serveUntilStopped = (options: ModelGatesSimulatorServer.ServeOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const server = yield* ModelGatesSimulatorServer.serve(options)
    yield* Console.log(banner(server, options, yield* server.simulator.generations))
    if (yield* startedByNpm) {
      yield* parentExited
      return yield* Console.log("\nThe npm process that started the simulator exited: simulator stopped.")
    }
    return yield* Effect.never
  })).pipe(Effect.onInterrupt(() => Console.log("\nSimulator stopped.")))

const list = (options: ModelGatesSimulator.Options) =>
  Effect.flatMap(ModelGatesSimulator.ModelGatesSimulator, (simulator) => simulator.ids).pipe(
    Effect.flatMap((ids) => Console.log(ids.join("\n"))),
    Effect.provide(ModelGatesSimulator.layer(options))
  )

/** Runs the command until interrupted. */
export const run = (
  argv: ReadonlyArray<string>
): Effect.Effect<void, CliError | ModelGatesSimulatorServer.ServeError> =>
  Effect.gen(function*() {
    const parsed = yield* parse(argv)
    if (parsed._tag === "Help") return yield* Console.log(usage)
    if (parsed._tag === "List") return yield* list(parsed.options)
    return yield* serveUntilStopped(parsed.options)
  }).pipe(
    // The usage helps with a command line it could not read, not with a port in use: that is one line.
    Effect.tapError((error) =>
      Console.error(
        `modelgates-simulator: ${error.message}${
          error._tag === "CliError"
            ? `\n\n${usage}`
            : error.message.endsWith("(EADDRINUSE)")
            ? "; --port 0 picks a free one"
            : ""
        }`
      )
    )
  )

const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const

/**
 * Runs the command as the process: SIGINT (Ctrl-C), SIGTERM and SIGHUP
 * interrupt it, which closes the server; a second signal kills it at once.
 * The exit code is 1 when it failed, else 0. A compiled bin can call it as
 * well as the tsx one.
 */
export const main = (argv: ReadonlyArray<string>): void => {
  const fiber = Effect.runFork(run(argv))
  const stop = () => Effect.runFork(Fiber.interrupt(fiber))
  for (const signal of stopSignals) process.once(signal, stop)
  fiber.addObserver((exit) => {
    for (const signal of stopSignals) process.off(signal, stop)
    process.exitCode = Exit.isFailure(exit) && !Exit.isInterrupted(exit) ? 1 : 0
  })
}
