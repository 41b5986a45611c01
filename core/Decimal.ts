/**
 * Exact sums of the decimals that JavaScript numbers are written as: a cost of
 * `0.1` is one tenth, not the binary float nearest to it. A sum is kept per
 * scale as a safe integer while it fits, and in a `bigint` beyond.
 */

/** A decimal as `digits × 10^-scale`; `digits` is a `number` while it is a safe integer. */
export interface Decimal {
  readonly digits: number | bigint
  readonly scale: number
}

const powers: Array<bigint> = [1n]

const powerOfTen = (exponent: number): bigint => {
  while (powers.length <= exponent) powers.push(powers[powers.length - 1] * 10n)
  return powers[exponent]
}

const fromDigits = (digits: string, scale: number): Decimal => {
  const fast = Number(digits)
  return Number.isSafeInteger(fast) ? { digits: fast, scale } : { digits: BigInt(digits), scale }
}

/** The decimal of a plain positional string (`-12.034`, `5`). */
const fromPositional = (text: string): Decimal => {
  const dot = text.indexOf(".")
  return dot === -1 ? fromDigits(text, 0) : fromDigits(text.slice(0, dot) + text.slice(dot + 1), text.length - dot - 1)
}

/**
 * The decimal a finite number is written as: `String(n)` is the shortest
 * string that reads back as `n`, exponent forms (`1e-7`, `1e+21`) included.
 */
export const decimalOf = (n: number): Decimal => {
  const text = String(n)
  const e = text.indexOf("e")
  if (e === -1) return fromPositional(text)
  const mantissa = fromPositional(text.slice(0, e))
  const scale = mantissa.scale - Number(text.slice(e + 1))
  return scale >= 0
    ? { digits: BigInt(mantissa.digits), scale }
    : { digits: BigInt(mantissa.digits) * powerOfTen(-scale), scale: 0 }
}

// Scales up to this one are summed as plain numbers, one sum per scale.
const fastScales = 24

/** The exact value of a sum, normalised: no trailing zeros in `digits` unless `scale` is 0. */
export interface ExactSum {
  readonly digits: bigint
  readonly scale: number
}

/** A running exact sum. */
export class DecimalSum {
  private readonly small: Array<number> = new Array(fastScales + 1).fill(0)
  private big = 0n
  private bigScale = 0

  add(decimal: Decimal): void {
    const { digits, scale } = decimal
    if (typeof digits === "number" && scale <= fastScales) {
      const next = this.small[scale] + digits
      if (Number.isSafeInteger(next)) {
        this.small[scale] = next
        return
      }
      this.addBig(BigInt(this.small[scale]), scale)
      this.small[scale] = digits
      return
    }
    this.addBig(BigInt(digits), scale)
  }

  private addBig(digits: bigint, scale: number): void {
    if (scale > this.bigScale) {
      this.big *= powerOfTen(scale - this.bigScale)
      this.bigScale = scale
    }
    this.big += digits * powerOfTen(this.bigScale - scale)
  }

  /** The sum so far, normalised. */
  done(): ExactSum {
    let digits = this.big
    let scale = this.bigScale
    this.small.forEach((small, smallScale) => {
      if (small === 0) return
      if (smallScale > scale) {
        digits *= powerOfTen(smallScale - scale)
        scale = smallScale
      }
      digits += BigInt(small) * powerOfTen(scale - smallScale)
    })
    return normalize(digits, scale)
  }
}

/** Drops trailing zeros: `1500 × 10^-3` is `15 × 10^-1`. */
export const normalize = (digits: bigint, scale: number): ExactSum => {
  if (digits === 0n) return { digits, scale: 0 }
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n
    scale--
  }
  return { digits, scale }
}

/** Plain positional notation, whatever the scale (`0.0000001`, never `1e-7`). */
export const format = ({ digits, scale }: ExactSum): string => {
  if (scale <= 0) return (digits * powerOfTen(-scale)).toString()
  const negative = digits < 0n
  const text = (negative ? -digits : digits).toString().padStart(scale + 1, "0")
  const point = text.length - scale
  return `${negative ? "-" : ""}${text.slice(0, point)}.${text.slice(point)}`
}

/** The exact sum of two exact sums, normalised. */
export const add = (a: ExactSum, b: ExactSum): ExactSum => {
  const scale = Math.max(a.scale, b.scale)
  return normalize(a.digits * powerOfTen(scale - a.scale) + b.digits * powerOfTen(scale - b.scale), scale)
}

/** `-1`, `0` or `1` as `a` is less than, equal to or greater than `b`. */
export const compare = (a: ExactSum, b: ExactSum): -1 | 0 | 1 => {
  const scale = Math.max(a.scale, b.scale)
  const x = a.digits * powerOfTen(scale - a.scale)
  const y = b.digits * powerOfTen(scale - b.scale)
  return x < y ? -1 : x > y ? 1 : 0
}
