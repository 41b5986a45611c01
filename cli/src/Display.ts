/**
 * How numbers, money, durations and tables read to a person on a terminal.
 * Money stays exact: it arrives as the plain decimal string a report encodes,
 * and only gains a dollar sign and thousands separators.
 */

const grouped = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",")

/**
 * `"1234.5678"` as `$1,234.5678`: every digit kept.
 *
 * @since 0.1.0
 * @category formatting
 */
export const money = (plain: string): string => {
  const negative = plain.startsWith("-")
  const [whole, fraction] = (negative ? plain.slice(1) : plain).split(".")
  return `${negative ? "-" : ""}$${grouped(whole)}${fraction === undefined ? "" : `.${fraction}`}`
}

/**
 * A number's dollars, exact as its shortest decimal (`0.010734` as
 * `$0.010734`).
 *
 * @since 0.1.0
 * @category formatting
 */
export const dollars = (value: number): string => money(plainNumber(value))

// The shortest decimal that reads back as the number, in positional notation
// (`1e-7` as `0.0000001`): what the API wrote.
const plainNumber = (value: number): string => {
  const text = String(value)
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text)
  if (match === null) return text
  const [, sign, lead, rest = "", exponentText] = match
  const exponent = Number(exponentText)
  const digits = lead + rest
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`
  return `${sign}${digits.padEnd(exponent + 1, "0")}`
}

/**
 * A count with thousands separators.
 *
 * @since 0.1.0
 * @category formatting
 */
export const count = (value: number): string =>
  Number.isInteger(value) ? grouped(String(value)) : value.toLocaleString("en-US")

/**
 * A token sum and, when some rows did not record it, how many.
 *
 * @since 0.1.0
 * @category formatting
 */
export const tokens = (total: { readonly total: number; readonly missing: number }): string =>
  total.missing === 0 ? count(total.total) : `${count(total.total)} (${count(total.missing)} null)`

/**
 * Milliseconds as a person reads them: `850 ms`, `2.10 s`, `3 m 05 s`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const millis = (ms: number): string => {
  if (ms < 1000) return `${Number(ms.toFixed(1))} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`
  const seconds = Math.round(ms / 1000)
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} m ${String(seconds % 60).padStart(2, "0")} s`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} m`
}

/**
 * An ISO 8601 instant as `2026-11-20 10:15:30 UTC`.
 *
 * @since 0.1.0
 * @category formatting
 */
export const instant = (iso: string): string => {
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`
}

/**
 * @since 0.1.0
 * @category models
 */
export type Align = "left" | "right"

/**
 * Rows laid out in columns two spaces apart, each as wide as its widest
 * cell, indented; a header row first, underlined.
 *
 * @since 0.1.0
 * @category formatting
 */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  align: ReadonlyArray<Align>,
  indent = "  "
): string => {
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)))
  const line = (row: ReadonlyArray<string>) =>
    indent +
    row.map((cell, column) => align[column] === "right" ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))
      .join("  ").trimEnd()
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n")
}

/**
 * Label and value pairs, the labels in one column.
 *
 * @since 0.1.0
 * @category formatting
 */
export const fields = (pairs: ReadonlyArray<readonly [string, string]>, indent = "  "): string => {
  const width = Math.max(0, ...pairs.map(([label]) => label.length))
  return pairs.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`).join("\n")
}
