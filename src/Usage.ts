/**
 * Cost and usage reports over generations: totals exact to the last digit,
 * token counts that keep "not recorded" apart from zero, latency percentiles,
 * and breakdowns by model, provider, app, user and day.
 *
 * `summarize` reports over any iterable; `sink` over a `Stream`. Both feed the
 * same accumulator, so they agree on the same rows, and neither keeps the
 * rows: memory grows only with the number of groups and, up to a bound, with
 * the percentile state.
 *
 * Money is summed as the decimal each number is written as (`0.1` is one
 * tenth, not the binary float nearest to it), in `BigDecimal`, so a million
 * rows of `0.1` sum to exactly `100000`.
 *
 * @example
 * ```ts
 * import { Models, Usage } from "@modelgates/effect"
 * import { BigDecimal } from "effect"
 *
 * declare const generations: ReadonlyArray<Models.GenerationData>
 *
 * const report = Usage.summarize(generations)
 * export const lines = [
 *   `${report.count} generations, $${BigDecimal.format(report.totalCost)}`,
 *   ...report.byModel.map((model) => `${model.key}: ${model.count}, $${BigDecimal.format(model.totalCost)}`)
 * ]
 * ```
 *
 * @since 0.1.0
 */
import * as BigDecimal from "effect/BigDecimal"
import type * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Sink from "effect/Sink"
import * as ExactDecimal from "../core/Decimal.js"
import { Quantiles } from "../core/Quantiles.js"
import type * as Models from "./Models.js"

// -----------------------------------------------------------------------------
// models
// -----------------------------------------------------------------------------

// Plain positional notation, whatever the scale: `BigDecimal.format` switches
// to exponent notation at 16 decimal places, which spreadsheets and people
// read poorly, and a sum of costs like `5e-324` reaches it.
const formatPlain = (decimal: BigDecimal.BigDecimal): string => {
  const { scale, value } = BigDecimal.normalize(decimal)
  return ExactDecimal.format({ digits: value, scale })
}

/** An exact sum as a `BigDecimal`. */
const exact = (sum: ExactDecimal.DecimalSum): BigDecimal.BigDecimal => {
  const { digits, scale } = sum.done()
  return BigDecimal.make(digits, scale)
}

const Decimal = Schema.transformOrFail(Schema.String, Schema.BigDecimalFromSelf, {
  strict: true,
  decode: (text, _, ast) =>
    Option.match(text.trim() === "" ? Option.none() : BigDecimal.fromString(text), {
      onNone: () => ParseResult.fail(new ParseResult.Type(ast, text, `Expected a decimal number, got ${text}`)),
      onSome: ParseResult.succeed
    }),
  encode: (decimal) => ParseResult.succeed(formatPlain(decimal))
}).annotations({
  identifier: "Decimal",
  description: "A decimal number in plain notation, e.g. \"0.20455459\""
})

/**
 * A sum of money over the rows that have the field, and how many rows had it
 * `null` (not recorded: those rows add nothing to `total`, and are not read
 * as 0).
 *
 * @since 0.1.0
 * @category models
 */
export class CostTotal extends Schema.Class<CostTotal>("@modelgates/effect/UsageCostTotal")({
  total: Decimal,
  missing: Schema.NonNegativeInt
}) {}

/**
 * A sum of tokens over the rows that have the count, and how many rows had it
 * `null` (not recorded: those rows add nothing to `total`, and are not read
 * as 0). Exact while the total stays below 2^53 (about 9 × 10^15 tokens).
 *
 * @since 0.1.0
 * @category models
 */
export class TokenTotal extends Schema.Class<TokenTotal>("@modelgates/effect/UsageTokenTotal")({
  total: Schema.Number,
  missing: Schema.NonNegativeInt
}) {}

/**
 * The token counts of a report.
 *
 * `prompt` and `completion` are the normalised counts (`tokensPrompt`,
 * `tokensCompletion`), comparable across models. `nativePrompt` and
 * `nativeCompletion` are what the provider's own tokenizer counted, which is
 * what providers bill; `cached` (`nativeTokensCached`) is part of
 * `nativePrompt`, and `reasoning` (`nativeTokensReasoning`) part of
 * `nativeCompletion`.
 *
 * @since 0.1.0
 * @category models
 */
export class Tokens extends Schema.Class<Tokens>("@modelgates/effect/UsageTokens")({
  prompt: TokenTotal,
  completion: TokenTotal,
  nativePrompt: TokenTotal,
  nativeCompletion: TokenTotal,
  reasoning: TokenTotal,
  cached: TokenTotal
}) {}

/**
 * Percentiles of a duration in milliseconds, over the `count` rows that
 * recorded it (none when `count` is 0).
 *
 * A percentile is the nearest rank: `p90` is the smallest recorded value that
 * at least 90% of the values are at or below. It is `exact` up to 100,000
 * values; past that, each percentile is within 0.5% (relative) of the exact
 * one, read from a log-bucketed histogram whose size does not grow with the
 * rows.
 *
 * @since 0.1.0
 * @category models
 */
export class Percentiles extends Schema.Class<Percentiles>("@modelgates/effect/UsagePercentiles")({
  count: Schema.NonNegativeInt,
  exact: Schema.Boolean,
  p50: Schema.OptionFromNullOr(Schema.Number),
  p90: Schema.OptionFromNullOr(Schema.Number),
  p99: Schema.OptionFromNullOr(Schema.Number)
}) {}

/**
 * One row of a breakdown: the generations whose `key` (model, provider, app,
 * user or day) is the same. A `null` key groups the rows where the field was
 * not recorded.
 *
 * @since 0.1.0
 * @category models
 */
export class Group extends Schema.Class<Group>("@modelgates/effect/UsageGroup")({
  key: Schema.NullOr(Schema.String),
  count: Schema.NonNegativeInt,
  totalCost: Decimal,
  tokensPrompt: TokenTotal,
  tokensCompletion: TokenTotal
}) {}

/**
 * What a set of generations cost and how it ran.
 *
 * - `totalCost` and `usage` sum the fields of the same names, exactly.
 * - `upstreamInferenceCost` sums that field over every row;
 *   `byokUpstreamInferenceCost` over the BYOK rows only, which is what the
 *   users' own provider keys were charged.
 * - `spend` is the whole spend: `totalCost` plus
 *   `byokUpstreamInferenceCost.total`. A BYOK row without an upstream cost
 *   (counted in `byokUpstreamInferenceCost.missing`) makes it a lower bound.
 * - `cancelled`, `streamed` and `byok` count the rows where the flag is `true`.
 * - `firstCreatedAt` and `lastCreatedAt` are the earliest and latest `createdAt`.
 * - The breakdowns are ordered by `totalCost`, largest first, then by key
 *   (`null` last). `byApp` keys are app ids in decimal; `byDay` keys are UTC
 *   dates, `YYYY-MM-DD`.
 *
 * The schema encodes a report to plain JSON (see {@link toJson}) and decodes
 * it back.
 *
 * @since 0.1.0
 * @category models
 */
export class Report extends Schema.Class<Report>("@modelgates/effect/UsageReport")({
  count: Schema.NonNegativeInt,
  totalCost: Decimal,
  usage: Decimal,
  upstreamInferenceCost: CostTotal,
  byokUpstreamInferenceCost: CostTotal,
  spend: Decimal,
  cacheDiscount: CostTotal,
  tokens: Tokens,
  latency: Percentiles,
  generationTime: Percentiles,
  cancelled: Schema.NonNegativeInt,
  streamed: Schema.NonNegativeInt,
  byok: Schema.NonNegativeInt,
  firstCreatedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc),
  lastCreatedAt: Schema.OptionFromNullOr(Schema.DateTimeUtc),
  byModel: Schema.Array(Group),
  byProvider: Schema.Array(Group),
  byApp: Schema.Array(Group),
  byUser: Schema.Array(Group),
  byDay: Schema.Array(Group)
}) {}

// -----------------------------------------------------------------------------
// accumulator
// -----------------------------------------------------------------------------

class CostState {
  readonly total = new ExactDecimal.DecimalSum()
  missing = 0
  add(value: number | null): void {
    if (value === null) this.missing++
    else this.total.add(ExactDecimal.decimalOf(value))
  }
  done(): CostTotal {
    return new CostTotal({ total: exact(this.total), missing: this.missing })
  }
}

class TokenState {
  total = 0
  missing = 0
  add(value: number | null): void {
    if (value === null) this.missing++
    else this.total += value
  }
  done(): TokenTotal {
    return new TokenTotal({ total: this.total, missing: this.missing })
  }
}

class GroupState {
  count = 0
  readonly totalCost = new ExactDecimal.DecimalSum()
  readonly tokensPrompt = new TokenState()
  readonly tokensCompletion = new TokenState()
}

class Breakdown<K> {
  private readonly groups = new Map<K, GroupState>()
  constructor(private readonly label: (key: K) => string | null) {}

  add(key: K, cost: ExactDecimal.Decimal, row: Models.GenerationData): void {
    let group = this.groups.get(key)
    if (group === undefined) {
      group = new GroupState()
      this.groups.set(key, group)
    }
    group.count++
    group.totalCost.add(cost)
    group.tokensPrompt.add(row.tokensPrompt)
    group.tokensCompletion.add(row.tokensCompletion)
  }

  done(): ReadonlyArray<Group> {
    return Array.from(this.groups, ([key, group]) =>
      new Group({
        key: this.label(key),
        count: group.count,
        totalCost: exact(group.totalCost),
        tokensPrompt: group.tokensPrompt.done(),
        tokensCompletion: group.tokensCompletion.done()
      })).sort(byCostThenKey)
  }
}

const byCostThenKey = (a: Group, b: Group): number => {
  const cost = BigDecimal.Order(b.totalCost, a.totalCost)
  if (cost !== 0) return cost
  if (a.key === b.key) return 0
  if (a.key === null) return 1
  if (b.key === null) return -1
  return a.key < b.key ? -1 : 1
}

const millisPerDay = 86_400_000
const quantiles = [0.5, 0.9, 0.99]

const percentilesOf = (state: Quantiles): Percentiles => {
  const { count, exact, values } = state.summarize(quantiles)
  const at = (index: number) => Option.fromNullable(values[index])
  return new Percentiles({ count, exact, p50: at(0), p90: at(1), p99: at(2) })
}

// One mutable accumulator behind both `summarize` and `sink`, so the two
// cannot disagree; each run gets its own.
class Accumulator {
  private count = 0
  private readonly totalCost = new ExactDecimal.DecimalSum()
  private readonly usage = new ExactDecimal.DecimalSum()
  private readonly upstreamInferenceCost = new CostState()
  private readonly byokUpstreamInferenceCost = new CostState()
  private readonly cacheDiscount = new CostState()
  private readonly prompt = new TokenState()
  private readonly completion = new TokenState()
  private readonly nativePrompt = new TokenState()
  private readonly nativeCompletion = new TokenState()
  private readonly reasoning = new TokenState()
  private readonly cached = new TokenState()
  private readonly latency = new Quantiles()
  private readonly generationTime = new Quantiles()
  private cancelled = 0
  private streamed = 0
  private byok = 0
  private first: DateTime.Utc | undefined = undefined
  private last: DateTime.Utc | undefined = undefined
  private readonly byModel = new Breakdown<string>(identity)
  private readonly byProvider = new Breakdown<string | null>(identity)
  private readonly byApp = new Breakdown<number | null>((app) => app === null ? null : String(app))
  private readonly byUser = new Breakdown<string | null>(identity)
  private readonly byDay = new Breakdown<number>((day) =>
    DateTime.formatIsoDateUtc(DateTime.unsafeMake(day * millisPerDay))
  )

  add(row: Models.GenerationData): void {
    this.count++
    const cost = ExactDecimal.decimalOf(row.totalCost)
    this.totalCost.add(cost)
    this.usage.add(row.usage === row.totalCost ? cost : ExactDecimal.decimalOf(row.usage))
    this.upstreamInferenceCost.add(row.upstreamInferenceCost)
    if (row.isByok) {
      this.byok++
      this.byokUpstreamInferenceCost.add(row.upstreamInferenceCost)
    }
    this.cacheDiscount.add(row.cacheDiscount)
    this.prompt.add(row.tokensPrompt)
    this.completion.add(row.tokensCompletion)
    this.nativePrompt.add(row.nativeTokensPrompt)
    this.nativeCompletion.add(row.nativeTokensCompletion)
    this.reasoning.add(row.nativeTokensReasoning)
    this.cached.add(row.nativeTokensCached)
    if (row.latency !== null) this.latency.add(row.latency)
    if (row.generationTime !== null) this.generationTime.add(row.generationTime)
    if (row.cancelled === true) this.cancelled++
    if (row.streamed === true) this.streamed++
    const millis = DateTime.toEpochMillis(row.createdAt)
    if (this.first === undefined || millis < DateTime.toEpochMillis(this.first)) this.first = row.createdAt
    if (this.last === undefined || millis > DateTime.toEpochMillis(this.last)) this.last = row.createdAt
    this.byModel.add(row.model, cost, row)
    this.byProvider.add(row.providerName, cost, row)
    this.byApp.add(row.appId, cost, row)
    this.byUser.add(row.externalUser, cost, row)
    this.byDay.add(Math.floor(millis / millisPerDay), cost, row)
  }

  done(): Report {
    const totalCost = exact(this.totalCost)
    const byokUpstreamInferenceCost = this.byokUpstreamInferenceCost.done()
    return new Report({
      count: this.count,
      totalCost,
      usage: exact(this.usage),
      upstreamInferenceCost: this.upstreamInferenceCost.done(),
      byokUpstreamInferenceCost,
      spend: BigDecimal.normalize(BigDecimal.sum(totalCost, byokUpstreamInferenceCost.total)),
      cacheDiscount: this.cacheDiscount.done(),
      tokens: new Tokens({
        prompt: this.prompt.done(),
        completion: this.completion.done(),
        nativePrompt: this.nativePrompt.done(),
        nativeCompletion: this.nativeCompletion.done(),
        reasoning: this.reasoning.done(),
        cached: this.cached.done()
      }),
      latency: percentilesOf(this.latency),
      generationTime: percentilesOf(this.generationTime),
      cancelled: this.cancelled,
      streamed: this.streamed,
      byok: this.byok,
      firstCreatedAt: Option.fromNullable(this.first),
      lastCreatedAt: Option.fromNullable(this.last),
      byModel: this.byModel.done(),
      byProvider: this.byProvider.done(),
      byApp: this.byApp.done(),
      byUser: this.byUser.done(),
      byDay: this.byDay.done()
    })
  }
}

// -----------------------------------------------------------------------------
// reports
// -----------------------------------------------------------------------------

/**
 * Reports over generations already in memory, in one pass.
 *
 * @example
 * ```ts
 * import { Models, Usage } from "@modelgates/effect"
 * import { BigDecimal } from "effect"
 *
 * declare const generations: ReadonlyArray<Models.GenerationData>
 *
 * const report = Usage.summarize(generations)
 * // The whole spend: gateway charges plus what BYOK rows cost on the users' own keys.
 * export const spend = BigDecimal.format(report.spend)
 * ```
 *
 * @since 0.1.0
 * @category reports
 */
export const summarize = (generations: Iterable<Models.GenerationData>): Report => {
  const accumulator = new Accumulator()
  for (const generation of generations) accumulator.add(generation)
  return accumulator.done()
}

/**
 * Reports over a stream of generations, without keeping them. Each run of the
 * sink starts from an empty report.
 *
 * @example
 * ```ts
 * import { Models, Usage } from "@modelgates/effect"
 * import { Effect, Stream } from "effect"
 *
 * declare const generations: Stream.Stream<Models.GenerationData>
 *
 * export const report: Effect.Effect<Usage.Report> = Stream.run(generations, Usage.sink)
 * ```
 *
 * @since 0.1.0
 * @category reports
 */
export const sink: Sink.Sink<Report, Models.GenerationData> = Sink.suspend(() =>
  Sink.foldLeftChunks(new Accumulator(), (accumulator, chunk: Chunk.Chunk<Models.GenerationData>) => {
    for (const generation of chunk) accumulator.add(generation)
    return accumulator
  })
).pipe(Sink.map((accumulator) => accumulator.done()))

/**
 * A report as plain JSON: decimals as strings in plain notation (`"0.20455459"`),
 * dates as ISO 8601 strings, absent percentiles and dates as `null`. It is the
 * encoding of the {@link Report} schema, so `Schema.decodeUnknown(Usage.Report)`
 * reads it back.
 *
 * @example
 * ```ts
 * import { Models, Usage } from "@modelgates/effect"
 *
 * declare const generations: ReadonlyArray<Models.GenerationData>
 *
 * export const json: string = JSON.stringify(Usage.toJson(Usage.summarize(generations)), null, 2)
 * ```
 *
 * @since 0.1.0
 * @category conversions
 */
export const toJson: (report: Report) => typeof Report.Encoded = Schema.encodeSync(Report)
