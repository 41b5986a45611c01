/**
 * `tsx bench/instructions.ts [--clients a,b,…] [--src name=DIR]… [--calls N1,N2]`:
 * CPU instructions per call of each client, counted by valgrind's callgrind
 * in the client process (the loopback server runs outside it): the count of
 * N2 calls minus that of N1 calls, over N2 − N1, so start-up, warm-up and
 * the first N1 calls cancel out. A client named `x@name` runs client `x`
 * built against the copy of src given by `--src name=DIR`.
 *
 * Unlike the timed windows of run.ts, a count does not move with what else
 * the machine runs, so designs can be compared on a busy shared machine. It
 * does not see time spent waiting, and weighs every instruction alike.
 * Each client takes a few minutes (valgrind runs node about 50× slower).
 */
import * as esbuild from "esbuild"
import { fork, spawnSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { join, resolve } from "node:path"
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

const build = (variant: string): Promise<string> =>
  bundleAgainst(
    "instructionsChild.ts",
    join(buildDir, `child${variant === "" ? "" : `.${variant}`}.mjs`),
    sources.get(variant)!
  )

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
const count = (script: string, client: string, origin: string, calls: number): number => {
  const run = spawnSync(
    "valgrind",
    [
      "--tool=callgrind",
      "--callgrind-out-file=/dev/null",
      "--smc-check=all-non-file",
      process.execPath,
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
      const script = await build(variant)
      const perCall = (count(script, client, server.origin, more) - count(script, client, server.origin, fewer)) /
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
