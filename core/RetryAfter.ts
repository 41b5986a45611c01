/**
 * How long a server asked to wait before the next request: `retry-after-ms`,
 * else `Retry-After` in seconds or as an HTTP date. A value that cannot be read
 * is ignored rather than guessed at.
 */

const seconds = /^\s*\d+(?:\.\d+)?\s*$/

/**
 * The wait in milliseconds, or `undefined` when the headers ask for none.
 * `header` reads a response header by its lower-case name; `now` is the
 * current time in epoch milliseconds, for HTTP dates.
 */
export const parseRetryAfter = (header: (name: string) => string | undefined, now: number): number | undefined => {
  const millis = header("retry-after-ms")
  if (millis !== undefined && seconds.test(millis)) return Number(millis)
  const value = header("retry-after")
  if (value === undefined) return undefined
  if (seconds.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
