/**
 * The command line run in this process: each command's output and exit
 * code, against the in-memory simulator (`--simulator`) and, for the
 * configuration, the simulator's loopback server. Time is real here: the
 * progress's own timing is tested with TestClock in Progress.test.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import { Usage } from "@modelgates/effect"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as ModelGatesSimulatorServer from "@modelgates/effect/testing/ModelGatesSimulatorServer"
import { DateTime, Effect, Exit, Schema, Scope } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll } from "vitest"
import { sumDecimals } from "./utils/decimal.js"
import { runCli } from "./utils/runCli.js"

// What `--simulator` serves: the simulator's default seed, so the same
// seeded generations as a simulator built here.
let stored: ReadonlyArray<ModelGatesSimulator.StoredGeneration>
let scope: Scope.CloseableScope
let server: ModelGatesSimulatorServer.Server

beforeAll(async () => {
  stored = await Effect.runPromise(
    Effect.provide(
      Effect.flatMap(ModelGatesSimulator.ModelGatesSimulator, (simulator) => simulator.generations),
      ModelGatesSimulator.layer({ readyAfter: 0 })
    )
  )
  scope = Effect.runSync(Scope.make())
  server = await Effect.runPromise(Scope.extend(ModelGatesSimulatorServer.serve(), scope))
})

afterAll(async () => {
  if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
})

const labelled = (label: string): ModelGatesSimulator.StoredGeneration => {
  const found = stored.find((generation) => generation.label === label)
  if (found === undefined) throw new Error(`the simulator has no ${label} generation`)
  return found
}

// The seeded past only: the "fresh" generation is made anew, with a new id, by each simulator.
const past = () => stored.filter((generation) => generation.label !== "fresh")

const ReportJson = Schema.parseJson(Schema.Struct({
  report: Usage.Report,
  failed: Schema.Array(Schema.Struct({ id: Schema.String, error: Schema.String, message: Schema.String }))
}))
const decodeReport = Schema.decodeUnknownSync(ReportJson)

describe("modelgates get", () => {
  it.live("prints the cost, tokens, latency, provider and fallbacks, readable", () =>
    Effect.gen(function*() {
      const { data, id } = labelled("fallback")
      const attempts = data.providerResponses ?? []
      expect(attempts.length).toBeGreaterThan(1)
      const ran = yield* runCli(["get", "--simulator", id])
      expect(ran.code, ran.err).toBe(0)
      expect(ran.err).toBe("")
      const lines = ran.out.split("\n")
      expect(lines[0]).toBe(id)
      expect(ran.out).toMatch(new RegExp(`^  model +${data.model.replace(/[.]/g, "\\.")}$`, "m"))
      expect(ran.out).toMatch(new RegExp(`^  provider +${data.providerName}$`, "m"))
      expect(ran.out).toMatch(new RegExp(`^  cost +\\$${String(data.totalCost).replace(".", "\\.")}`, "m"))
      expect(ran.out).toContain(
        `${(data.tokensPrompt ?? 0).toLocaleString("en-US")} prompt · ` +
          `${(data.tokensCompletion ?? 0).toLocaleString("en-US")} completion`
      )
      expect(ran.out).toMatch(/^ {2}latency +\d/m)
      // Every attempt, in order, with its status.
      const fallbacks = lines.find((line) => line.startsWith("  fallbacks")) ?? ""
      expect(fallbacks).toContain(`${attempts.length - 1}: `)
      const named = attempts.map((attempt) => `${attempt.providerName} (${attempt.status ?? "no answer"}`)
      expect(named.map((name) => fallbacks.indexOf(name))).toEqual(
        named.map((name) => fallbacks.indexOf(name)).sort((a, b) => a - b)
      )
      for (const name of named) expect(fallbacks).toContain(name)
    }))

  it.live("reads a field the API did not record as not recorded, never 0", () =>
    Effect.gen(function*() {
      const { data, id } = labelled("null-heavy")
      const checked = [
        [data.nativeTokensPrompt, /^ {2}native tokens +not recorded prompt/m],
        [data.latency, /^ {2}latency +not recorded/m],
        [data.tokensPrompt, /^ {2}tokens +not recorded prompt/m],
        [data.providerName, /^ {2}provider +not recorded/m]
      ] as const
      expect(checked.some(([value]) => value === null)).toBe(true)
      const ran = yield* runCli(["get", "--simulator", id])
      expect(ran.code).toBe(0)
      for (const [value, pattern] of checked) {
        if (value === null) expect(ran.out).toMatch(pattern)
        else expect(ran.out).not.toMatch(pattern)
      }
    }))

  it.live("--json prints the decoded model as JSON", () =>
    Effect.gen(function*() {
      const { data, id } = labelled("byok")
      const ran = yield* runCli(["get", "--simulator", "--json", id])
      expect(ran.code).toBe(0)
      const printed = JSON.parse(ran.out)
      expect(printed).toMatchObject({
        id,
        model: data.model,
        totalCost: data.totalCost,
        isByok: true,
        upstreamInferenceCost: data.upstreamInferenceCost,
        createdAt: DateTime.formatIso(data.createdAt)
      })
      expect(Object.keys(printed).sort()).toEqual(Object.keys(data).sort())
    }))

  it.live("an unknown id exits 1, with the error's tag and a hint on stderr and nothing on stdout", () =>
    Effect.gen(function*() {
      const ran = yield* runCli(["get", "--simulator", "gen-0-unknown"])
      expect(ran.code).toBe(1)
      expect(ran.out).toBe("")
      expect(ran.err).toMatch(/^modelgates: gen-0-unknown: NotFoundResponseError: .*--wait/)
    }))

  it.live("an id the SDK refuses to send is a usage error: exit 2", () =>
    Effect.gen(function*() {
      const ran = yield* runCli(["get", "--simulator", "   "])
      expect(ran.code).toBe(2)
      expect(ran.out).toBe("")
      expect(ran.err).toMatch(/^modelgates: .*id/)
    }))
})

describe("modelgates content", () => {
  it.live("prints the stored input, reasoning and completion under headings", () =>
    Effect.gen(function*() {
      const generation = stored.find((g) =>
        g.content !== null && "messages" in g.content.input && g.content.output.completion !== null
      )
      if (generation?.content == null) throw new Error("the simulator has no generation with stored messages")
      const ran = yield* runCli(["content", "--simulator", generation.id])
      expect(ran.code, ran.err).toBe(0)
      expect(ran.out.split("\n")[0]).toBe(generation.id)
      expect(ran.out).toContain(
        `── messages (${(generation.content.input as { messages: Array<unknown> }).messages.length}) ──`
      )
      expect(ran.out).toContain(`── completion ──\n${generation.content.output.completion}`)
    }))

  it.live("shows the stored error of a failed generation, earlier attempts included", () =>
    Effect.gen(function*() {
      const { content, id } = labelled("failed")
      if (content?.error == null) throw new Error("the failed generation has no stored error")
      const ran = yield* runCli(["content", "--simulator", id])
      expect(ran.code).toBe(0)
      expect(ran.out).toContain("── error ──")
      expect(ran.out).toContain(content.error.message ?? "(no message)")
      expect(ran.out.match(/^earlier: /gm)?.length ?? 0).toBe(content.error.previousErrors.length)
    }))

  it.live("content that was not logged exits 1", () =>
    Effect.gen(function*() {
      const notLogged = stored.find((generation) => generation.content === null)
      if (notLogged === undefined) throw new Error("the simulator has no generation without stored content")
      const { id } = notLogged
      const ran = yield* runCli(["content", "--simulator", id])
      expect(ran.code).toBe(1)
      expect(ran.out).toBe("")
      expect(ran.err).toContain(`${id}: NotFoundResponseError`)
    }))
})

describe("modelgates report", () => {
  it.live("--simulator, without ids, reports over every generation of the simulator", () =>
    Effect.gen(function*() {
      const ran = yield* runCli(["report", "--simulator", "--format", "json"])
      expect(ran.code, ran.err).toBe(0)
      const { failed, report } = decodeReport(ran.out)
      expect(failed).toEqual([])
      expect(report.count).toBe(stored.length)
      // The fresh generation is another one in each simulator, but costs the same.
      expect(Usage.toJson(report).totalCost).toBe(sumDecimals(stored.map((g) => g.data.totalCost)))
      expect(ran.err).toMatch(new RegExp(`looked up ${stored.length} ids in .*: ${stored.length} found, 0 failed`))
    }))

  it.live("reads ids from stdin when it is piped: blank lines and # comments skipped, each id once", () =>
    Effect.gen(function*() {
      const [a, b, c] = past()
      const stdin = `# nightly batch\n${a.id}\n\n  ${b.id}  \n${a.id}\r\n# done\n${c.id}`
      // "-" before the options: @effect/cli alone would stop reading options there.
      const ran = yield* runCli(["report", "-", "--simulator", "--format", "json", "--out", "-"], { stdin })
      expect(ran.code, ran.err).toBe(0)
      const { report } = decodeReport(ran.out)
      expect(report.count).toBe(3)
      expect(Usage.toJson(report).totalCost).toBe(sumDecimals([a, b, c].map((g) => g.data.totalCost)))
    }))

  it.live("without FILE or --simulator, reads stdin when it is not a terminal", () =>
    Effect.gen(function*() {
      const [a] = past()
      const ran = yield* runCli(["report", "--format", "json"], {
        stdin: `${a.id}\n`,
        env: { MODELGATES_API_KEY: ModelGatesSimulator.defaultApiKey, MODELGATES_BASE_URL: server.url }
      })
      expect(ran.code, ran.err).toBe(0)
      expect(decodeReport(ran.out).report.count).toBe(1)
    }))

  it.live("lists the ids that failed with their error tag, still prints the report, and exits 1", () =>
    Effect.gen(function*() {
      const [a, b] = past()
      const ran = yield* runCli(["report", "--simulator", "-"], { stdin: `${a.id}\ngen-0-missing\n${b.id}\n` })
      expect(ran.code).toBe(1)
      expect(ran.out).toMatch(/^ModelGates usage: 2 generations/)
      expect(ran.out).toMatch(/^Failed: 1 ids\n.*\n.*\n {2}gen-0-missing +NotFoundResponseError +/m)
      expect(ran.err).toContain("modelgates: 1 of 3 ids could not be read (listed in the report)")
    }))

  it.live("reads a FILE, and --out writes the report there with nothing on stdout", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-cli-"))
      const ids = past().slice(0, 4)
      const file = path.join(dir, "ids.txt")
      fs.writeFileSync(file, ids.map((g) => g.id).join("\n"))
      const out = path.join(dir, "report.csv")
      const ran = yield* runCli(["report", "--simulator", file, "--format", "csv", "--out", out])
      expect(ran.code, ran.err).toBe(0)
      expect(ran.out).toBe("")
      expect(ran.err).toContain(`wrote ${out}`)
      const rows = fs.readFileSync(out, "utf8").trimEnd().split("\r\n")
      expect(rows[0]).toBe(
        "breakdown,key,count,total_cost,tokens_prompt,tokens_prompt_null,tokens_completion,tokens_completion_null,error,message"
      )
      expect(rows[1].split(",").slice(0, 4)).toEqual(["total", "", "4", sumDecimals(ids.map((g) => g.data.totalCost))])
      fs.rmSync(dir, { recursive: true, force: true })
    }))

  it.live("--format html writes one page with the report's data and the chart library inlined", () =>
    Effect.gen(function*() {
      const ran = yield* runCli(["report", "--simulator", "--format", "html"])
      expect(ran.code, ran.err).toBe(0)
      expect(ran.out).toMatch(/^<!doctype html>/)
      expect(ran.out).toContain("Chart.js v4")
      expect(ran.out).not.toMatch(/<script[^>]+src=|<link[^>]+href=|sourceMappingURL/)
      expect(ran.out).toContain(`<div class="value">$${sumDecimals(stored.map((g) => g.data.totalCost))}</div>`)
    }))

  it.live("--top 3: the table and the html show each breakdown's 3 largest groups and how many more", () =>
    Effect.gen(function*() {
      const models = new Set(stored.map((g) => g.data.model)).size
      const table = yield* runCli(["report", "--simulator", "--top", "3"])
      expect(table.code, table.err).toBe(0)
      expect(table.out).toContain(`By model (top 3 of ${models} by cost)\n`)
      expect(table.out).toContain(`  and ${models - 3} more models (`)
      const html = yield* runCli(["report", "--simulator", "--top", "3", "--format", "html"])
      expect(html.out).toContain(`<h2>By model (top 3 of ${models} by cost)</h2>`)
      expect(html.out).toContain(`<tr class="more"><td colspan="5">and ${models - 3} more models: `)
      const model = html.out.slice(
        html.out.indexOf(`data-breakdown="model"`),
        html.out.indexOf(`data-breakdown="provider"`)
      )
      expect(model.match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr>/g)).toHaveLength(3)
    }))
})

describe("exit code 2: usage and configuration", () => {
  const expectUsage = (argv: ReadonlyArray<string>, pattern: RegExp, options: Parameters<typeof runCli>[1] = {}) =>
    Effect.gen(function*() {
      const ran = yield* runCli(argv, options)
      expect(ran.code, `${argv.join(" ")}: ${ran.err}`).toBe(2)
      expect(ran.out).toBe("")
      expect(ran.err).toMatch(pattern)
    })

  it.live("no command", () => expectUsage([], /name a command: get <id>, content <id> or report/))
  it.live("an unknown option", () => expectUsage(["get", "--simulator", "--jsn", "gen-1"], /unknown argument/))
  it.live("a missing id", () => expectUsage(["get", "--simulator"], /id/))
  it.live("--concurrency out of range", () =>
    expectUsage(["report", "--simulator", "--concurrency", "0"], /--concurrency/))
  it.live("--rps not positive", () => expectUsage(["report", "--simulator", "--rps", "-1"], /--rps/))
  it.live("--top below 1", () => expectUsage(["report", "--simulator", "--top", "0"], /--top/))
  it.live("--max-wait unreadable", () =>
    expectUsage(["get", "--simulator", "--wait", "--max-wait", "soon", "g"], /--max-wait/))
  it.live("an unknown --format", () =>
    expectUsage(["report", "--simulator", "--format", "xml"], /table, json, csv, html/))
  it.live("report without ids on a terminal", () =>
    expectUsage(["report"], /report needs ids: give a FILE .*--simulator/, {
      env: { MODELGATES_API_KEY: "sk-mg-unused" }
    }))
  it.live("a FILE that cannot be read", () =>
    expectUsage(["report", "--simulator", "/nonexistent/ids.txt"], /\/nonexistent\/ids\.txt/))

  it.live("without MODELGATES_API_KEY: says what to set, and about --simulator", () =>
    expectUsage(["get", "gen-1"], /MODELGATES_API_KEY is not set: .*--simulator/))
  it.live("with MODELGATES_API_KEY empty: says it is empty, what to set, and about --simulator", () =>
    expectUsage(["get", "gen-1"], /^modelgates: MODELGATES_API_KEY is empty: set it to .*--simulator/, {
      env: { MODELGATES_API_KEY: "" }
    }))

  it.live("an unusable key or base URL: says what is wrong, never the key", () =>
    Effect.gen(function*() {
      const key = "sk-mg-secret-4242 with a space"
      for (const env of [{ MODELGATES_API_KEY: key }, { MODELGATES_API_KEY: key, MODELGATES_BASE_URL: "ftp://x" }]) {
        const ran = yield* runCli(["get", "gen-1"], { env })
        expect(ran.code).toBe(2)
        expect(ran.err).toMatch(/^modelgates: .*whitespace/)
        expect(ran.err + ran.out).not.toContain("secret-4242")
      }
      const ran = yield* runCli(["get", "gen-1"], { env: { MODELGATES_API_KEY: "ok", MODELGATES_BASE_URL: "ftp://x" } })
      expect(ran.code).toBe(2)
      expect(ran.err).toMatch(/https/)
    }))

  it.live("a key the API refuses: exit 2 from get and from report, never the key", () =>
    Effect.gen(function*() {
      const env = { MODELGATES_API_KEY: "sk-mg-refused-7373", MODELGATES_BASE_URL: server.url }
      const [a, b] = past()
      for (
        const ran of [
          yield* runCli(["get", a.id], { env }),
          yield* runCli(["report", "-"], { env, stdin: `${a.id}\n${b.id}\n` })
        ]
      ) {
        expect(ran.code).toBe(2)
        expect(ran.out).toBe("")
        expect(ran.err).toContain("the API refused the key (401 Unauthorized): check MODELGATES_API_KEY")
        expect(ran.err).not.toContain("refused-7373")
      }
    }))
})
