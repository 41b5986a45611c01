/**
 * Durations as people write them on a command line or in options: a bare
 * number is seconds (as in the `modelgates` command), and `500ms`, `2s`,
 * `1.5m`, `1h` (or `3 seconds`, `1 minute`) say their unit.
 */

/** A number of seconds, or a number with its unit: `500ms`, `2s`, `1m`, `1h`. */
export type DurationInput = number | string

const pattern = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/

const factors: Readonly<Record<string, number>> = {
  "": 1000,
  ms: 1,
  millis: 1,
  s: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000
}

/** The duration in milliseconds, or `undefined` when it cannot be read or is negative. */
export const toMillis = (input: DurationInput): number | undefined => {
  if (typeof input === "number") return Number.isFinite(input) && input >= 0 ? input * 1000 : undefined
  const match = pattern.exec(input.trim())
  const factor = match === null || !Object.hasOwn(factors, match[2]) ? undefined : factors[match[2]]
  return match === null || factor === undefined ? undefined : Number(match[1]) * factor
}

/** A duration in words, for messages and the banner: `2s`, `500ms`, `1m 30s`. */
export const format = (millis: number): string => {
  if (millis < 1000) return `${millis}ms`
  const parts: Array<string> = []
  let rest = millis
  for (const [unit, size] of [["h", 3_600_000], ["m", 60_000], ["s", 1000]] as const) {
    const whole = Math.floor(rest / size)
    if (whole > 0) parts.push(`${whole}${unit}`)
    rest -= whole * size
  }
  if (rest > 0) parts.push(`${rest}ms`)
  return parts.join(" ")
}
