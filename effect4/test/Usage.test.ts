import { assert, describe, expect, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Wire from "../../core/Wire.js"
import { Models, Usage } from "../src/index.js"
import { GenerationResponseFromJson } from "../src/internal/decoder.js"
import { fixture } from "./utils/MockHttp.js"

const decoded = (name: string): Models.GenerationData => {
  const result = GenerationResponseFromJson(fixture(name))
  assert(result.ok)
  return result.value.data
}

// Every nullable field null (from core's wire table): a row says only what a test gives it.
const blank = {
  ...Object.fromEntries(
    Object.entries(Wire.GenerationData).filter(([, field]) => field.presence === "nullable").map((
      [name]
    ) => [name, null])
  ),
  id: "gen-test",
  createdAt: DateTime.makeUnsafe("2026-11-20T12:00:00Z"),
  model: "test/model",
  origin: "",
  isByok: false,
  totalCost: 0,
  usage: 0,
  dataRegion: "global"
} as ConstructorParameters<typeof Models.GenerationData>[0]

type Fields = Partial<ConstructorParameters<typeof Models.GenerationData>[0]>

const row = (fields: Fields): Models.GenerationData => new Models.GenerationData({ ...blank, ...fields })

// For the large cases: the same fields, without validating each of the rows.
const unchecked = (fields: Fields): Models.GenerationData =>
  new Models.GenerationData({ ...blank, ...fields }, { disableChecks: true })

describe("Usage", () => {
  it("10,000 rows of 0.1 sum to exactly 1000, where float addition drifts", () => {
    const rows = Array.from({ length: 10_000 }, () => unchecked({ totalCost: 0.1, usage: 0.1 }))
    const report = Usage.summarize(rows)
    expect(report.count).toBe(10_000)
    expect(BigDecimal.format(report.totalCost)).toBe("1000")
    expect(Usage.toJson(report).totalCost).toBe("1000")
    expect(rows.reduce((sum, row) => sum + row.totalCost, 0)).not.toBe(1000)
  })

  it("exponent-written numbers are summed exactly and written in plain notation", () => {
    const report = Usage.summarize([row({ totalCost: 1e-7 }), row({ totalCost: 5e-324 })])
    const json = Usage.toJson(report)
    expect(json.totalCost.startsWith("0.0000001")).toBe(true)
    expect(json.totalCost).not.toContain("e")
  })

  it("null is missing, never 0; BYOK rows add their upstream cost to the spend", () => {
    const report = Usage.summarize([
      row({ totalCost: 1, tokensPrompt: 10, upstreamInferenceCost: 0.5, isByok: true }),
      row({ totalCost: 2, tokensPrompt: null, upstreamInferenceCost: null })
    ])
    expect(report.tokens.prompt).toEqual(new Usage.TokenTotal({ total: 10, missing: 1 }))
    expect(report.upstreamInferenceCost.missing).toBe(1)
    expect(BigDecimal.format(report.spend)).toBe("3.5")
    expect(report.byok).toBe(1)
  })

  it("decoded fixtures: the null-heavy row counts as missing where the full one has values", () => {
    const full = decoded("generation.full.json")
    const nullHeavy = decoded("generation.null-heavy.json")
    const report = Usage.summarize([full, nullHeavy])
    expect(report.count).toBe(2)
    expect(report.tokens.prompt.missing).toBe(nullHeavy.tokensPrompt === null ? 1 : 0)
    expect(Option.isSome(report.firstCreatedAt)).toBe(true)
    expect(report.latency.count).toBe([full, nullHeavy].filter((row) => row.latency !== null).length)
  })

  it("breakdowns are ordered by cost, largest first, then by key, null last; byDay is the UTC date", () => {
    const report = Usage.summarize([
      row({
        model: "b",
        totalCost: 1,
        providerName: null,
        createdAt: DateTime.makeUnsafe("2026-11-20T23:30:00-05:00")
      }),
      row({ model: "a", totalCost: 1, providerName: "OpenAI" }),
      row({ model: "c", totalCost: 3 })
    ])
    expect(report.byModel.map((group) => group.key)).toEqual(["c", "a", "b"])
    expect(report.byProvider.map((group) => group.key)).toEqual([null, "OpenAI"])
    // 23:30 at -05:00 is the 21st in UTC; the 20th holds the other two rows and costs more.
    expect(report.byDay.map((group) => group.key)).toEqual(["2026-11-20", "2026-11-21"])
  })

  it("an empty input gives an empty report", () => {
    const report = Usage.summarize([])
    expect(report.count).toBe(0)
    expect(Option.isNone(report.firstCreatedAt)).toBe(true)
    expect(report.latency.p50).toEqual(Option.none())
    expect(BigDecimal.format(report.totalCost)).toBe("0")
  })

  it.effect("the sink agrees with summarize on the same rows, whatever the chunking, and starts empty each run", () =>
    Effect.gen(function*() {
      const rows = Array.from({ length: 50 }, (_, i) => row({ totalCost: i / 10, latency: i, model: `m${i % 3}` }))
      const expected = Usage.toJson(Usage.summarize(rows))
      for (const size of [1, 7, 50]) {
        const report = yield* Stream.run(Stream.rechunk(Stream.fromIterable(rows), size), Usage.sink)
        expect(Usage.toJson(report)).toEqual(expected)
      }
    }))

  it("toJson is plain JSON that the Report schema reads back; a decimal that is not one is refused", () => {
    const report = Usage.summarize([decoded("generation.full.json"), row({ totalCost: 0.25 })])
    const json = JSON.parse(JSON.stringify(Usage.toJson(report)))
    const again = Schema.decodeUnknownSync(Usage.Report)(json)
    expect(Usage.toJson(again)).toEqual(Usage.toJson(report))
    expect(() => Schema.decodeUnknownSync(Usage.Report)({ ...json, totalCost: "ten" })).toThrow()
    expect(() => Schema.decodeUnknownSync(Usage.Report)({ ...json, totalCost: "" })).toThrow()
  })
})
