/**
 * The `modelgates-simulator` command, run as the user runs it: a real
 * process, real ports on 127.0.0.1, Ctrl-C to stop; and its flags, keys and
 * banner.
 */
import * as http from "node:http"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import * as Cli from "../src/Cli.js"
import * as Engine from "../src/Engine.js"
import { exitWithin, outputMatching, start, stillRunning } from "./utils/Process.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const bin = path.join(root, "bin", "modelgates-simulator.mjs")

const withoutKeys = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env[Cli.keysVariable]
  delete env["npm_command"]
  return env
}

const runBin = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
  start([bin, ...args], { cwd: root, env: { ...withoutKeys(), ...env } })

describe("modelgates-simulator, as a process", () => {
  it("serves the API on loopback, prints the base URL and ids, and stops cleanly on Ctrl-C", async () => {
    const run = runBin([
      "--port",
      "0",
      "--seed",
      "3",
      "--key",
      "sk-one-0123456789",
      "--key",
      "sk-two-abcdefghij:member"
    ])
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
      const headers = { authorization: "Bearer sk-one-0123456789" }
      const metadata = await fetch(`${url}/generation?id=${id}`, { headers })
      expect(metadata.status).toBe(200)
      expect((await metadata.json()).data.id).toBe(id)
      const member = await fetch(`${url}/generation/content?id=${id}`, {
        headers: { authorization: "Bearer sk-two-abcdefghij" }
      })
      expect(member.status).toBe(403)
      await member.text()
      run.child.kill("SIGINT")
      expect(await exitWithin(run, 5_000)).toBe(0)
      expect(run.output()).toContain("Simulator stopped.")
    } finally {
      run.child.kill("SIGKILL")
    }
  }, 30_000)

  it("takes keys from MODELGATES_SIMULATOR_KEYS, and masks every key but the demo key, each shown once", async () => {
    const keys = "sk-env-admin-1111aaaa, sk-env-member-2222bbbb:member"
    const run = runBin(["--port", "0", "--key", "sk-flag-3333cccc", "--key", "sk-env-admin-1111aaaa"], {
      [Cli.keysVariable]: keys
    })
    try {
      const [, url] = await outputMatching(run, /base URL: +(\S+)/, 15_000)
      await outputMatching(run, /stops it\./, 5_000)
      const output = run.output()
      expect(output).toContain(
        "keys:        sk-…aaaa (admin), sk-…bbbb (member: 403 on content), sk-…cccc (admin)"
      )
      for (const secret of ["sk-env-admin-1111aaaa", "sk-env-member-2222bbbb", "sk-flag-3333cccc"]) {
        expect(output).not.toContain(secret)
      }
      const [, id] = /^ +(gen-\d+-\w+) +fallback/m.exec(output) ?? []
      const lookUp = (key: string, what = "generation") =>
        fetch(`${url}/${what}?id=${id}`, { headers: { authorization: `Bearer ${key}` } }).then(
          async (response) => (await response.text(), response.status)
        )
      expect(await lookUp("sk-env-admin-1111aaaa")).toBe(200)
      expect(await lookUp("sk-env-member-2222bbbb", "generation/content")).toBe(403)
      expect(await lookUp("sk-flag-3333cccc")).toBe(200)
      // The demo key is not accepted once keys are given.
      expect(await lookUp(Engine.defaultApiKey)).toBe(401)
      run.child.kill("SIGTERM")
      expect(await exitWithin(run, 5_000)).toBe(0)
    } finally {
      run.child.kill("SIGKILL")
    }
  }, 30_000)

  it("shows the demo key once when it runs with the defaults", async () => {
    const run = runBin(["--port", "0"])
    try {
      await outputMatching(run, /stops it\./, 15_000)
      expect(run.output().split(Engine.defaultApiKey)).toHaveLength(2)
      run.child.kill("SIGHUP")
      expect(await exitWithin(run, 5_000)).toBe(0)
      expect(run.output()).toContain("Simulator stopped.")
    } finally {
      run.child.kill("SIGKILL")
    }
  }, 30_000)

  it("reads a bare --ready-after as seconds", async () => {
    const run = runBin(["--port", "0", "--ready-after", "3"])
    try {
      await outputMatching(run, /stops it\./, 15_000)
      expect(run.output()).toContain("a just-finished generation answers 404 for 3s")
    } finally {
      run.child.kill("SIGKILL")
    }
  }, 30_000)

  it("started by npm, stops when npm's shell goes, though the signal never reached it", async () => {
    // What npx does: npm runs the bin through `sh -c`, and passes SIGTERM to that shell only.
    const run = start(["-c", `"${process.execPath}" "${bin}" --port 0; exit $?`], {
      cwd: root,
      env: { ...withoutKeys(), npm_command: "exec" },
      command: "/bin/sh"
    })
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
      const run = runBin(["--port", String(port)])
      expect(await exitWithin(run, 15_000)).toBe(1)
      expect(run.output().trim()).toBe(
        `modelgates-simulator: cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE); ` +
          "--port 0 picks a free one"
      )
    } finally {
      holder.close()
    }
  }, 30_000)

  it("--list prints the id of every generation, one a line, and exits 0", async () => {
    const run = runBin(["--list", "--seed", "3", "--generations", "5"])
    expect(await exitWithin(run, 30_000)).toBe(0)
    const lines = run.output().trimEnd().split("\n")
    const seeded = Engine.make({ seed: 3, generations: 5 }).ids()
    // The seeded ids, then the one just finished, made at start.
    expect(lines).toHaveLength(6)
    expect(lines.slice(0, 5)).toEqual(seeded.slice(0, 5))
    expect(lines[5]).toMatch(/^gen-\d+-\w{20}$/)
  }, 30_000)

  it("refuses an unknown option with the usage, and exits 1", async () => {
    const run = runBin(["--colour", "blue"])
    expect(await exitWithin(run, 15_000)).toBe(1)
    expect(run.output()).toContain(`unknown option "--colour"`)
    expect(run.output()).toContain("Usage: modelgates-simulator")
  }, 30_000)
})

describe("modelgates-simulator's banner", () => {
  it("prints the address it listens on, and URLs a client can use, when bound to every interface", () => {
    const server = { url: "http://127.0.0.1:8787/api/v1", host: "0.0.0.0", port: 8787 }
    const printed = Cli.banner(server, { host: "0.0.0.0" }, [])
    expect(printed).toMatch(/^ModelGates simulator listening on 0\.0\.0\.0:8787, every IPv4 interface \(pid \d+\)$/m)
    expect(printed).toContain("base URL:    http://127.0.0.1:8787/api/v1")
    const elsewhere = [...printed.matchAll(/elsewhere: +(\S+)/g)].map((match) => match[1])
    for (const url of elsewhere) expect(url).toMatch(/^http:\/\/[\d.]+:8787\/api\/v1$/)
  })

  it("masks keys other than the demo key", () => {
    expect(Cli.maskKey(Engine.defaultApiKey)).toBe(Engine.defaultApiKey)
    expect(Cli.maskKey("sk-mg-v1-0123456789abcd")).toBe("sk-…abcd")
    expect(Cli.maskKey("short")).toBe("…")
  })
})

describe("modelgates-simulator's flags", () => {
  const parse = (argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) => {
    try {
      return Cli.parse(argv, env)
    } catch (error) {
      return error instanceof Error ? error.message : String(error)
    }
  }

  it("default to port 8787 and the simulator's defaults", () => {
    expect(parse([])).toEqual({ _tag: "Serve", options: { port: 8787 } })
    expect(parse(["--help"])).toEqual({ _tag: "Help" })
    expect(parse(["-h"])).toEqual({ _tag: "Help" })
    expect(parse(["--list", "--seed", "2"])).toEqual({ _tag: "List", options: { port: 8787, seed: 2 } })
  })

  it("read every option, in both spellings", () => {
    expect(parse([
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
    ])).toEqual({
      _tag: "Serve",
      options: {
        port: 0,
        host: "::1",
        seed: 9,
        generations: 30,
        keys: [{ key: "sk-a", admin: true }, { key: "sk-b", admin: false }],
        readyAfter: "1.5s",
        rateLimit: { requests: 60, window: "1m" }
      }
    })
  })

  it("take keys from the environment first, then --key, each once", () => {
    expect(parse(["--key", "sk-b", "--key", "sk-c"], { [Cli.keysVariable]: " sk-a:member ,sk-b,," })).toEqual({
      _tag: "Serve",
      options: {
        port: 8787,
        keys: [{ key: "sk-a", admin: false }, { key: "sk-b", admin: true }, { key: "sk-c", admin: true }]
      }
    })
    expect(parse([], { [Cli.keysVariable]: "two words" })).toContain(`${Cli.keysVariable}: a key is one word`)
  })

  it("name the flag that cannot be read", () => {
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [["--port", "http"], "--port"],
      [["--rate-limit", "0"], "--rate-limit"],
      [["--ready-after", "soon"], "--ready-after"],
      [["--ready-after", "-1"], "--ready-after"],
      [["--key"], "--key needs a value"],
      [["--key", "two words"], "--key"],
      [["--verbose"], "unknown option \"--verbose\""],
      [["--list=all"], "--list takes no value"],
      [["serve"], "unexpected argument \"serve\""]
    ]
    for (const [argv, message] of cases) expect(parse(argv)).toContain(message)
  })
})
