/**
 * The report's text formats, over rows made here: exact money in every
 * format, null keys as their own group, the failed ids listed, CSV that a
 * spreadsheet reads safely, JSON that the Report schema reads back.
 */
import { describe, expect, it } from "@effect/vitest"
import { Models, Usage } from "@modelgates/effect"
import { Schema } from "effect"
import * as fs from "node:fs"
import * as ReportOutput from "../src/ReportOutput.js"
import { sumDecimals } from "./utils/decimal.js"

const fixture = Schema.decodeUnknownSync(Schema.parseJson(Models.GenerationResponse))(
  fs.readFileSync(new URL("../../test/fixtures/generation.full.json", import.meta.url), "utf8")
).data

const row = (fields: Partial<ConstructorParameters<typeof Models.GenerationData>[0]>) =>
  new Models.GenerationData({ ...fixture, ...fields })

// Fifty costs whose float sum drifts from their decimal sum.
const costs = Array.from({ length: 50 }, (_, i) => [0.00184, 0.0056, 0.00310459, 0.0071, 0.00069][i % 5])
const rows = costs.map((totalCost, i) =>
  row({
    id: `gen-${i}`,
    totalCost,
    usage: totalCost,
    model: i % 2 === 0 ? "openai/gpt-5" : "=cmd|' /C calc'!A0, \"quoted\"",
    externalUser: i % 3 === 0 ? null : `user-${i % 3}`,
    tokensPrompt: i === 7 ? null : 100
  })
)
const report = Usage.toJson(Usage.summarize(rows))
const failed: ReadonlyArray<ReportOutput.Failure> = [
  { id: "gen-missing", error: "NotFoundResponseError", message: "404 Generation not found, \"twice\"" }
]

// A CSV reader for the test: RFC 4180 quoting, CRLF rows.
const parseCsv = (text: string): Array<Array<string>> => {
  const table: Array<Array<string>> = []
  let fields: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c !== "\"") {
        field += c
      } else if (text[i + 1] === "\"") {
        field += c
        i++
      } else {
        quoted = false
      }
    } else if (c === "\"") {
      quoted = true
    } else if (c === ",") {
      fields.push(field)
      field = ""
    } else if (c === "\r" && text[i + 1] === "\n") {
      fields.push(field)
      table.push(fields)
      fields = []
      field = ""
      i++
    } else {
      field += c
    }
  }
  return table
}

describe("ReportOutput", () => {
  it("sums money exactly: the float sum drifts, the report does not", () => {
    const exact = sumDecimals(costs)
    expect(String(costs.reduce((a, b) => a + b, 0))).not.toBe(exact)
    expect(report.totalCost).toBe(exact)
    expect(ReportOutput.table(report, [])).toContain(`  total cost         $${exact}\n`)
  })

  it("table: the totals, each breakdown with null keys as (none), token counts with their nulls", () => {
    const table = ReportOutput.table(report, failed)
    expect(table).toMatch(/^ModelGates usage: 50 generations, /)
    expect(table).toMatch(/^ {2}prompt tokens +4,900 \(1 null\)$/m)
    expect(table).toMatch(/^By user\n/m)
    expect(table).toMatch(/^ {2}\(none\) +17 /m)
    expect(table).toMatch(/^Failed: 1 ids\n/m)
    expect(table).toMatch(/^ {2}gen-missing +NotFoundResponseError +404 Generation not found/m)
  })

  it("json: the report as Usage.toJson encodes it, which the Report schema reads back, and the failed ids", () => {
    const printed = JSON.parse(ReportOutput.json(report, failed))
    expect(printed.failed).toEqual(failed)
    const decoded = Schema.decodeUnknownSync(Usage.Report)(printed.report)
    expect(Usage.toJson(decoded)).toEqual(report)
  })

  it("csv: one row per group and per failed id, quoted where needed, formulas kept as text", () => {
    const table = parseCsv(ReportOutput.csv(report, failed))
    expect(table[0]).toEqual([...ReportOutput.csvColumns])
    expect(table.every((fields) => fields.length === ReportOutput.csvColumns.length)).toBe(true)
    const completion = 50 * (fixture.tokensCompletion ?? 0)
    expect(table[1]).toEqual(["total", "", "50", sumDecimals(costs), "4900", "1", String(completion), "0", "", ""])
    const models = table.filter(([breakdown]) => breakdown === "model")
    expect(models.map(([, key]) => key).sort()).toEqual(["'=cmd|' /C calc'!A0, \"quoted\"", "openai/gpt-5"])
    const modelCosts = models.map((fields) => fields[3])
    expect(sumDecimals(modelCosts.map(Number))).toBe(sumDecimals(costs))
    const users = table.filter(([breakdown]) => breakdown === "user")
    expect(users.find(([, key]) => key === "")?.[2]).toBe("17")
    expect(table.at(-1)).toEqual([
      "failed",
      "gen-missing",
      "",
      "",
      "",
      "",
      "",
      "",
      "NotFoundResponseError",
      "404 Generation not found, \"twice\""
    ])
  })

  it("table: a breakdown of many groups shows the largest --top by cost and how many more; json and csv keep all", () => {
    // Fifty users, each with a cost of its own.
    const many = Usage.toJson(Usage.summarize(
      Array.from({ length: 50 }, (_, i) => row({ id: `gen-u${i}`, totalCost: (i + 1) / 1000, externalUser: `u-${i}` }))
    ))
    const table = ReportOutput.table(many, [])
    const section = table.slice(table.indexOf("By user"))
    expect(section).toMatch(/^By user \(top 10 of 50 by cost\)\n/)
    const shown = Array.from(section.split("\n\n")[0].matchAll(/^ {2}(u-\d+) /gm), ([, user]) => user)
    expect(shown).toEqual(Array.from({ length: 10 }, (_, i) => `u-${49 - i}`))
    expect(section).toMatch(/^ {2}and 40 more users \(--top shows more; json and csv list all\)$/m)
    expect(ReportOutput.table(many, [], 49)).toMatch(/^ {2}and 1 more user /m)
    expect(ReportOutput.table(many, [], 50)).not.toMatch(/more user/)
    expect(ReportOutput.table(many, [], 50)).toMatch(/^By user\n/m)
    expect(JSON.parse(ReportOutput.json(many, [])).report.byUser).toHaveLength(50)
    expect(parseCsv(ReportOutput.csv(many, [])).filter(([breakdown]) => breakdown === "user")).toHaveLength(50)
  })
})
