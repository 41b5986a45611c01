/**
 * Percentiles of a stream of numbers in bounded memory, for usage reports.
 *
 * Up to `exactLimit` values are kept as they are, and the percentiles are
 * exact (nearest rank over the sorted values). Past that, every value moves
 * into a log-bucketed histogram (the DDSketch layout): bucket `i` holds the
 * values in `(γ^(i-1), γ^i]` with `γ = (1 + α) / (1 - α)`, and a percentile is
 * read as the middle of its bucket, `2γ^i / (γ + 1)`, which is within a
 * relative `α` of every value in the bucket, so within `α` of the exact
 * nearest-rank value. Negative values use a mirrored histogram, zero its own
 * count. The histogram has one entry per occupied bucket: about
 * `ln(max / min) / (2α)` entries, a few thousand for latencies between a
 * millisecond and an hour, and never more than about 150,000 for the whole
 * range of doubles. No randomness: the same values give the same result.
 *
 * @internal
 */

/** Values kept exactly before the histogram takes over. */
export const exactLimit = 100_000

/** The histogram's relative accuracy `α`. */
export const relativeAccuracy = 0.005

const gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
const logGamma = Math.log(gamma)
// The middle of bucket i, relative to its lower bound γ^(i-1).
const middleFactor = (2 * gamma) / (gamma + 1)

const bucketOf = (magnitude: number): number => Math.ceil(Math.log(magnitude) / logGamma)
const middleOf = (bucket: number): number => Math.exp((bucket - 1) * logGamma) * middleFactor

const increment = (buckets: Map<number, number>, bucket: number): void => {
  buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1)
}

/** The 1-based nearest rank of the `q` quantile (`0 < q <= 1`) among `count` values. */
export const rankOf = (q: number, count: number): number => Math.max(1, Math.ceil(q * count))

/** The result: how many values there were, whether the percentiles are exact, and the percentiles asked for. */
export interface Summary {
  readonly count: number
  readonly exact: boolean
  /** One per requested quantile, in order; empty when there were no values. */
  readonly values: ReadonlyArray<number>
}

/** A mutable accumulator of values. */
export class Quantiles {
  private count = 0
  private exact: Array<number> | undefined = []
  private readonly positive = new Map<number, number>()
  private readonly negative = new Map<number, number>()
  private zeros = 0
  private min = Infinity
  private max = -Infinity

  add(value: number): void {
    this.count++
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
    if (this.exact === undefined) {
      this.bucket(value)
      return
    }
    this.exact.push(value)
    if (this.exact.length > exactLimit) {
      for (const kept of this.exact) this.bucket(kept)
      this.exact = undefined
    }
  }

  private bucket(value: number): void {
    if (value > 0) increment(this.positive, bucketOf(value))
    else if (value < 0) increment(this.negative, bucketOf(-value))
    else this.zeros++
  }

  summarize(quantiles: ReadonlyArray<number>): Summary {
    if (this.count === 0) return { count: 0, exact: true, values: [] }
    if (this.exact !== undefined) {
      const sorted = Float64Array.from(this.exact).sort()
      return {
        count: this.count,
        exact: true,
        values: quantiles.map((q) => sorted[rankOf(q, this.count) - 1])
      }
    }
    // Buckets in ascending order of value: the most negative first.
    const ordered: Array<readonly [value: number, count: number]> = [
      ...[...this.negative].sort(([a], [b]) => b - a).map(([b, count]) => [-middleOf(b), count] as const),
      ...(this.zeros > 0 ? [[0, this.zeros] as const] : []),
      ...[...this.positive].sort(([a], [b]) => a - b).map(([b, count]) => [middleOf(b), count] as const)
    ]
    return {
      count: this.count,
      exact: false,
      values: quantiles.map((q) => {
        const rank = rankOf(q, this.count)
        let seen = 0
        for (const [value, count] of ordered) {
          seen += count
          // Clamped to what was seen: the extreme buckets' middles may lie outside it.
          if (seen >= rank) return Math.min(this.max, Math.max(this.min, value))
        }
        return this.max
      })
    }
  }
}
