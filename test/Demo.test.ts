/**
 * The `modelgates-simulator` command and `npm run demo`, run as the user runs
 * them: real processes, real ports on 127.0.0.1, Ctrl-C to stop.
 */
import { describe, expect, it } from "@effect/vitest"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import { Duration, Effect, Either } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as http from "node:http"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Cli from "../src/internal/simulator/cli.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const bin = path.join(root, "bin", "modelgates-simulator.mjs")

interface Run {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exited: Promise<number | null>
}

const start = (
  args: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv = process.env,
  command: string = process.execPath
): Run => {
  const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout?.on("data", (chunk) => (output += chunk))
  child.stderr?.on("data", (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return { child, output: () => output, exited }
}

/** Waits until the output matches, for `ms` at most. */
const outputMatching = async (run: Run, pattern: RegExp, ms: number): Promise<RegExpMatchArray> => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const match = pattern.exec(run.output())
    if (match !== null) return match
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  run.child.kill("SIGKILL")
  throw new Error(`no ${pattern} in ${ms} ms; output:\n${run.output()}`)
}

const exitWithin = (run: Run, ms: number): Promise<number | null> =>
  Promise.race([
    run.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        run.child.kill("SIGKILL")
        reject(new Error(`still running after ${ms} ms; output:\n${run.output()}`))
      }, ms)
    )
  ])

/** Whether a process still runs after `ms`; kills it if so. */
const stillRunning = async (pid: number, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms
  const alive = () => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  while (Date.now() < deadline && alive()) await new Promise((resolve) => setTimeout(resolve, 50))
  if (!alive()) return false
  process.kill(pid, "SIGKILL")
  return true
}

describe("modelgates-simulator", () => {
  it("serves the API on loopback, prints the base URL and ids, and stops cleanly on Ctrl-C", async () => {
    const run = start([bin, "--port", "0", "--seed", "3", "--key", "sk-one", "--key", "sk-two:member"])
    try {
      const [, port, pid] = await outputMatching(run, /listening on 127\.0\.0\.1:(\d+) \(pid (\d+)\)/, 15_000)
      expect(Number(pid)).toBe(run.child.pid)
      const [, url] = await outputMatching(run, /base URL: +(\S+)/, 5_000)
      expect(url).toBe(`http://127.0.0.1:${port}/api/v1`)
      await outputMatching(run, new RegExp(`Ctrl-C or kill ${pid} stops it`), 5_000)
      // 12 past generations by default, and the one just finished.
      expect(run.output()).toContain("generations: 13: 12 past, 1 just finished (seed 3)")
      const ids = [...run.output().matchAll(/^\s+(gen-\d+-\w+)\s+(\S+)/gm)].map((match) => [match[1], match[2]])
      expect(ids.map(([, label]) => label)).toEqual(["fallback", "prompt", "failed", "null-heavy", "regional", "fresh"])
      const [id] = ids[0]
      const metadata = await fetch(`${url}/generation?id=${id}`, { headers: { authorization: "Bearer sk-one" } })
      expect(metadata.status).toBe(200)
      expect((await metadata.json()).data.id).toBe(id)
      const member = await fetch(`${url}/generation/content?id=${id}`, { headers: { authorization: "Bearer sk-two" } })
      expect(member.status).toBe(403)
      await member.text()
      run.child.kill("SIGINT")
      expect(await exitWithin(run, 5_000)).toBe(0)
      expect(run.output()).toContain("Simulator stopped.")
    } finally {
      run.child.kill("SIGKILL")
    }
  }, 30_000)

  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    it(`stops cleanly on ${signal}`, async () => {
      const run = start([bin, "--port", "0"])
      try {
        await outputMatching(run, /stops it\./, 15_000)
        run.child.kill(signal)
        expect(await exitWithin(run, 5_000)).toBe(0)
        expect(run.output()).toContain("Simulator stopped.")
      } finally {
        run.child.kill("SIGKILL")
      }
    }, 30_000)
  }

  it("started by npm, stops when npm's shell goes, though the signal never reached it", async () => {
    // What npx does: npm runs the bin through `sh -c`, and passes SIGTERM to that shell only.
    const run = start(["-c", `"${process.execPath}" "${bin}" --port 0; exit $?`], {
      ...process.env,
      npm_command: "exec"
    }, "/bin/sh")
    try {
      const [, pid] = await outputMatching(run, /\(pid (\d+)\)/, 15_000)
      expect(Number(pid)).not.toBe(run.child.pid)
      run.child.kill("SIGTERM")
      await outputMatching(run, /The npm process that started the simulator exited: simulator stopped\./, 5_000)
      await expect(stillRunning(Number(pid), 5_000)).resolves.toBe(false)
    } finally {
      run.child.kill("SIGKILL")
    }
  }, 30_000)

  it("says in one line, without the usage, that the port is in use, and exits 1", async () => {
    const holder = http.createServer()
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve))
    const address = holder.address()
    const port = address !== null && typeof address === "object" ? address.port : 0
    try {
      const run = start([bin, "--port", String(port)])
      expect(await exitWithin(run, 15_000)).toBe(1)
      expect(run.output().trim()).toBe(
        `modelgates-simulator: cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE); ` +
          "--port 0 picks a free one"
      )
    } finally {
      holder.close()
    }
  }, 30_000)

  it("prints the address it listens on, and URLs a client can use, when bound to every interface", () => {
    const server = { url: "http://127.0.0.1:8787/api/v1", host: "0.0.0.0", port: 8787 }
    const printed = Cli.banner(server, { port: 8787, host: "0.0.0.0" }, [])
    expect(printed).toMatch(/^ModelGates simulator listening on 0\.0\.0\.0:8787, every IPv4 interface \(pid \d+\)$/m)
    expect(printed).toContain("base URL:    http://127.0.0.1:8787/api/v1")
    const elsewhere = [...printed.matchAll(/elsewhere: +(\S+)/g)].map((match) => match[1])
    for (const url of elsewhere) expect(url).toMatch(/^http:\/\/[\d.]+:8787\/api\/v1$/)
  })

  it("--list prints the id of every generation, one a line, and exits 0", async () => {
    const run = start([bin, "--list", "--seed", "3", "--generations", "5"])
    expect(await exitWithin(run, 30_000)).toBe(0)
    const lines = run.output().trimEnd().split("\n")
    const seeded = await Effect.runPromise(
      Effect.flatMap(ModelGatesSimulator.ModelGatesSimulator, (simulator) => simulator.ids).pipe(
        Effect.provide(ModelGatesSimulator.layer({ seed: 3, generations: 5 }))
      )
    )
    // The seeded ids, then the one just finished, made at start.
    expect(lines).toHaveLength(6)
    expect(lines.slice(0, 5)).toEqual(seeded.slice(0, 5))
    expect(lines[5]).toMatch(/^gen-\d+-\w{20}$/)
  }, 60_000)

  it("refuses an unknown option with the usage, and exits 1", async () => {
    const run = start([bin, "--colour", "blue"])
    expect(await exitWithin(run, 15_000)).toBe(1)
    expect(run.output()).toContain(`unknown option "--colour"`)
    expect(run.output()).toContain("Usage: modelgates-simulator")
  }, 30_000)

  describe("flags", () => {
    const parse = (argv: ReadonlyArray<string>) => Effect.runSync(Effect.either(Cli.parse(argv)))

    it("default to port 8787 and the simulator's defaults", () => {
      expect(parse([])).toEqual(Either.right({ _tag: "Serve", options: { port: 8787 } }))
      expect(parse(["--help"])).toEqual(Either.right({ _tag: "Help" }))
      expect(parse(["--list", "--seed", "2"])).toEqual(Either.right({ _tag: "List", options: { port: 8787, seed: 2 } }))
    })

    it("read every option, in both spellings", () => {
      const parsed = parse([
        "--port=0",
        "--host",
        "::1",
        "--seed",
        "9",
        "--generations=30",
        "--key",
        "sk-a",
        "--key=sk-b:member",
        "--ready-after",
        "1.5s",
        "--rate-limit",
        "60/1m"
      ])
      expect(parsed).toEqual(Either.right({
        _tag: "Serve",
        options: {
          port: 0,
          host: "::1",
          seed: 9,
          generations: 30,
          keys: [{ key: "sk-a", admin: true }, { key: "sk-b", admin: false }],
          readyAfter: Duration.millis(1500),
          rateLimit: { requests: 60, window: Duration.minutes(1) }
        }
      }))
      expect(parse(["--ready-after", "3 seconds"])).toEqual(
        Either.right({ _tag: "Serve", options: { port: 8787, readyAfter: Duration.seconds(3) } })
      )
    })

    it("name the flag that cannot be read", () => {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["--port", "http"], "--port"],
        [["--rate-limit", "0"], "--rate-limit"],
        [["--ready-after", "soon"], "--ready-after"],
        [["--key"], "--key needs a value"],
        [["--key", "two words"], "--key"],
        [["--verbose"], "unknown option"],
        [["--list=all"], "--list takes no value"]
      ]
      for (const [argv, message] of cases) {
        const parsed = parse(argv)
        expect(Either.isLeft(parsed) ? parsed.left.message : "parsed").toContain(message)
      }
    })
  })
})

describe("npm run demo", () => {
  const demo = (env: NodeJS.ProcessEnv, ...args: ReadonlyArray<string>) => {
    const withoutKey = { ...process.env }
    delete withoutKey["MODELGATES_API_KEY"]
    return start([path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "examples/demo.ts", ...args], {
      ...withoutKey,
      ...env
    })
  }

  it("says once why it runs against the simulator", async () => {
    const cases: ReadonlyArray<readonly [NodeJS.ProcessEnv, ReadonlyArray<string>, string]> = [
      [{ MODELGATES_API_KEY: "sk-mg-not-used" }, [], "MODELGATES_API_KEY is set, but no --id gen-… was given"],
      [{ MODELGATES_API_KEY: " " }, ["--id", "gen-1"], "MODELGATES_API_KEY is empty"],
      [{}, ["--id=gen-1"], "no MODELGATES_API_KEY set, so --id gen-1 is not looked up on the real service"]
    ]
    const runs = cases.map(([env, args]) => demo(env, ...args))
    try {
      const reasons = await Promise.all(
        runs.map((run) => outputMatching(run, /^ModelGates simulator listening on \S+ \((.*)\)$/m, 60_000))
      )
      cases.forEach(([, , why], i) => {
        expect(reasons[i][1]).toContain(why)
        // Said once, and nothing says the opposite.
        expect(runs[i].output().match(/MODELGATES_API_KEY/g)?.length ?? 0).toBe(1)
      })
    } finally {
      for (const run of runs) run.child.kill("SIGKILL")
    }
  }, 90_000)

  it("walks through the SDK against the simulator and exits 0", async () => {
    const run = demo({})
    try {
      expect(await exitWithin(run, 40_000)).toBe(0)
      const output = run.output()
      for (
        const expected of [
          "ModelGates simulator listening on http://127.0.0.1:",
          "What a generation cost and how it ran",
          "What went in and came out",
          "A generation that failed, with its stored error",
          "404, not there yet",
          "statuses seen: 429 → 200",
          "403: this key may not read stored content",
          "524 from the edge network",
          "timed out after 300ms",
          "refused before sending (id)",
          "Done."
        ]
      ) {
        expect(output).toContain(expected)
      }
    } finally {
      run.child.kill("SIGKILL")
    }
  }, 60_000)
})
