import { describe, expect, it } from "@effect/vitest"
import { BigDecimal, Chunk, DateTime, Effect, Option, Schema, Stream } from "effect"
import { Quantiles } from "../core/Quantiles.js"
import { Models, Usage } from "../src/index.js"
import { fixture } from "./utils/MockHttp.js"

const decodeGeneration = Schema.decodeUnknownSync(Schema.parseJson(Models.GenerationResponse))
const nullHeavy = decodeGeneration(fixture("generation.null-heavy.json")).data
const full = decodeGeneration(fixture("generation.full.json")).data

// Every optional field null: a row says only what a test gives it.
const blank = {
  id: "gen-test",
  createdAt: DateTime.unsafeMake("2026-11-20T12:00:00Z"),
  model: "test/model",
  origin: "",
  isByok: false,
  totalCost: 0,
  usage: 0,
  dataRegion: "global",
  apiType: null,
  appId: null,
  cacheDiscount: null,
  cancelled: null,
  externalUser: null,
  finishReason: null,
  generationTime: null,
  httpReferer: null,
  latency: null,
  moderationLatency: null,
  nativeFinishReason: null,
  nativeTokensCached: null,
  nativeTokensCompletion: null,
  nativeTokensCompletionImages: null,
  nativeTokensPrompt: null,
  nativeTokensReasoning: null,
  numFetches: null,
  numInputAudioPrompt: null,
  numMediaCompletion: null,
  numMediaPrompt: null,
  numSearchResults: null,
  presetId: null,
  providerName: null,
  providerResponses: null,
  requestId: null,
  responseCacheSourceId: null,
  router: null,
  serviceTier: null,
  sessionId: null,
  streamed: null,
  tokensCompletion: null,
  tokensPrompt: null,
  upstreamId: null,
  upstreamInferenceCost: null,
  userAgent: null,
  webSearchEngine: null,
  workspaceId: null
} satisfies ConstructorParameters<typeof Models.GenerationData>[0]

type Fields = Partial<ConstructorParameters<typeof Models.GenerationData>[0]>

const row = (fields: Fields): Models.GenerationData => new Models.GenerationData({ ...blank, ...fields })

// For the large cases: the same fields, without validating each of the rows.
const unchecked = (fields: Fields): Models.GenerationData =>
  new Models.GenerationData({ ...blank, ...fields }, { disableValidation: true })

const json = Usage.toJson

// A seeded linear congruential generator (Numerical Recipes constants): the
// same rows on every run.
const lcg = (seed: number) => {
  let state = seed >>> 0
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  return {
    next,
    int: (bound: number): number => Math.floor(next() * bound),
    pick: <A>(values: ReadonlyArray<A>): A => values[Math.floor(next() * values.length)]
  }
}

// Money in units of 10^-10 dollars: `k / 1e10` is the double nearest to the
// decimal k × 10^-10, and with at most 15 significant digits that decimal is
// what the double is written as. The reference sums the integers.
const tenthNanos = 10
const dollars = (units: number): number => units / 10 ** tenthNanos
const plain = (units: bigint): string => BigDecimal.format(BigDecimal.make(units, tenthNanos))

interface ReferenceGroup {
  count: number
  cost: bigint
  prompt: number
  promptMissing: number
  completion: number
  completionMissing: number
}

interface RandomRow {
  readonly generation: Models.GenerationData
  readonly costUnits: bigint
  readonly usageUnits: bigint
  readonly upstreamUnits: bigint | null
}

const models = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-pro", "meta/llama-4"]
const providers = ["OpenAI", "Anthropic", "Google", null]
const users = ["user-1", "user-2", "user-3", null]
const apps = [48213, 7, null]

const randomRows = (seed: number, count: number): ReadonlyArray<RandomRow> => {
  const random = lcg(seed)
  const start = Date.UTC(2026, 10, 18)
  return Array.from({ length: count }, (_, index) => {
    const cost = random.int(100_000_000)
    const usage = random.next() < 0.9 ? cost : random.int(100_000_000)
    const isByok = random.next() < 0.2
    const upstream = random.next() < 0.5 ? random.int(50_000_000) : null
    const maybe = <A>(value: A): A | null => random.next() < 0.25 ? null : value
    const generation = row({
      id: `gen-${index}`,
      createdAt: DateTime.unsafeMake(start + random.int(5 * 86_400_000)),
      model: random.pick(models),
      providerName: random.pick(providers),
      externalUser: random.pick(users),
      appId: random.pick(apps),
      isByok,
      totalCost: dollars(cost),
      usage: dollars(usage),
      upstreamInferenceCost: upstream === null ? null : dollars(upstream),
      cacheDiscount: maybe(dollars(random.int(1_000_000))),
      tokensPrompt: maybe(random.int(10_000)),
      tokensCompletion: maybe(random.int(4_000)),
      nativeTokensPrompt: maybe(random.int(10_000)),
      nativeTokensCompletion: maybe(random.int(4_000)),
      nativeTokensReasoning: maybe(random.int(1_000)),
      nativeTokensCached: maybe(random.int(5_000)),
      latency: maybe(random.int(2_000_000) / 100),
      generationTime: maybe(random.int(1_500_000) / 100),
      cancelled: random.pick([true, false, null]),
      streamed: random.pick([true, false, null])
    })
    return {
      generation,
      costUnits: BigInt(cost),
      usageUnits: BigInt(usage),
      upstreamUnits: upstream === null ? null : BigInt(upstream)
    }
  })
}

// What a breakdown should be, computed without the module: integer money,
// the same order (cost descending, then key, null last).
const referenceBreakdown = (
  rows: ReadonlyArray<RandomRow>,
  keyOf: (generation: Models.GenerationData) => string | null
) => {
  const groups = new Map<string | null, ReferenceGroup>()
  for (const { costUnits, generation } of rows) {
    const key = keyOf(generation)
    const group = groups.get(key) ??
      { count: 0, cost: 0n, prompt: 0, promptMissing: 0, completion: 0, completionMissing: 0 }
    group.count++
    group.cost += costUnits
    if (generation.tokensPrompt === null) group.promptMissing++
    else group.prompt += generation.tokensPrompt
    if (generation.tokensCompletion === null) group.completionMissing++
    else group.completion += generation.tokensCompletion
    groups.set(key, group)
  }
  return [...groups]
    .sort(([keyA, a], [keyB, b]) =>
      a.cost !== b.cost
        ? (b.cost > a.cost ? 1 : -1)
        : keyA === keyB
        ? 0
        : keyA === null
        ? 1
        : keyB === null
        ? -1
        : (keyA < keyB ? -1 : 1)
    )
    .map(([key, group]) => ({
      key,
      count: group.count,
      totalCost: plain(group.cost),
      tokensPrompt: { total: group.prompt, missing: group.promptMissing },
      tokensCompletion: { total: group.completion, missing: group.completionMissing }
    }))
}

const nearestRanks = (values: ReadonlyArray<number>, qs: ReadonlyArray<number>): ReadonlyArray<number> => {
  const sorted = [...values].sort((a, b) => a - b)
  return qs.map((q) => sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1])
}

const tokenReference = (rows: ReadonlyArray<RandomRow>, field: (g: Models.GenerationData) => number | null) => {
  const values = rows.map(({ generation }) => field(generation))
  return {
    total: values.reduce<number>((sum, value) => sum + (value ?? 0), 0),
    missing: values.filter((value) => value === null).length
  }
}

describe("Usage", () => {
  describe("summarize", () => {
    it("totals match an independent integer computation over random rows", () => {
      const rows = randomRows(20261120, 3_000)
      const report = json(Usage.summarize(rows.map(({ generation }) => generation)))
      const sum = (values: ReadonlyArray<bigint>) => values.reduce((a, b) => a + b, 0n)

      expect(report.count).toBe(rows.length)
      expect(report.totalCost).toBe(plain(sum(rows.map((r) => r.costUnits))))
      expect(report.usage).toBe(plain(sum(rows.map((r) => r.usageUnits))))
      const upstream = rows.filter((r) => r.upstreamUnits !== null).map((r) => r.upstreamUnits ?? 0n)
      expect(report.upstreamInferenceCost).toEqual({
        total: plain(sum(upstream)),
        missing: rows.length - upstream.length
      })
      const byok = rows.filter((r) => r.generation.isByok)
      const byokUpstream = byok.filter((r) => r.upstreamUnits !== null).map((r) => r.upstreamUnits ?? 0n)
      expect(report.byokUpstreamInferenceCost).toEqual({
        total: plain(sum(byokUpstream)),
        missing: byok.length - byokUpstream.length
      })
      expect(report.spend).toBe(plain(sum(rows.map((r) => r.costUnits)) + sum(byokUpstream)))
      expect(report.byok).toBe(byok.length)
      expect(report.cancelled).toBe(rows.filter((r) => r.generation.cancelled === true).length)
      expect(report.streamed).toBe(rows.filter((r) => r.generation.streamed === true).length)

      expect(report.tokens).toEqual({
        prompt: tokenReference(rows, (g) => g.tokensPrompt),
        completion: tokenReference(rows, (g) => g.tokensCompletion),
        nativePrompt: tokenReference(rows, (g) => g.nativeTokensPrompt),
        nativeCompletion: tokenReference(rows, (g) => g.nativeTokensCompletion),
        reasoning: tokenReference(rows, (g) => g.nativeTokensReasoning),
        cached: tokenReference(rows, (g) => g.nativeTokensCached)
      })

      const millis = rows.map((r) => DateTime.toEpochMillis(r.generation.createdAt))
      expect(report.firstCreatedAt).toBe(new Date(Math.min(...millis)).toISOString())
      expect(report.lastCreatedAt).toBe(new Date(Math.max(...millis)).toISOString())

      expect(report.byModel).toEqual(referenceBreakdown(rows, (g) => g.model))
      expect(report.byProvider).toEqual(referenceBreakdown(rows, (g) => g.providerName))
      expect(report.byApp).toEqual(referenceBreakdown(rows, (g) => g.appId === null ? null : String(g.appId)))
      expect(report.byUser).toEqual(referenceBreakdown(rows, (g) => g.externalUser))
      expect(report.byDay).toEqual(
        referenceBreakdown(rows, (g) => new Date(DateTime.toEpochMillis(g.createdAt)).toISOString().slice(0, 10))
      )
      expect(report.byDay.map((group) => group.key).sort()).toEqual([
        "2026-11-18",
        "2026-11-19",
        "2026-11-20",
        "2026-11-21",
        "2026-11-22"
      ])
    })

    it("sums the decimals the costs are written as, where float addition drifts", () => {
      const costs = Array.from({ length: 50 }, (_, i) => [0.00184, 0.0052, 0.00311, 0.0071][i % 4])
      const floatSum = costs.reduce((a, b) => a + b, 0)
      const exact = costs.reduce((sum, cost) => sum + BigInt(Math.round(cost * 1e5)), 0n)
      const report = Usage.summarize(costs.map((totalCost) => row({ totalCost, usage: totalCost })))

      expect(BigDecimal.format(report.totalCost)).toBe(BigDecimal.format(BigDecimal.make(exact, 5)))
      expect(String(floatSum)).not.toBe(BigDecimal.format(report.totalCost))
    })

    it("a million rows of 0.1 sum to exactly 100000", () => {
      const tenth = unchecked({ totalCost: 0.1, usage: 0.1, tokensPrompt: 3, latency: 250 })
      const rows = {
        *[Symbol.iterator]() {
          for (let i = 0; i < 1_000_000; i++) yield tenth
        }
      }
      let floatSum = 0
      for (let i = 0; i < 1_000_000; i++) floatSum += 0.1
      const report = Usage.summarize(rows)

      expect(report.count).toBe(1_000_000)
      expect(BigDecimal.equals(report.totalCost, BigDecimal.fromBigInt(100_000n))).toBe(true)
      expect(json(report).totalCost).toBe("100000")
      expect(json(report).usage).toBe("100000")
      expect(json(report).byModel).toEqual([{
        key: "test/model",
        count: 1_000_000,
        totalCost: "100000",
        tokensPrompt: { total: 3_000_000, missing: 0 },
        tokensCompletion: { total: 0, missing: 1_000_000 }
      }])
      expect(floatSum).not.toBe(100_000)
    })

    it("exponent-written numbers (1e-7, 5e-324, 1e21) are summed exactly and written in plain notation", () => {
      const report = json(Usage.summarize([
        row({ totalCost: 1e-7, usage: 1e21 }),
        row({ totalCost: 5e-324, usage: 0.5 }),
        row({ totalCost: 0.1, usage: 1.5e-10 })
      ]))
      expect(report.totalCost).toBe(`0.1000001${"0".repeat(316)}5`)
      expect(report.usage).toBe("1000000000000000000000.50000000015")
    })

    it("stays exact where the digits leave the safe integers: 16 and 18 digits, sums past 2^53, negatives", () => {
      // The expected sum computed with Python's decimal module, at 100 digits of precision.
      const report = json(Usage.summarize(
        [0.9007199254740991, 0.9007199254740991, 0.9007199254740991, 0.30000000000000004, 123456789012345680, -2.5e-8]
          .map((totalCost) => row({ totalCost, usage: totalCost }))
      ))
      expect(report.totalCost).toBe("123456789012345683.00215975142229734")
      expect(report.byModel[0].totalCost).toBe("123456789012345683.00215975142229734")
    })

    it("null is missing, never 0: null-heavy rows are counted apart", () => {
      expect(nullHeavy.nativeTokensReasoning).toBeNull()
      const report = json(Usage.summarize([full, nullHeavy, nullHeavy]))

      expect(report.count).toBe(3)
      expect(report.totalCost).toBe("0.017322") // 0.010734 + 2 × 0.003294
      expect(report.tokens).toEqual({
        prompt: { total: 1001 + 2 * 120, missing: 0 },
        completion: { total: 498 + 2 * 33, missing: 0 },
        nativePrompt: { total: 1024, missing: 2 },
        nativeCompletion: { total: 512, missing: 2 },
        reasoning: { total: 128, missing: 2 },
        cached: { total: 768, missing: 2 }
      })
      expect(report.cacheDiscount).toEqual({ total: "0.00042", missing: 2 })
      expect(report.upstreamInferenceCost).toEqual({ total: "0", missing: 3 })
      expect(report.byApp.map((group) => [group.key, group.count])).toEqual([["48213", 1], [null, 2]])
      expect(report.byUser.map((group) => [group.key, group.count])).toEqual([["user-7781", 1], [null, 2]])

      const onlyNulls = json(Usage.summarize([row({}), row({})]))
      expect(onlyNulls.tokens.reasoning).toEqual({ total: 0, missing: 2 })
      expect(onlyNulls.cacheDiscount).toEqual({ total: "0", missing: 2 })
      expect(onlyNulls.latency).toEqual({ count: 0, exact: true, p50: null, p90: null, p99: null })
      expect(onlyNulls.cancelled).toBe(0)
      expect(onlyNulls.streamed).toBe(0)
      expect(onlyNulls.byProvider).toEqual([{
        key: null,
        count: 2,
        totalCost: "0",
        tokensPrompt: { total: 0, missing: 2 },
        tokensCompletion: { total: 0, missing: 2 }
      }])
    })

    it("percentiles are taken over the rows that recorded the duration only", () => {
      const report = Usage.summarize([
        row({ latency: 100, generationTime: null }),
        row({ latency: null, generationTime: 5 }),
        row({ latency: 300, generationTime: null }),
        row({ latency: 200, generationTime: null })
      ])
      expect(json(report).latency).toEqual({ count: 3, exact: true, p50: 200, p90: 300, p99: 300 })
      expect(json(report).generationTime).toEqual({ count: 1, exact: true, p50: 5, p90: 5, p99: 5 })
    })

    it("BYOK: spend adds the upstream cost of BYOK rows only", () => {
      const report = json(Usage.summarize([
        row({ isByok: true, totalCost: 0.0001, usage: 0.0001, upstreamInferenceCost: 0.0125 }),
        row({ isByok: true, totalCost: 0, usage: 0, upstreamInferenceCost: null }),
        row({ isByok: false, totalCost: 0.003, usage: 0.003, upstreamInferenceCost: 0.002 })
      ]))
      expect(report.byok).toBe(2)
      expect(report.totalCost).toBe("0.0031")
      expect(report.upstreamInferenceCost).toEqual({ total: "0.0145", missing: 1 })
      expect(report.byokUpstreamInferenceCost).toEqual({ total: "0.0125", missing: 1 })
      expect(report.spend).toBe("0.0156")
    })

    it("breakdowns are ordered by cost, largest first, then by key, with null keys as their own row, last on ties", () => {
      const report = json(Usage.summarize([
        row({ model: "b", providerName: "P", totalCost: 0.5 }),
        row({ model: "a", providerName: null, totalCost: 0.25 }),
        row({ model: "a", providerName: null, totalCost: 0.25 }),
        row({ model: "c", providerName: "Q", totalCost: 1 }),
        row({ model: "d", providerName: "P", totalCost: 0.5 }),
        row({ model: "e", providerName: "R", totalCost: 0 })
      ]))
      expect(report.byModel.map((group) => [group.key, group.totalCost, group.count])).toEqual([
        ["c", "1", 1],
        ["a", "0.5", 2],
        ["b", "0.5", 1],
        ["d", "0.5", 1],
        ["e", "0", 1]
      ])
      expect(report.byProvider.map((group) => [group.key, group.totalCost, group.count])).toEqual([
        ["P", "1", 2],
        ["Q", "1", 1],
        [null, "0.5", 2],
        ["R", "0", 1]
      ])
      const tie = json(Usage.summarize([row({ providerName: null }), row({ providerName: "Z" })]))
      expect(tie.byProvider.map((group) => group.key)).toEqual(["Z", null])
    })

    it("byDay cuts at UTC midnight, whatever the offset the time was written with", () => {
      const wire = (createdAt: string) =>
        decodeGeneration(
          JSON.stringify({ data: { ...JSON.parse(fixture("generation.null-heavy.json")).data, created_at: createdAt } })
        ).data
      const report = json(Usage.summarize([
        wire("2026-11-20T23:59:59.999Z"),
        wire("2026-11-21T00:00:00.000Z"),
        wire("2026-11-21T00:30:00+01:00"), // 23:30 UTC on the 20th
        wire("2026-11-20T19:00:00-05:00"), // midnight UTC on the 21st
        wire("1969-12-31T23:59:59.999Z"),
        wire("1970-01-01T00:00:00.000Z")
      ]))
      const days = Object.fromEntries(report.byDay.map((group) => [group.key, group.count]))
      expect(days).toEqual({ "2026-11-20": 2, "2026-11-21": 2, "1969-12-31": 1, "1970-01-01": 1 })
      expect(report.firstCreatedAt).toBe("1969-12-31T23:59:59.999Z")
      expect(report.lastCreatedAt).toBe("2026-11-21T00:00:00.000Z")
    })

    it("an empty input gives an empty report", () => {
      const report = Usage.summarize([])
      expect(report.count).toBe(0)
      expect(Option.isNone(report.firstCreatedAt)).toBe(true)
      expect(Option.isNone(report.latency.p50)).toBe(true)
      expect(json(report)).toEqual({
        count: 0,
        totalCost: "0",
        usage: "0",
        upstreamInferenceCost: { total: "0", missing: 0 },
        byokUpstreamInferenceCost: { total: "0", missing: 0 },
        spend: "0",
        cacheDiscount: { total: "0", missing: 0 },
        tokens: {
          prompt: { total: 0, missing: 0 },
          completion: { total: 0, missing: 0 },
          nativePrompt: { total: 0, missing: 0 },
          nativeCompletion: { total: 0, missing: 0 },
          reasoning: { total: 0, missing: 0 },
          cached: { total: 0, missing: 0 }
        },
        latency: { count: 0, exact: true, p50: null, p90: null, p99: null },
        generationTime: { count: 0, exact: true, p50: null, p90: null, p99: null },
        cancelled: 0,
        streamed: 0,
        byok: 0,
        firstCreatedAt: null,
        lastCreatedAt: null,
        byModel: [],
        byProvider: [],
        byApp: [],
        byUser: [],
        byDay: []
      })
    })
  })

  describe("percentiles", () => {
    const quantiles = [0.5, 0.9, 0.99]
    const latencyOf = (random: ReturnType<typeof lcg>): number =>
      // Long-tailed, like latencies: most around a second, some much longer, a few repeated exactly.
      random.next() < 0.05 ? 1000 : Math.round(Math.exp(5 + 4 * random.next() ** 2) * 1000) / 1000

    // Rows are drawn from a pool of distinct ones, so that large cases stay cheap to build.
    const pool = Array.from({ length: 5_000 }, (_, index) => {
      const latency = latencyOf(lcg(index))
      return unchecked({ latency, generationTime: -latency })
    })
    const draw = (seed: number, count: number): ReadonlyArray<Models.GenerationData> => {
      const random = lcg(seed)
      return Array.from({ length: count }, () => random.pick(pool))
    }
    const values = (percentiles: Usage.Percentiles) =>
      [percentiles.p50, percentiles.p90, percentiles.p99].map(Option.getOrThrow)
    const withinAccuracy = (got: ReadonlyArray<number>, exact: ReadonlyArray<number>) =>
      got.forEach((value, index) =>
        expect(Math.abs(value - exact[index]), `${value} against ${exact[index]}`).toBeLessThanOrEqual(
          Math.abs(exact[index]) * 0.005 * (1 + 1e-9)
        )
      )

    it("are the nearest-rank values of the sorted data, exactly, up to 100,000 values", () => {
      for (const count of [1, 2, 3, 10, 99, 100, 101, 1_000, 100_000]) {
        const rows = draw(count, count)
        const { generationTime, latency } = Usage.summarize(rows)
        expect(latency.exact, `n = ${count}`).toBe(true)
        expect(latency.count).toBe(count)
        expect(values(latency), `n = ${count}`).toEqual(nearestRanks(rows.map((r) => r.latency ?? NaN), quantiles))
        expect(values(generationTime)).toEqual(nearestRanks(rows.map((r) => r.generationTime ?? NaN), quantiles))
      }
    })

    it("past 100,000 values, are within 0.5% of the exact ones", () => {
      const rows = draw(7, 150_000)
      const { generationTime, latency } = Usage.summarize(rows)
      expect(latency.exact).toBe(false)
      expect(latency.count).toBe(rows.length)
      withinAccuracy(values(latency), nearestRanks(rows.map((r) => r.latency ?? NaN), quantiles))
      withinAccuracy(values(generationTime), nearestRanks(rows.map((r) => r.generationTime ?? NaN), quantiles))
      expect(json(Usage.summarize(rows)).latency).toEqual(json(Usage.summarize(rows)).latency)
    })

    it("the histogram holds its bound for distinct values across many magnitudes, zeros and negatives", () => {
      const random = lcg(99)
      const data = Array.from({ length: 300_000 }, () => {
        const magnitude = Math.exp(40 * random.next() - 20)
        const sign = random.next()
        return sign < 0.1 ? 0 : sign < 0.3 ? -magnitude : magnitude
      })
      const sketch = new Quantiles()
      for (const value of data) sketch.add(value)
      const qs = [0.001, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1]
      const summary = sketch.summarize(qs)
      expect(summary.exact).toBe(false)
      withinAccuracy(summary.values, nearestRanks(data, qs))

      const zeros = new Quantiles()
      for (let i = 0; i <= 100_000; i++) zeros.add(0)
      zeros.add(5)
      const { count, exact, values: [p99, max] } = zeros.summarize([0.99, 1])
      expect({ count, exact, p99 }).toEqual({ count: 100_002, exact: false, p99: 0 })
      withinAccuracy([max], [5])
    })
  })

  describe("sink", () => {
    it.effect("agrees with summarize on the same rows, whatever the chunking", () =>
      Effect.gen(function*() {
        const rows = randomRows(42, 2_000).map(({ generation }) => generation)
        const expected = json(Usage.summarize(rows))
        for (const size of [1, 7, 500, 4096]) {
          const report = yield* Stream.fromIterable(rows).pipe(Stream.rechunk(size), Stream.run(Usage.sink))
          expect(json(report), `chunks of ${size}`).toEqual(expected)
        }
      }))

    it.effect("starts from an empty report on every run", () =>
      Effect.gen(function*() {
        const stream = Stream.fromChunk(Chunk.make(full, nullHeavy))
        const first = yield* Stream.run(stream, Usage.sink)
        const second = yield* Stream.run(stream, Usage.sink)
        expect(second.count).toBe(2)
        expect(json(second)).toEqual(json(first))
      }))

    it.effect("an empty stream gives the empty report", () =>
      Effect.gen(function*() {
        const report = yield* Stream.run(Stream.empty, Usage.sink)
        expect(json(report)).toEqual(json(Usage.summarize([])))
      }))
  })

  describe("toJson", () => {
    it("is plain JSON that the Report schema reads back to the same report", () => {
      const report = Usage.summarize(randomRows(5, 200).map(({ generation }) => generation))
      const encoded = json(report)
      const text = JSON.stringify(encoded)
      const decoded = Schema.decodeUnknownSync(Schema.parseJson(Usage.Report))(text)
      expect(decoded).toBeInstanceOf(Usage.Report)
      expect(BigDecimal.equals(decoded.totalCost, report.totalCost)).toBe(true)
      expect(json(decoded)).toEqual(encoded)
      expect(typeof encoded.totalCost).toBe("string")
      expect(encoded.firstCreatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    })

    it("the Report schema refuses a decimal that is not one", () => {
      const encoded = json(Usage.summarize([full]))
      for (const totalCost of ["", "abc", "1,5"]) {
        expect(() => Schema.decodeUnknownSync(Usage.Report)({ ...encoded, totalCost }), totalCost).toThrow(
          /Expected a decimal number/
        )
      }
    })
  })
})
