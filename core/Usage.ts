/**
 * The arithmetic of usage reports, without Effect: exact sums of costs,
 * token totals that keep "not recorded" apart from zero, latency
 * percentiles, and breakdowns by model, provider, app, user and day. Each
 * Effect line turns a {@link Summary} into its own `Usage.Report` class.
 */
import type { ExactSum } from "./Decimal.js"
import { add, compare, decimalOf, DecimalSum } from "./Decimal.js"
import { Quantiles } from "./Quantiles.js"

/** The fields of a generation a report reads (the decoded `GenerationData`), and its creation time. */
export interface Row {
  readonly model: string
  readonly totalCost: number
  readonly usage: number
  readonly isByok: boolean
  readonly upstreamInferenceCost: number | null
  readonly cacheDiscount: number | null
  readonly tokensPrompt: number | null
  readonly tokensCompletion: number | null
  readonly nativeTokensPrompt: number | null
  readonly nativeTokensCompletion: number | null
  readonly nativeTokensReasoning: number | null
  readonly nativeTokensCached: number | null
  readonly latency: number | null
  readonly generationTime: number | null
  readonly cancelled: boolean | null
  readonly streamed: boolean | null
  readonly providerName: string | null
  readonly appId: number | null
  readonly externalUser: string | null
}

/** A sum over the rows that have the field, and how many had it `null`. */
export interface CostTotal {
  readonly total: ExactSum
  readonly missing: number
}

/** A sum of tokens over the rows that have the count, and how many had it `null`. */
export interface TokenTotal {
  readonly total: number
  readonly missing: number
}

/** Nearest-rank percentiles over the rows that recorded a duration. */
export interface Percentiles {
  readonly count: number
  readonly exact: boolean
  readonly p50: number | undefined
  readonly p90: number | undefined
  readonly p99: number | undefined
}

/** One row of a breakdown. */
export interface Group {
  readonly key: string | null
  readonly count: number
  readonly totalCost: ExactSum
  readonly tokensPrompt: TokenTotal
  readonly tokensCompletion: TokenTotal
}

/** What a set of generations cost and how it ran; `first` and `last` are the rows created first and last. */
export interface Summary<R> {
  readonly count: number
  readonly totalCost: ExactSum
  readonly usage: ExactSum
  readonly upstreamInferenceCost: CostTotal
  readonly byokUpstreamInferenceCost: CostTotal
  readonly spend: ExactSum
  readonly cacheDiscount: CostTotal
  readonly tokens: {
    readonly prompt: TokenTotal
    readonly completion: TokenTotal
    readonly nativePrompt: TokenTotal
    readonly nativeCompletion: TokenTotal
    readonly reasoning: TokenTotal
    readonly cached: TokenTotal
  }
  readonly latency: Percentiles
  readonly generationTime: Percentiles
  readonly cancelled: number
  readonly streamed: number
  readonly byok: number
  readonly first: R | undefined
  readonly last: R | undefined
  readonly byModel: ReadonlyArray<Group>
  readonly byProvider: ReadonlyArray<Group>
  readonly byApp: ReadonlyArray<Group>
  readonly byUser: ReadonlyArray<Group>
  readonly byDay: ReadonlyArray<Group>
}

class CostState {
  readonly total = new DecimalSum()
  missing = 0
  add(value: number | null): void {
    if (value === null) this.missing++
    else this.total.add(decimalOf(value))
  }
  done(): CostTotal {
    return { total: this.total.done(), missing: this.missing }
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
    return { total: this.total, missing: this.missing }
  }
}

class GroupState {
  count = 0
  readonly totalCost = new DecimalSum()
  readonly tokensPrompt = new TokenState()
  readonly tokensCompletion = new TokenState()
}

/** Ordered by `totalCost`, largest first, then by key (`null` last). */
const byCostThenKey = (a: Group, b: Group): number => {
  const cost = compare(b.totalCost, a.totalCost)
  if (cost !== 0) return cost
  if (a.key === b.key) return 0
  if (a.key === null) return 1
  if (b.key === null) return -1
  return a.key < b.key ? -1 : 1
}

class Breakdown<K> {
  private readonly groups = new Map<K, GroupState>()
  constructor(private readonly label: (key: K) => string | null) {}

  add(key: K, cost: ReturnType<typeof decimalOf>, row: Row): void {
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
    return Array.from(this.groups, ([key, group]) => ({
      key: this.label(key),
      count: group.count,
      totalCost: group.totalCost.done(),
      tokensPrompt: group.tokensPrompt.done(),
      tokensCompletion: group.tokensCompletion.done()
    })).sort(byCostThenKey)
  }
}

const millisPerDay = 86_400_000
const quantiles = [0.5, 0.9, 0.99]

const percentilesOf = (state: Quantiles): Percentiles => {
  const { count, exact, values } = state.summarize(quantiles)
  return { count, exact, p50: values[0], p90: values[1], p99: values[2] }
}

const identity = <A>(a: A): A => a

/**
 * A running report: `add` each row, then `done`. It keeps no rows, only the
 * sums, the groups and the percentile state. `createdAt` reads a row's
 * creation time in epoch milliseconds.
 */
export class Accumulator<R extends Row> {
  private count = 0
  private readonly totalCost = new DecimalSum()
  private readonly usage = new DecimalSum()
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
  private first: R | undefined = undefined
  private firstMillis = Infinity
  private last: R | undefined = undefined
  private lastMillis = -Infinity
  private readonly byModel = new Breakdown<string>(identity)
  private readonly byProvider = new Breakdown<string | null>(identity)
  private readonly byApp = new Breakdown<number | null>((app) => app === null ? null : String(app))
  private readonly byUser = new Breakdown<string | null>(identity)
  private readonly byDay = new Breakdown<number>((day) => new Date(day * millisPerDay).toISOString().slice(0, 10))

  constructor(private readonly createdAt: (row: R) => number) {}

  add(row: R): void {
    this.count++
    const cost = decimalOf(row.totalCost)
    this.totalCost.add(cost)
    this.usage.add(row.usage === row.totalCost ? cost : decimalOf(row.usage))
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
    const millis = this.createdAt(row)
    if (millis < this.firstMillis) {
      this.first = row
      this.firstMillis = millis
    }
    if (millis > this.lastMillis) {
      this.last = row
      this.lastMillis = millis
    }
    this.byModel.add(row.model, cost, row)
    this.byProvider.add(row.providerName, cost, row)
    this.byApp.add(row.appId, cost, row)
    this.byUser.add(row.externalUser, cost, row)
    this.byDay.add(Math.floor(millis / millisPerDay), cost, row)
  }

  done(): Summary<R> {
    const totalCost = this.totalCost.done()
    const byokUpstreamInferenceCost = this.byokUpstreamInferenceCost.done()
    return {
      count: this.count,
      totalCost,
      usage: this.usage.done(),
      upstreamInferenceCost: this.upstreamInferenceCost.done(),
      byokUpstreamInferenceCost,
      spend: add(totalCost, byokUpstreamInferenceCost.total),
      cacheDiscount: this.cacheDiscount.done(),
      tokens: {
        prompt: this.prompt.done(),
        completion: this.completion.done(),
        nativePrompt: this.nativePrompt.done(),
        nativeCompletion: this.nativeCompletion.done(),
        reasoning: this.reasoning.done(),
        cached: this.cached.done()
      },
      latency: percentilesOf(this.latency),
      generationTime: percentilesOf(this.generationTime),
      cancelled: this.cancelled,
      streamed: this.streamed,
      byok: this.byok,
      first: this.first,
      last: this.last,
      byModel: this.byModel.done(),
      byProvider: this.byProvider.done(),
      byApp: this.byApp.done(),
      byUser: this.byUser.done(),
      byDay: this.byDay.done()
    }
  }
}
