/**
 * `tsx bench/overhead.ts [--src name=DIR]… [--rounds N] [--case text]`: the
 * SDK's CPU per call without the network (see overhead-cases.ts), for the
 * repository's `src` and for each alternative copy given with `--src`, all in
 * one process, the variants alternating over many short rounds. Prints the
 * median and the minimum over the rounds of µs of CPU per call
 * (process.cpuUsage) per case and variant: on a shared machine the minimum is
 * the least disturbed.
 *
 * This is how the src changes recommended in docs/benchmarks.md were tried:
 * copy src to /tmp, patch the copy, pass it as `--src patched=/tmp/…/src`.
 */
import { mkdirSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { performance } from "node:perf_hooks"
import { pathToFileURL } from "node:url"
import { benchDir, bundleAgainst, rootDir } from "./srcAlias.js"

const buildDir = join(benchDir, "build")
const args = process.argv.slice(2)
const option = (name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const rounds = Number(option("--rounds") ?? 15)
const only = option("--case")
const sources = new Map<string, string>([["src", join(rootDir, "src")]])
args.forEach((arg, i) => {
  if (arg !== "--src") return
  const [name, dir] = args[i + 1].split("=")
  sources.set(name, resolve(dir))
})

const build = (name: string, srcDir: string): Promise<string> =>
  bundleAgainst("overhead-cases.ts", join(buildDir, `overhead.${name}.mjs`), srcDir)

const main = async () => {
  mkdirSync(buildDir, { recursive: true })
  const text = readFileSync(join(rootDir, "test/fixtures/generation.full.json"), "utf8")
  const variants: Array<[string, Record<string, () => Promise<unknown>>]> = []
  for (const [name, dir] of sources) {
    const module = await import(pathToFileURL(await build(name, dir)).href) as {
      makeCases: (text: string) => Record<string, () => Promise<unknown>>
    }
    variants.push([name, module.makeCases(text)])
  }
  const caseNames = Object.keys(variants[0][1]).filter((name) => only === undefined || name.includes(only))
  const samples = new Map<string, Array<number>>()
  const measure = async (key: string, call: () => Promise<unknown>, ms: number, record: boolean) => {
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    let calls = 0
    while (performance.now() - t0 < ms) {
      await Promise.all([call(), call(), call(), call(), call(), call(), call(), call()])
      calls += 8
    }
    const cpu = process.cpuUsage(cpu0)
    if (record) samples.set(key, [...(samples.get(key) ?? []), (cpu.user + cpu.system) / calls])
  }
  for (const [variant, cases] of variants) {
    for (const name of caseNames) await measure(`${name}|${variant}`, cases[name], 300, false)
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const [variant, cases] = variants[(i + round) % variants.length]
      for (const name of caseNames) await measure(`${name}|${variant}`, cases[name], 150, true)
    }
  }
  const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const min = (values: Array<number>) => Math.min(...values)
  const head = ["case", ...variants.map(([name]) => `${name} µs/call (median / min)`)]
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => " --- ").join("|")}|`)
  for (const name of caseNames) {
    const cells = variants.map(([variant]) => {
      const values = samples.get(`${name}|${variant}`)!
      return `${median(values).toFixed(1)} / ${min(values).toFixed(1)}`
    })
    console.log(`| ${name} | ${cells.join(" | ")} |`)
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error)
  process.exit(1)
})
