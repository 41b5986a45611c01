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
 * import { Models, Usage } from "@modelgates/effect4"
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
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as SchemaTransformation from "effect/SchemaTransformation"
import * as Sink from "effect/Sink"
import * as ExactDecimal from "../../core/Decimal.js"
import * as CoreUsage from "../../core/Usage.js"
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

const Decimal = Schema.String.check(Schema.isTrimmed(), Schema.isNonEmpty()).pipe(
  Schema.decodeTo(
    Schema.BigDecimal,
    new SchemaTransformation.Transformation(
      SchemaTransformation.bigDecimalFromString.decode,
      SchemaGetter.transform(formatPlain)
    )
  )
).annotate({
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
export class CostTotal extends Schema.Class<CostTotal>("@modelgates/effect4/UsageCostTotal")({
  total: Decimal,
  missing: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
}) {}

/**
 * A sum of tokens over the rows that have the count, and how many rows had it
 * `null` (not recorded: those rows add nothing to `total`, and are not read
 * as 0). Exact while the total stays below 2^53 (about 9 × 10^15 tokens).
 *
 * @since 0.1.0
 * @category models
 */
export class TokenTotal extends Schema.Class<TokenTotal>("@modelgates/effect4/UsageTokenTotal")({
  total: Schema.Number,
  missing: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
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
export class Tokens extends Schema.Class<Tokens>("@modelgates/effect4/UsageTokens")({
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
export class Percentiles extends Schema.Class<Percentiles>("@modelgates/effect4/UsagePercentiles")({
  count: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
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
export class Group extends Schema.Class<Group>("@modelgates/effect4/UsageGroup")({
  key: Schema.NullOr(Schema.String),
  count: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
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
export class Report extends Schema.Class<Report>("@modelgates/effect4/UsageReport")({
  count: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  totalCost: Decimal,
  usage: Decimal,
  upstreamInferenceCost: CostTotal,
  byokUpstreamInferenceCost: CostTotal,
  spend: Decimal,
  cacheDiscount: CostTotal,
  tokens: Tokens,
  latency: Percentiles,
  generationTime: Percentiles,
  cancelled: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  streamed: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  byok: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  firstCreatedAt: Schema.OptionFromNullOr(Schema.DateTimeUtcFromString),
  lastCreatedAt: Schema.OptionFromNullOr(Schema.DateTimeUtcFromString),
  byModel: Schema.Array(Group),
  byProvider: Schema.Array(Group),
  byApp: Schema.Array(Group),
  byUser: Schema.Array(Group),
  byDay: Schema.Array(Group)
}) {}

// -----------------------------------------------------------------------------
// accumulator
// -----------------------------------------------------------------------------

// The sums, groups and percentiles are the core's (core/Usage.ts), shared
// with the Effect 4 line; here they become this line's classes.

const bigDecimal = ({ digits, scale }: ExactDecimal.ExactSum): BigDecimal.BigDecimal => BigDecimal.make(digits, scale)

const costTotal = (total: CoreUsage.CostTotal): CostTotal =>
  new CostTotal({ total: bigDecimal(total.total), missing: total.missing })

const tokenTotal = (total: CoreUsage.TokenTotal): TokenTotal => new TokenTotal(total)

const percentiles = (summary: CoreUsage.Percentiles): Percentiles =>
  new Percentiles({
    count: summary.count,
    exact: summary.exact,
    p50: Option.fromUndefinedOr(summary.p50),
    p90: Option.fromUndefinedOr(summary.p90),
    p99: Option.fromUndefinedOr(summary.p99)
  })

const groups = (groups: ReadonlyArray<CoreUsage.Group>): ReadonlyArray<Group> =>
  groups.map((group) =>
    new Group({
      key: group.key,
      count: group.count,
      totalCost: bigDecimal(group.totalCost),
      tokensPrompt: tokenTotal(group.tokensPrompt),
      tokensCompletion: tokenTotal(group.tokensCompletion)
    })
  )

const toReport = (summary: CoreUsage.Summary<Models.GenerationData>): Report =>
  new Report({
    count: summary.count,
    totalCost: bigDecimal(summary.totalCost),
    usage: bigDecimal(summary.usage),
    upstreamInferenceCost: costTotal(summary.upstreamInferenceCost),
    byokUpstreamInferenceCost: costTotal(summary.byokUpstreamInferenceCost),
    spend: bigDecimal(summary.spend),
    cacheDiscount: costTotal(summary.cacheDiscount),
    tokens: new Tokens({
      prompt: tokenTotal(summary.tokens.prompt),
      completion: tokenTotal(summary.tokens.completion),
      nativePrompt: tokenTotal(summary.tokens.nativePrompt),
      nativeCompletion: tokenTotal(summary.tokens.nativeCompletion),
      reasoning: tokenTotal(summary.tokens.reasoning),
      cached: tokenTotal(summary.tokens.cached)
    }),
    latency: percentiles(summary.latency),
    generationTime: percentiles(summary.generationTime),
    cancelled: summary.cancelled,
    streamed: summary.streamed,
    byok: summary.byok,
    firstCreatedAt: Option.fromUndefinedOr(summary.first?.createdAt),
    lastCreatedAt: Option.fromUndefinedOr(summary.last?.createdAt),
    byModel: groups(summary.byModel),
    byProvider: groups(summary.byProvider),
    byApp: groups(summary.byApp),
    byUser: groups(summary.byUser),
    byDay: groups(summary.byDay)
  })

// One accumulator behind both `summarize` and `sink`, so the two cannot
// disagree; each run gets its own.
const makeAccumulator = () =>
  new CoreUsage.Accumulator<Models.GenerationData>((row) => DateTime.toEpochMillis(row.createdAt))

// -----------------------------------------------------------------------------
// reports
// -----------------------------------------------------------------------------

/**
 * Reports over generations already in memory, in one pass.
 *
 * @example
 * ```ts
 * import { Models, Usage } from "@modelgates/effect4"
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
  const accumulator = makeAccumulator()
  for (const generation of generations) accumulator.add(generation)
  return toReport(accumulator.done())
}

/**
 * Reports over a stream of generations, without keeping them. Each run of the
 * sink starts from an empty report.
 *
 * @example
 * ```ts
 * import { Models, Usage } from "@modelgates/effect4"
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
  Sink.reduceArray(makeAccumulator, (accumulator, chunk: ReadonlyArray<Models.GenerationData>) => {
    for (const generation of chunk) accumulator.add(generation)
    return accumulator
  })
).pipe(Sink.map((accumulator) => toReport(accumulator.done())))

/**
 * A report as plain JSON: decimals as strings in plain notation (`"0.20455459"`),
 * dates as ISO 8601 strings, absent percentiles and dates as `null`. It is the
 * encoding of the {@link Report} schema, so `Schema.decodeUnknown(Usage.Report)`
 * reads it back.
 *
 * @example
 * ```ts
 * import { Models, Usage } from "@modelgates/effect4"
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
