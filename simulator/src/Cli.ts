/**
 * The `modelgates-simulator` command: serves a simulator on loopback until
 * stopped (Ctrl-C, SIGTERM, SIGHUP), and says how to reach it and stop it.
 */
import * as os from "node:os"
import { parseArgs } from "node:util"
import * as Duration from "./Duration.js"
import * as Engine from "./Engine.js"
import * as Server from "./Server.js"

/** The command line could not be used. */
export class UsageError extends Error {
  override readonly name = "UsageError"
}

/** The variable that lists accepted keys, comma-separated, each `key` or `key:member`; kept out of `ps`. */
export const keysVariable = "MODELGATES_SIMULATOR_KEYS"

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
                        (default: ${Engine.defaultApiKey})
  --ready-after <time>  how long a just-finished generation answers 404:
                        seconds, or 500ms, 2s, 1m (default 2s)
  --rate-limit <n>[/<time>]
                        at most n requests per key per window, e.g. 60/1m
                        (default window 1m; off unless given)
  --list                print the id of every generation it starts with, one
                        a line, and exit (the seeded ids are the same for the
                        same --seed; the just-finished one is made at start)
  --help                show this help

Environment:
  ${keysVariable}   accepted keys, comma-separated, as --key takes them
                        (with --key, both are accepted); unlike --key, not
                        visible to other users in \`ps\`

Stopping it: Ctrl-C, or kill <pid> (the pid is printed when it starts).
Started through npm (npx, npm exec, npm run), it also stops when that npm
process exits, so \`npx modelgates-simulator & ... kill $!\` stops it too.`

/** What the command line asks for. */
export type Parsed =
  | { readonly _tag: "Help" }
  | { readonly _tag: "Serve" | "List"; readonly options: Server.ServeOptions }

const duration = (flag: string, text: string): string => {
  if (Duration.toMillis(text) === undefined) {
    throw new UsageError(`${flag}: cannot read ${JSON.stringify(text)} as a duration (seconds, or 500ms, 2s, 1m)`)
  }
  return text.trim()
}

const count = (flag: string, text: string, min: number): number => {
  const n = Number(text)
  if (text.trim() !== "" && Number.isInteger(n) && n >= min && n <= 1_000_000) return n
  throw new UsageError(`${flag}: expected a whole number from ${min}, got ${JSON.stringify(text)}`)
}

const keyOf = (source: string, text: string): Engine.KeyOptions => {
  const member = text.endsWith(":member")
  const key = member ? text.slice(0, -":member".length) : text
  if (key === "" || /\s/.test(key)) throw new UsageError(`${source}: a key is one word without spaces`)
  return { key, admin: !member }
}

/** The keys of `--key` and of the environment, each once (the first spelling wins). */
const keysOf = (flags: ReadonlyArray<string>, variable: string | undefined): Array<Engine.KeyOptions> => {
  const fromEnv = (variable ?? "").split(",").map((text) => text.trim()).filter((text) => text !== "")
  const keys = [
    ...fromEnv.map((text) => keyOf(keysVariable, text)),
    ...flags.map((text) => keyOf("--key", text))
  ]
  return keys.filter((entry, i) => keys.findIndex((other) => other.key === entry.key) === i)
}

const flags = {
  port: { type: "string" },
  host: { type: "string" },
  seed: { type: "string" },
  generations: { type: "string" },
  key: { type: "string", multiple: true },
  "ready-after": { type: "string" },
  "rate-limit": { type: "string" },
  list: { type: "boolean" },
  help: { type: "boolean", short: "h" }
} as const

/** parseArgs's errors, in this command's words. */
const readArgs = (argv: ReadonlyArray<string>) => {
  try {
    return parseArgs({ args: [...argv], options: flags, strict: true, allowPositionals: false }).values
  } catch (error) {
    const code = error instanceof Error && "code" in error ? error.code : undefined
    const message = error instanceof Error ? error.message : String(error)
    const flag = /'(-[-\w]*)/.exec(message)?.[1] ?? ""
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new UsageError(`unknown option ${JSON.stringify(flag)}`)
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new UsageError(`unexpected argument ${JSON.stringify(/'([^']*)'/.exec(message)?.[1] ?? "")}`)
    }
    if (/does not take an argument/.test(message)) throw new UsageError(`${flag} takes no value`)
    if (/argument missing/.test(message)) throw new UsageError(`${flag} needs a value`)
    throw new UsageError(message)
  }
}

/** Reads the command line, and the keys of {@link keysVariable}; throws a {@link UsageError}. */
export const parse = (argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}): Parsed => {
  const values = readArgs(argv)
  if (values.help === true) return { _tag: "Help" }
  const keys = keysOf(values.key ?? [], env[keysVariable])
  const rateLimit = values["rate-limit"]?.split("/")
  const options: Server.ServeOptions = {
    port: values.port === undefined ? 8787 : count("--port", values.port, 0),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values.seed === undefined ? {} : { seed: count("--seed", values.seed, 0) }),
    ...(values.generations === undefined ? {} : { generations: count("--generations", values.generations, 0) }),
    ...(keys.length === 0 ? {} : { keys }),
    ...(values["ready-after"] === undefined ? {} : { readyAfter: duration("--ready-after", values["ready-after"]) }),
    ...(rateLimit === undefined ? {} : {
      rateLimit: {
        requests: count("--rate-limit", rateLimit[0], 1),
        window: duration("--rate-limit", rateLimit[1] ?? "1m")
      }
    })
  }
  return { _tag: values.list === true ? "List" : "Serve", options }
}

/** A key as the banner shows it: the demo key as it is, any other with all but its ends hidden. */
export const maskKey = (key: string): string =>
  key === Engine.defaultApiKey ? key : key.length >= 12 ? `${key.slice(0, 3)}…${key.slice(-4)}` : "…"

const describeKeys = (options: Engine.Options): string =>
  (options.keys ?? [Engine.defaultApiKey])
    .map((entry) => typeof entry === "string" ? { key: entry } : entry)
    .map((entry) => `${maskKey(entry.key)} (${entry.admin === false ? "member: 403 on content" : "admin"})`)
    .join(", ")

/** Where a server listens: what the banner needs of it. */
type Address = Pick<Server.Server, "url" | "host" | "port">

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

const showcase = (generations: ReadonlyArray<Engine.StoredGeneration>) =>
  ["fallback", "prompt", "failed", "null-heavy", "regional", "fresh"].flatMap((label) =>
    generations.filter((generation) => generation.label === label).slice(0, 1)
  )

/**
 * What the command prints once it listens: where, how to use it, how to stop
 * it. Each key appears once, masked unless it is the demo key.
 */
export const banner = (
  server: Address,
  options: Server.ServeOptions,
  generations: ReadonlyArray<Engine.StoredGeneration>
): string => {
  const shown = showcase(generations)
  const fresh = generations.filter((generation) => generation.label === "fresh").length
  const readyAfter = Duration.format(Duration.toMillis(options.readyAfter ?? 2) ?? 0)
  const rateLimit = options.rateLimit === undefined
    ? "no rate limit"
    : `at most ${options.rateLimit.requests} requests per ${
      Duration.format(Duration.toMillis(options.rateLimit.window) ?? 0)
    }`
  return [
    `ModelGates simulator listening on ${listenAddress(server)} (pid ${process.pid})`,
    "",
    `  base URL:    ${server.url}`,
    ...otherUrls(server).map((url) => `  elsewhere:   ${url}`),
    `  keys:        ${describeKeys(options)}`,
    `  generations: ${generations.length}: ${generations.length - fresh} past, ${fresh} just finished (seed ${
      options.seed ?? 1
    })`,
    `  readiness:   a just-finished generation answers 404 for ${readyAfter}`,
    `  rate limit:  ${rateLimit}`,
    "",
    "Generations to try:",
    ...shown.map((generation) =>
      `  ${generation.id}  ${generation.label.padEnd(10)}  ${String(generation.data["model"]).padEnd(36)}  ${
        generation.content === null ? "content not logged" : "content logged"
      }`
    ),
    "",
    "Try it, with one of the keys above in MODELGATES_API_KEY:",
    `  export MODELGATES_BASE_URL=${server.url}`,
    `  curl -H "Authorization: Bearer $MODELGATES_API_KEY" "${server.url}/generation?id=${shown[0]?.id ?? ""}"`,
    "Every generation, as JSON:",
    `  curl "${new URL(server.url).origin}/__simulator/generations"`,
    "",
    `Ctrl-C or kill ${process.pid} stops it.`
  ].join("\n")
}

const stopSignals = ["SIGINT", "SIGTERM", "SIGHUP"] as const

/**
 * Resolves when the command should stop: on SIGINT, SIGTERM or SIGHUP, or,
 * started by npm, when npm's process (`parent`, read at start) has gone. npm (npx, npm exec, npm run)
 * runs a command through `sh -c` and passes SIGTERM to that shell only, which
 * dies without passing it on: `kill $!` after `npx modelgates-simulator &`
 * would leave the server running.
 */
const stopped = (env: NodeJS.ProcessEnv, parent: number): Promise<string> =>
  new Promise((resolve) => {
    const watch = env["npm_command"] === undefined ? undefined : setInterval(() => {
      if (process.ppid !== parent) done("\nThe npm process that started the simulator exited: simulator stopped.")
    }, 250)
    const onSignal = () => done("\nSimulator stopped.")
    const done = (message: string) => {
      if (watch !== undefined) clearInterval(watch)
      for (const signal of stopSignals) process.off(signal, onSignal)
      resolve(message)
    }
    for (const signal of stopSignals) process.once(signal, onSignal)
  })

const run = async (argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv): Promise<void> => {
  const parsed = parse(argv, env)
  if (parsed._tag === "Help") return void console.log(usage)
  if (parsed._tag === "List") return void console.log(Engine.make(parsed.options).ids().join("\n"))
  // The parent is read before anything is printed: once the banner is out, whoever started the simulator may stop
  // it at once, and npm's shell may already be gone.
  const parent = process.ppid
  const server = await Server.serve(parsed.options)
  const stop = stopped(env, parent)
  console.log(banner(server, parsed.options, server.simulator.generations()))
  const message = await stop
  await server.close()
  console.log(message)
}

/**
 * Runs the command as the process; the exit code is 1 when it failed, else 0.
 * The bin of the repository (through tsx) and the published one both call it.
 */
export const main = (argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv = process.env): Promise<void> =>
  run(argv, env).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error)
    // The usage helps with a command line it could not read, not with a port in use: that is one line.
    const hint = error instanceof UsageError
      ? `\n\n${usage}`
      : message.endsWith("(EADDRINUSE)")
      ? "; --port 0 picks a free one"
      : ""
    console.error(`modelgates-simulator: ${message}${hint}`)
    process.exitCode = 1
  })
