/**
 * `modelgates` as a real process (cli/bin/modelgates.mjs, as npx runs it),
 * against the simulator's loopback server: the report as a table, JSON and
 * CSV, ids from a file and from stdin, the exit codes, and stdout carrying
 * only the result while the progress goes to stderr.
 */
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as ModelGatesSimulatorServer from "@modelgates/effect/testing/ModelGatesSimulatorServer"
import { Effect, Exit, Scope } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sumDecimals } from "./utils/decimal.js"

const bin = fileURLToPath(new URL("../bin/modelgates.mjs", import.meta.url))

interface Ran {
  readonly code: number | null
  readonly out: string
  readonly err: string
}

const run = (
  args: ReadonlyArray<string>,
  options: {
    readonly stdin?: string
    readonly env?: Readonly<Record<string, string>>
    /** Sends SIGINT (as Ctrl-C does) once what the command wrote on stderr passes this test. */
    readonly interruptWhen?: (err: string) => boolean
  } = {}
): Promise<Ran> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      // Only what the command needs: none of this machine's MODELGATES_* variables.
      env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), ...options.env },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let out = ""
    let err = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk))
    let interrupted = false
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk
      if (!interrupted && options.interruptWhen?.(err) === true) {
        interrupted = true
        child.kill("SIGINT")
      }
    })
    const timer = setTimeout(() => child.kill("SIGKILL"), 100_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, out, err })
    })
    child.stdin.end(options.stdin ?? "")
  })

let scope: Scope.CloseableScope
let server: ModelGatesSimulatorServer.Server
let ready: ReadonlyArray<ModelGatesSimulator.StoredGeneration>
let env: Record<string, string>
let dir: string

beforeAll(async () => {
  scope = Effect.runSync(Scope.make())
  server = await Effect.runPromise(Scope.extend(ModelGatesSimulatorServer.serve({ seed: 5 }), scope))
  ready = (await Effect.runPromise(server.simulator.generations)).filter((generation) => generation.readyAt === 0)
  env = { MODELGATES_API_KEY: ModelGatesSimulator.defaultApiKey, MODELGATES_BASE_URL: server.url }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-process-"))
})

afterAll(async () => {
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
  if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
})

const idsFile = (name: string, lines: ReadonlyArray<string>): string => {
  const file = path.join(dir, name)
  fs.writeFileSync(file, `${lines.join("\n")}\n`)
  return file
}

const reportLines = /^modelgates report: /m

describe("modelgates as a process", () => {
  it("report FILE: a table on stdout; progress lines and the closing line on stderr only", async () => {
    const file = idsFile("ids.txt", ["# all the ready ones", ...ready.map((g) => g.id)])
    // At 2 requests a second the run lasts past the first 5-second progress line.
    const ran = await run(["report", file, "--rps", "2"], { env })
    expect(ran.code, ran.err).toBe(0)
    expect(ran.out).toMatch(new RegExp(`^ModelGates usage: ${ready.length} generations, `))
    expect(ran.out).toContain(`  total cost         $${sumDecimals(ready.map((g) => g.data.totalCost))}\n`)
    for (const generation of ready) expect(ran.out).toContain(generation.data.model)
    expect(ran.out).not.toMatch(reportLines)
    expect(ran.out).not.toContain("\r")
    const progress = ran.err.split("\n").filter((line) => / ids, \d+%, /.test(line))
    expect(progress.length).toBeGreaterThan(0)
    expect(progress[0]).toMatch(new RegExp(`^modelgates report: \\d+/${ready.length} ids, \\d+%, [\\d.]+/s, ETA `))
    expect(ran.err).toMatch(new RegExp(`modelgates report: looked up ${ready.length} ids in .*: ${ready.length} found`))
  })

  it("report --format json, ids piped into stdin: clean JSON on stdout", async () => {
    const some = ready.slice(0, 5)
    const ran = await run(["report", "--format", "json"], {
      env,
      stdin: `${some.map((g) => g.id).join("\r\n")}\r\n\r\n${some[0].id}\n`
    })
    expect(ran.code, ran.err).toBe(0)
    const { failed, report } = JSON.parse(ran.out)
    expect(failed).toEqual([])
    expect(report.count).toBe(5)
    expect(report.totalCost).toBe(sumDecimals(some.map((g) => g.data.totalCost)))
    expect(ran.err).toMatch(/looked up 5 ids in .*: 5 found, 0 failed/)
  })

  it("report --format csv with an unknown id: the report with the failed row, exit 1", async () => {
    const some = ready.slice(0, 3)
    const file = idsFile("some.txt", [some[0].id, "gen-0-unknown", ...some.slice(1).map((g) => g.id)])
    const ran = await run(["report", file, "--format", "csv", "--concurrency", "2"], { env })
    expect(ran.code).toBe(1)
    const rows = ran.out.trimEnd().split("\r\n")
    expect(rows[0]).toMatch(/^breakdown,key,count,total_cost,/)
    expect(rows[1]).toMatch(
      new RegExp(`^total,,3,${sumDecimals(some.map((g) => g.data.totalCost)).replace(".", "\\.")},`)
    )
    expect(rows.at(-1)).toMatch(/^failed,gen-0-unknown,,,,,,,NotFoundResponseError,/)
    expect(ran.err).toContain("modelgates: 1 of 4 ids could not be read (listed in the report)")
  })

  it("report --wait: a generation that appears during the run is found; one that never does fails in time", async () => {
    const added = await Effect.runPromise(server.simulator.add({ readyAfter: "1 second" }))
    const ran = await run(["report", "-", "--wait", "--max-wait", "3s", "--format", "json"], {
      env,
      stdin: `${added.id}\ngen-0-never\n`
    })
    expect(ran.code).toBe(1)
    const { failed, report } = JSON.parse(ran.out)
    expect(report.count).toBe(1)
    expect(report.byModel.map((group: { key: string }) => group.key)).toEqual([added.data.model])
    expect(failed).toEqual([{ id: "gen-0-never", error: "GenerationNotReadyError", message: expect.any(String) }])
  })

  it("report interrupted (SIGINT): says how far it got, exit 130, no --out file", async () => {
    // Enough ids at 5 requests a second that the run is far from done at its first progress line (5 s).
    const unknown = Array.from({ length: 100 - ready.length }, (_, i) => `gen-0-unknown-${i}`)
    const file = idsFile("many.txt", [...ready.map((g) => g.id), ...unknown])
    const out = path.join(dir, "interrupted.html")
    const ran = await run(["report", file, "--rps", "5", "--format", "html", "--out", out], {
      env,
      interruptWhen: (err) => / ids, \d+%, /.test(err)
    })
    expect(ran.code, ran.err).toBe(130)
    expect(ran.out).toBe("")
    const closing = /^modelgates report: interrupted after (\d+) of 100 ids in .*: \d+ found, \d+ failed$/m.exec(
      ran.err
    )
    expect(closing, ran.err).not.toBeNull()
    expect(Number(closing?.[1])).toBeGreaterThan(0)
    expect(Number(closing?.[1])).toBeLessThan(100)
    expect(ran.err).not.toMatch(/looked up \d+ ids/)
    expect(fs.readdirSync(dir).filter((name) => name.startsWith("interrupted"))).toEqual([])
  })

  it("content of an unknown id: a hint without --wait, which content does not have", async () => {
    const ran = await run(["content", "gen-0-unknown"], { env })
    expect(ran.code).toBe(1)
    expect(ran.out).toBe("")
    expect(ran.err).toMatch(/^modelgates: gen-0-unknown: NotFoundResponseError: .*input\/output logging/)
    expect(ran.err).not.toContain("--wait")
    const get = await run(["get", "gen-0-unknown"], { env })
    expect(get.code).toBe(1)
    expect(get.err).toMatch(/^modelgates: gen-0-unknown: NotFoundResponseError: .*--wait waits for it/)
  })

  it("plain http off loopback: refused, naming the variable that allows it, which does", async () => {
    const refused = await run(["get", ready[0].id], { env: { ...env, MODELGATES_BASE_URL: "http://example.com" } })
    expect(refused.code).toBe(2)
    expect(refused.err).toMatch(
      /^modelgates: MODELGATES_BASE_URL: http:\/\/example\.com is plain http .*MODELGATES_ALLOW_INSECURE_HTTP=true/
    )
    expect(refused.err).not.toContain("allowInsecureHttp")
    // 127.0.0.1 written as an IPv4-mapped IPv6 address: plain http that the SDK does not count as loopback.
    const mapped = server.url.replace("//127.0.0.1:", "//[::ffff:127.0.0.1]:")
    expect(mapped).not.toBe(server.url)
    const withoutIt = await run(["get", ready[0].id], { env: { ...env, MODELGATES_BASE_URL: mapped } })
    expect(withoutIt.code).toBe(2)
    const allowed = await run(["get", ready[0].id], {
      env: { ...env, MODELGATES_BASE_URL: mapped, MODELGATES_ALLOW_INSECURE_HTTP: "true" }
    })
    expect(allowed.code, allowed.err).toBe(0)
    expect(allowed.out.split("\n")[0]).toBe(ready[0].id)
  })

  it("exit 2 without a key, with what to set on stderr and nothing on stdout", async () => {
    const ran = await run(["get", ready[0].id])
    expect(ran.code).toBe(2)
    expect(ran.out).toBe("")
    expect(ran.err).toMatch(/^modelgates: MODELGATES_API_KEY is not set/)
  })

  it("get, then --help: readable, without colour codes when piped", async () => {
    const [generation] = ready
    const got = await run(["get", generation.id], { env })
    expect(got.code, got.err).toBe(0)
    expect(got.out.split("\n")[0]).toBe(generation.id)
    expect(got.out).toMatch(new RegExp(`^ {2}model +${generation.data.model.replace(/[.]/g, "\\.")}$`, "m"))
    const help = await run(["--help"])
    expect(help.code).toBe(0)
    expect(help.out).toMatch(/USAGE/)
    for (const command of ["get", "content", "report"]) expect(help.out).toContain(`- ${command} `)
    expect(help.out).not.toContain("\x1b[")
  })
})
