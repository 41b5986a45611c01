/**
 * A usage report as text: a table for people (the default), JSON and CSV for
 * programs. Each is rendered from the report's JSON encoding
 * (`Usage.toJson`), so money is the exact decimal in every format, and the
 * ids that failed are listed in every format with their error tag.
 */
import type * as Usage from "@modelgates/effect/Usage"
import * as Display from "./Display.js"

/**
 * An id the report could not read, and why.
 *
 * @since 0.1.0
 * @category models
 */
export interface Failure {
  readonly id: string
  /** The SDK error's tag, e.g. `NotFoundResponseError`. */
  readonly error: string
  readonly message: string
}

/**
 * The report's JSON encoding.
 *
 * @since 0.1.0
 * @category models
 */
export type Encoded = typeof Usage.Report.Encoded

type Group = Encoded["byModel"][number]
type CostTotal = Encoded["cacheDiscount"]
type Percentiles = Encoded["latency"]

/**
 * The breakdowns of a report, by label and field, in the order every format
 * shows them.
 *
 * @since 0.1.0
 * @category constants
 */
export const breakdowns = [
  ["model", "byModel"],
  ["provider", "byProvider"],
  ["app", "byApp"],
  ["user", "byUser"],
  ["day", "byDay"]
] as const satisfies ReadonlyArray<readonly [string, keyof Encoded]>

/**
 * How many groups of each breakdown the formats for people (table, HTML)
 * show by default: a report over thousands of ids has as many users.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTop = 10

/**
 * The `top` largest groups of a breakdown (it comes ordered by cost, largest
 * first), and how many more there are.
 *
 * @since 0.1.0
 * @category rendering
 */
export const largest = (
  groups: ReadonlyArray<Group>,
  top: number
): { readonly shown: ReadonlyArray<Group>; readonly more: number } => ({
  shown: groups.slice(0, top),
  more: Math.max(0, groups.length - top)
})

/**
 * `By user`, or `By user (top 10 of 1,270 by cost)` when a breakdown is cut.
 *
 * @since 0.1.0
 * @category rendering
 */
export const breakdownTitle = (label: string, total: number, top: number): string =>
  total > top ? `By ${label} (top ${Display.count(top)} of ${Display.count(total)} by cost)` : `By ${label}`

/**
 * `and 1,260 more users`: the line under a cut breakdown.
 *
 * @since 0.1.0
 * @category rendering
 */
export const andMore = (label: string, more: number): string =>
  `and ${Display.count(more)} more ${more === 1 ? label : `${label}s`}`

const costWithMissing = (cost: CostTotal): string =>
  cost.missing === 0 ? Display.money(cost.total) : `${Display.money(cost.total)} (${Display.count(cost.missing)} null)`

const percentiles = (value: Percentiles): string => {
  if (value.count === 0) return "not recorded"
  const show = (label: string, ms: number | null) => `${label} ${ms === null ? "?" : Display.millis(ms)}`
  return `${[show("p50", value.p50), show("p90", value.p90), show("p99", value.p99)].join(" · ")} ` +
    `(${Display.count(value.count)} recorded${value.exact ? "" : ", within 0.5%"})`
}

const period = (report: Encoded): string =>
  report.firstCreatedAt === null || report.lastCreatedAt === null
    ? "no generations"
    : `${Display.instant(report.firstCreatedAt)} to ${Display.instant(report.lastCreatedAt)}`

const groupTable = (label: string, groups: ReadonlyArray<Group>): string =>
  Display.table(
    [label, "count", "cost", "prompt tokens", "completion tokens"],
    groups.map((group) => [
      group.key ?? "(none)",
      Display.count(group.count),
      Display.money(group.totalCost),
      Display.tokens(group.tokensPrompt),
      Display.tokens(group.tokensCompletion)
    ]),
    ["left", "right", "right", "right", "right"]
  )

const breakdownSection = (label: string, groups: ReadonlyArray<Group>, top: number): string => {
  const { more, shown } = largest(groups, top)
  const lines = [breakdownTitle(label, groups.length, top), groupTable(label, shown)]
  return (more === 0 ? lines : [...lines, `  ${andMore(label, more)} (--top shows more; json and csv list all)`])
    .join("\n")
}

/**
 * The table for people: the totals, each breakdown's `top` largest groups by
 * cost (default {@link defaultTop}) with how many more there are, and the ids
 * that failed. A token count followed by `(n null)` excludes `n` rows that
 * did not record it.
 *
 * @since 0.1.0
 * @category rendering
 */
export const table = (report: Encoded, failed: ReadonlyArray<Failure>, top: number = defaultTop): string => {
  const { tokens } = report
  const sections = [
    `ModelGates usage: ${Display.count(report.count)} generations, ${period(report)}`,
    Display.fields([
      ["total cost", Display.money(report.totalCost)],
      ["usage", Display.money(report.usage)],
      ["spend", `${Display.money(report.spend)} (total cost and BYOK upstream cost)`],
      ["upstream cost", costWithMissing(report.upstreamInferenceCost)],
      ["  of it BYOK", costWithMissing(report.byokUpstreamInferenceCost)],
      ["cache discount", costWithMissing(report.cacheDiscount)],
      ["prompt tokens", Display.tokens(tokens.prompt)],
      ["completion tokens", Display.tokens(tokens.completion)],
      [
        "native tokens",
        `${Display.tokens(tokens.nativePrompt)} prompt · ${Display.tokens(tokens.nativeCompletion)} completion`
      ],
      ["  reasoning", Display.tokens(tokens.reasoning)],
      ["  cached", Display.tokens(tokens.cached)],
      ["latency", percentiles(report.latency)],
      ["generation time", percentiles(report.generationTime)],
      [
        "generations",
        `${Display.count(report.streamed)} streamed · ${Display.count(report.cancelled)} cancelled · ` +
        `${Display.count(report.byok)} BYOK`
      ]
    ]),
    ...breakdowns.filter(([, field]) => report[field].length > 0).map(([label, field]) =>
      breakdownSection(label, report[field], top)
    )
  ]
  if (failed.length > 0) {
    sections.push(
      `Failed: ${Display.count(failed.length)} ids\n` +
        Display.table(
          ["id", "error", "message"],
          failed.map((failure) => [failure.id, failure.error, failure.message]),
          ["left", "left", "left"]
        )
    )
  }
  return `${sections.join("\n\n")}\n`
}

/**
 * JSON: `{ "report": <Usage.toJson>, "failed": [{ "id", "error", "message" }] }`.
 * `Schema.decodeUnknown(Usage.Report)` reads `report` back.
 *
 * @since 0.1.0
 * @category rendering
 */
export const json = (report: Encoded, failed: ReadonlyArray<Failure>): string =>
  `${JSON.stringify({ report, failed }, null, 2)}\n`

/**
 * The CSV columns, in order.
 *
 * @since 0.1.0
 * @category constants
 */
export const csvColumns = [
  "breakdown",
  "key",
  "count",
  "total_cost",
  "tokens_prompt",
  "tokens_prompt_null",
  "tokens_completion",
  "tokens_completion_null",
  "error",
  "message"
] as const

// RFC 4180: a field with a comma, a quote or a line break is quoted, its
// quotes doubled. Text (a model, a user, an error message) that starts with
// =, +, - or @ would run as a formula in a spreadsheet: an apostrophe keeps
// it text. Decimals stay as they are.
const csvField = (value: string | number | null): string => {
  const text = value === null ? "" : String(value)
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, "\"\"")}"` : safe
}

const csvRow = (fields: ReadonlyArray<string | number | null>): string => fields.map(csvField).join(",")

const groupRow = (breakdown: string, group: Group) =>
  csvRow([
    breakdown,
    group.key,
    group.count,
    group.totalCost,
    group.tokensPrompt.total,
    group.tokensPrompt.missing,
    group.tokensCompletion.total,
    group.tokensCompletion.missing,
    null,
    null
  ])

/**
 * CSV in long form, one row per group: first the `total` row, then the rows
 * of each breakdown (`model`, `provider`, `app`, `user`, `day`; an empty key
 * is the group of rows that did not record it), then one `failed` row per id
 * that failed, with its error tag and message. Money is the exact decimal.
 *
 * @since 0.1.0
 * @category rendering
 */
export const csv = (report: Encoded, failed: ReadonlyArray<Failure>): string => {
  const rows = [
    csvRow(csvColumns),
    csvRow([
      "total",
      null,
      report.count,
      report.totalCost,
      report.tokens.prompt.total,
      report.tokens.prompt.missing,
      report.tokens.completion.total,
      report.tokens.completion.missing,
      null,
      null
    ]),
    ...breakdowns.flatMap(([label, field]) => report[field].map((group) => groupRow(label, group))),
    ...failed.map((failure) =>
      csvRow(["failed", failure.id, null, null, null, null, null, null, failure.error, failure.message])
    )
  ]
  return `${rows.join("\r\n")}\r\n`
}
