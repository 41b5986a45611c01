/**
 * A usage report as one self-contained HTML file that opens offline: the
 * totals, charts of cost by day, cost by model and tokens by model, every
 * breakdown as a table of its largest groups by cost (`--top`), and the ids
 * that failed. It holds from a 360 px phone to a wide screen.
 *
 * The charts are drawn by Chart.js (MIT; its license travels in the banner
 * of its browser build), inlined whole from the installed `chart.js`
 * package: canvas charts with axes, tooltips and legends, which hand-written
 * SVG would have to rebuild. The report's data is embedded as JSON (the
 * `Usage.toJson` encoding, exact decimals as strings); the tables are plain
 * HTML, so the numbers read without scripts and in print.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import { createRequire } from "node:module"
import * as path from "node:path"
import * as Display from "./Display.js"
import * as ReportOutput from "./ReportOutput.js"

/**
 * The browser build of Chart.js, from the installed package, ready to inline:
 * without its source map comment (the map is not there offline).
 *
 * @since 0.1.0
 * @category resources
 */
export const chartLibrary: Effect.Effect<string, never, FileSystem.FileSystem> = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  // The package's exports do not name its UMD build; it lies beside the main entry.
  const main = createRequire(import.meta.url).resolve("chart.js")
  const source = yield* fs.readFileString(path.join(path.dirname(main), "chart.umd.min.js"))
  return source.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, "\n").replace(/<\/script/gi, "<\\/script")
}).pipe(Effect.orDie)

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

// Inside <script>, "</script" or "<!--" would end or change the element:
// JSON that escapes "<" holds neither.
const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029")

type Group = ReportOutput.Encoded["byModel"][number]

const groupTable = (label: string, groups: ReadonlyArray<Group>, top: number): string => {
  const { more, shown } = ReportOutput.largest(groups, top)
  const rows = shown.map((group) =>
    `<tr><td>${group.key === null ? "<em>(none)</em>" : escapeHtml(group.key)}</td>` +
    `<td class="n">${Display.count(group.count)}</td>` +
    `<td class="n">${escapeHtml(Display.money(group.totalCost))}</td>` +
    `<td class="n">${escapeHtml(Display.tokens(group.tokensPrompt))}</td>` +
    `<td class="n">${escapeHtml(Display.tokens(group.tokensCompletion))}</td></tr>`
  ).join("\n")
  const andMore = more === 0
    ? ""
    : `\n<tfoot><tr class="more"><td colspan="5">${
      escapeHtml(ReportOutput.andMore(label, more))
    }: the JSON and CSV formats list every one</td></tr></tfoot>`
  return `<section class="breakdown" data-breakdown="${label}">
<h2>${escapeHtml(ReportOutput.breakdownTitle(label, groups.length, top))}</h2>
<table><thead><tr><th>${label}</th><th class="n">count</th><th class="n">cost</th><th class="n">prompt tokens</th><th class="n">completion tokens</th></tr></thead>
<tbody>
${rows}
</tbody>${andMore}</table>
</section>`
}

const failedTable = (failed: ReadonlyArray<ReportOutput.Failure>): string =>
  failed.length === 0 ? "" : `<section class="failed" id="failed">
<h2>Failed: ${Display.count(failed.length)} ids</h2>
<table><thead><tr><th>id</th><th>error</th><th>message</th></tr></thead>
<tbody>
${
    failed.map((failure) =>
      `<tr><td><code>${escapeHtml(failure.id)}</code></td><td>${escapeHtml(failure.error)}</td><td>${
        escapeHtml(failure.message)
      }</td></tr>`
    ).join("\n")
  }
</tbody></table>
</section>`

const total = (name: string, label: string, value: string, note = ""): string =>
  `<div class="total" data-total="${name}"><div class="label">${label}</div><div class="value">${
    escapeHtml(value)
  }</div>${note === "" ? "" : `<div class="note">${escapeHtml(note)}</div>`}</div>`

// The sum as the card's number; the rows that did not record it under it, so the number stays short.
const tokensTotal = (name: string, label: string, tokens: ReportOutput.Encoded["tokens"]["prompt"]): string =>
  total(
    name,
    label,
    Display.count(tokens.total),
    tokens.missing === 0 ? "" : `${Display.count(tokens.missing)} generations did not record them`
  )

const percentile = (value: ReportOutput.Encoded["latency"]): string =>
  value.p50 === null ? "not recorded" : Display.millis(value.p50)

// From a 360 px phone to a wide screen: cards and charts take the width
// there is (a chart at most one column of 440 px when there is room for two),
// and a number never breaks inside; a card grows to fit its number, and a
// table wider than its card scrolls inside it. Keys (models, users) may wrap,
// but keep a readable width.
const styles = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5d6678; --line: #dde1ea; --accent: #3b5bdb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7fb; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { font-size: 17px; margin: 0 0 10px; }
.period { color: var(--muted); margin: 0 0 22px; }
.totals { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 22px; }
.total, figure, section.breakdown, section.failed { background: #fff; border: 1px solid var(--line); border-radius: 10px; }
figure, section.breakdown, section.failed { min-width: 0; }
.total { flex: 1 1 170px; max-width: 100%; padding: 12px 14px; }
.total .label { color: var(--muted); font-size: 13px; }
.total .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.total .note { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 440px), 1fr)); gap: 14px; margin-bottom: 22px; }
.charts figure:first-child { grid-column: 1 / -1; }
figure { margin: 0; padding: 14px; }
figcaption { font-weight: 600; margin-bottom: 8px; }
.chart { position: relative; height: 300px; }
section.breakdown, section.failed { padding: 14px; margin-bottom: 14px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); }
td { overflow-wrap: anywhere; }
td:first-child { min-width: 9em; }
section.failed td { overflow-wrap: break-word; }
th { color: var(--muted); font-weight: 600; font-size: 13px; }
.n { text-align: right; }
td.n { white-space: nowrap; overflow-wrap: normal; }
tr.more td { color: var(--muted); font-style: italic; border-bottom: 0; }
section.failed h2 { color: #c92a2a; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
@media (max-width: 480px) {
  main { padding: 18px 12px 32px; }
  th, td { padding: 4px 6px; }
  .total .value { font-size: 18px; }
  .chart { height: 240px; }
}
@media print { body { background: #fff; } .chart { height: 240px; } }
`

// Plain browser JavaScript, run after Chart.js: it reads the embedded report
// and draws the three charts. `Number` of a decimal string is exact enough
// for a bar's length; the exact figures are in the tables.
const pageScript = `
(function () {
  "use strict";
  var body = document.body;
  try {
    var report = JSON.parse(document.getElementById("modelgates-report").textContent).report;
    var palette = ["#3b5bdb", "#f08c00", "#2f9e44", "#e03131", "#7048e8", "#1098ad", "#d6336c", "#5c940d", "#ae3ec9", "#868e96"];
    var top = 15;
    var name = function (key) { return key === null ? "(none)" : key; };
    // The largest groups by cost, the rest folded into one bar.
    var largest = function (groups) {
      if (groups.length <= top) return groups.map(function (g) {
        return { label: name(g.key), cost: Number(g.totalCost), prompt: g.tokensPrompt.total, completion: g.tokensCompletion.total };
      });
      var head = largest(groups.slice(0, top - 1));
      var rest = groups.slice(top - 1);
      head.push(rest.reduce(function (acc, g) {
        acc.cost += Number(g.totalCost); acc.prompt += g.tokensPrompt.total; acc.completion += g.tokensCompletion.total;
        return acc;
      }, { label: "other (" + rest.length + ")", cost: 0, prompt: 0, completion: 0 }));
      return head;
    };
    var dollars = function (value) { return "$" + Number(value.toPrecision(6)); };
    // A long model name would squeeze a narrow chart: the axis shows its start, the tooltip all of it.
    var shortLabel = function (value) {
      var label = this.getLabelForValue(value);
      var max = this.chart.width < 480 ? 16 : 32;
      return label.length > max ? label.slice(0, max - 1) + "\u2026" : label;
    };
    var common = { responsive: true, maintainAspectRatio: false, animation: false };
    var days = report.byDay.slice().sort(function (a, b) { return a.key < b.key ? -1 : a.key > b.key ? 1 : 0; });
    new Chart(document.getElementById("chart-cost-by-day"), {
      type: "bar",
      data: { labels: days.map(function (g) { return g.key; }),
        datasets: [{ label: "cost (USD)", data: days.map(function (g) { return Number(g.totalCost); }), backgroundColor: palette[0] }] },
      options: Object.assign({}, common, { plugins: { legend: { display: false },
        tooltip: { callbacks: { label: function (c) { return "$" + days[c.dataIndex].totalCost; } } } },
        scales: { y: { beginAtZero: true, ticks: { callback: dollars } } } })
    });
    var models = largest(report.byModel);
    new Chart(document.getElementById("chart-cost-by-model"), {
      type: "bar",
      data: { labels: models.map(function (m) { return m.label; }),
        datasets: [{ label: "cost (USD)", data: models.map(function (m) { return m.cost; }),
          backgroundColor: models.map(function (_, i) { return palette[i % palette.length]; }) }] },
      options: Object.assign({}, common, { indexAxis: "y", plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { callback: dollars } }, y: { ticks: { callback: shortLabel } } } })
    });
    new Chart(document.getElementById("chart-tokens"), {
      type: "bar",
      data: { labels: models.map(function (m) { return m.label; }),
        datasets: [
          { label: "prompt tokens", data: models.map(function (m) { return m.prompt; }), backgroundColor: palette[0] },
          { label: "completion tokens", data: models.map(function (m) { return m.completion; }), backgroundColor: palette[1] }
        ] },
      options: Object.assign({}, common, { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true, ticks: { callback: shortLabel } } } })
    });
    body.setAttribute("data-state", "ready");
  } catch (error) {
    body.setAttribute("data-state", "failed");
    body.setAttribute("data-error", String(error && error.message || error));
  }
})();
`

/**
 * The HTML page of a report.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (options: {
  readonly report: ReportOutput.Encoded
  readonly failed: ReadonlyArray<ReportOutput.Failure>
  /** The browser build of Chart.js, as {@link chartLibrary} reads it. */
  readonly chartLibrary: string
  /** ISO 8601. */
  readonly generatedAt: string
  readonly version: string
  /** How many groups each breakdown's table shows, largest by cost first; default {@link ReportOutput.defaultTop}. */
  readonly top?: number | undefined
}): string => {
  const { failed, report } = options
  const period = report.firstCreatedAt === null || report.lastCreatedAt === null
    ? "no generations"
    : `${Display.instant(report.firstCreatedAt)} to ${Display.instant(report.lastCreatedAt)}`
  const top = options.top ?? ReportOutput.defaultTop
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="modelgates ${escapeHtml(options.version)}">
<title>ModelGates usage: ${Display.count(report.count)} generations</title>
<style>${styles}</style>
</head>
<body>
<main>
<h1>ModelGates usage</h1>
<p class="period">${Display.count(report.count)} generations, ${escapeHtml(period)}</p>
<section class="totals">
${
    [
      total("count", "generations", Display.count(report.count)),
      total("totalCost", "total cost", Display.money(report.totalCost)),
      total("spend", "spend", Display.money(report.spend), "total cost and BYOK upstream cost"),
      tokensTotal("tokensPrompt", "prompt tokens", report.tokens.prompt),
      tokensTotal("tokensCompletion", "completion tokens", report.tokens.completion),
      total("latency", "latency p50", percentile(report.latency)),
      total("failed", "failed ids", Display.count(failed.length))
    ].join("\n")
  }
</section>
<section class="charts">
<figure><figcaption>Cost by day</figcaption><div class="chart"><canvas id="chart-cost-by-day" role="img" aria-label="Cost by day (UTC)"></canvas></div></figure>
<figure><figcaption>Cost by model</figcaption><div class="chart"><canvas id="chart-cost-by-model" role="img" aria-label="Cost by model"></canvas></div></figure>
<figure><figcaption>Tokens by model</figcaption><div class="chart"><canvas id="chart-tokens" role="img" aria-label="Prompt and completion tokens by model"></canvas></div></figure>
</section>
${failedTable(failed)}
${ReportOutput.breakdowns.map(([label, field]) => groupTable(label, report[field], top)).join("\n")}
<footer>Generated ${escapeHtml(Display.instant(options.generatedAt))} by modelgates ${
    escapeHtml(options.version)
  }. Token counts followed by “(n null)” exclude n generations that did not record them. Charts by Chart.js (MIT).</footer>
</main>
<script type="application/json" id="modelgates-report">${scriptJson({ report, failed })}</script>
<script>${options.chartLibrary}</script>
<script>${pageScript}</script>
</body>
</html>
`
}
