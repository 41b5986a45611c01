/**
 * The HTML report opened as a person opens it: a file, in headless Chromium
 * (Debian's, at /usr/bin/chromium or $CHROMIUM_PATH, driven by
 * playwright-core), with every request off the file refused, so the page
 * proves it works offline. Its charts and totals are checked against sums
 * made here from the simulator's generations, apart from the SDK's `Usage`.
 */
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import { DateTime, Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertChromium, launchChromium } from "../../../test/browser/chromium.js"
import { sumDecimals } from "../utils/decimal.js"
import { runCli } from "../utils/runCli.js"

let browser: Browser
let page: Page
let stored: ReadonlyArray<ModelGatesSimulator.StoredGeneration>
let dir: string
const problems: Array<string> = []
const refused: Array<string> = []

beforeAll(async () => {
  assertChromium()
  // What `--simulator` serves: the same seed, so the same generations.
  stored = await Effect.runPromise(
    Effect.provide(
      Effect.flatMap(ModelGatesSimulator.ModelGatesSimulator, (simulator) => simulator.generations),
      ModelGatesSimulator.layer({ readyAfter: 0 })
    )
  )
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-html-"))
  const file = path.join(dir, "report.html")
  // Every seeded generation but the fresh one (another in each simulator), and an id that fails.
  const ids = [...stored.filter((g) => g.label !== "fresh").map((g) => g.id), "gen-0-missing"]
  const ran = await Effect.runPromise(
    runCli(["report", "-", "--simulator", "--format", "html", "--out", file], { stdin: ids.join("\n") })
  )
  if (ran.code !== 1) throw new Error(`the report exited ${ran.code}, not 1: ${ran.err}`)

  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`)
  })
  await page.route("**/*", (route) => {
    const url = route.request().url()
    if (url.startsWith("file:")) return route.continue()
    refused.push(url)
    return route.abort()
  })
  await page.goto(pathToFileURL(file).href)
  await page.waitForSelector("body[data-state]", { timeout: 30_000 })
  if (process.env.MODELGATES_SCREENSHOT !== undefined) {
    await page.screenshot({ path: process.env.MODELGATES_SCREENSHOT, fullPage: true })
  }
})

afterAll(async () => {
  await browser?.close()
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true })
})

const past = () => stored.filter((g) => g.label !== "fresh").map((g) => g.data)

/** Each key's generations, summed here. */
const groups = (key: (data: ModelGatesSimulator.StoredGeneration["data"]) => string) => {
  const byKey = new Map<string, Array<ModelGatesSimulator.StoredGeneration["data"]>>()
  for (const data of past()) byKey.set(key(data), [...(byKey.get(key(data)) ?? []), data])
  return byKey
}

interface ChartData {
  readonly labels: ReadonlyArray<string>
  readonly datasets: ReadonlyArray<{ readonly label: string; readonly data: ReadonlyArray<number> }>
  /** Whether anything was drawn on the canvas. */
  readonly painted: boolean
}

const chart = (id: string): Promise<ChartData> =>
  page.evaluate((id) => {
    const canvas = document.getElementById(id)
    if (!(canvas instanceof HTMLCanvasElement)) throw new Error(`no canvas #${id}`)
    const { Chart } = window as unknown as {
      Chart: { getChart(canvas: HTMLCanvasElement): { data: ChartData } | undefined }
    }
    const instance = Chart.getChart(canvas)
    if (instance === undefined) throw new Error(`no chart on #${id}`)
    const pixels = canvas.getContext("2d")?.getImageData(0, 0, canvas.width, canvas.height).data ?? []
    let painted = false
    for (let i = 3; i < pixels.length && !painted; i += 4) painted = pixels[i] !== 0
    return {
      labels: instance.data.labels.map(String),
      datasets: instance.data.datasets.map((set) => ({ label: set.label, data: set.data.map(Number) })),
      painted
    }
  }, id)

describe("the HTML report in headless Chromium, offline", () => {
  it("renders without errors and asks for nothing beyond its own file", async () => {
    expect(await page.evaluate(() => document.body.dataset.state), problems.join("; ")).toBe("ready")
    expect(problems).toEqual([])
    expect(refused).toEqual([])
  })

  it("shows the totals, exact", async () => {
    const total = (name: string) => page.innerText(`[data-total="${name}"] .value`)
    const rows = past()
    expect(await total("count")).toBe(String(rows.length))
    expect(await total("totalCost")).toBe(`$${sumDecimals(rows.map((data) => data.totalCost))}`)
    expect(await total("failed")).toBe("1")
    expect(await page.innerText("section.failed")).toMatch(/gen-0-missing\s+NotFoundResponseError/)
  })

  it("charts the cost by day", async () => {
    const byDay = groups((data) => DateTime.formatIsoDateUtc(data.createdAt))
    const drawn = await chart("chart-cost-by-day")
    expect(drawn.painted).toBe(true)
    expect(drawn.labels).toEqual([...byDay.keys()].sort())
    expect(drawn.datasets[0].data).toEqual(
      drawn.labels.map((day) => Number(sumDecimals((byDay.get(day) ?? []).map((data) => data.totalCost))))
    )
  })

  it("charts the cost by model, largest first", async () => {
    const byModel = groups((data) => data.model)
    const drawn = await chart("chart-cost-by-model")
    expect(drawn.painted).toBe(true)
    expect([...drawn.labels].sort()).toEqual([...byModel.keys()].sort())
    const costs = drawn.labels.map((model) => Number(sumDecimals((byModel.get(model) ?? []).map((d) => d.totalCost))))
    expect(drawn.datasets[0].data).toEqual(costs)
    expect(costs).toEqual([...costs].sort((a, b) => b - a))
  })

  it("charts the prompt and completion tokens by model", async () => {
    const byModel = groups((data) => data.model)
    const drawn = await chart("chart-tokens")
    expect(drawn.painted).toBe(true)
    const sum = (model: string, field: "tokensPrompt" | "tokensCompletion") =>
      (byModel.get(model) ?? []).reduce((total, data) => total + (data[field] ?? 0), 0)
    expect(drawn.datasets.map((set) => set.label)).toEqual(["prompt tokens", "completion tokens"])
    expect(drawn.datasets[0].data).toEqual(drawn.labels.map((model) => sum(model, "tokensPrompt")))
    expect(drawn.datasets[1].data).toEqual(drawn.labels.map((model) => sum(model, "tokensCompletion")))
  })

  it("lists every breakdown as a table that reads without scripts", async () => {
    for (const breakdown of ["model", "provider", "app", "user", "day"]) {
      expect(await page.locator(`[data-breakdown="${breakdown}"] tbody tr`).count()).toBeGreaterThan(0)
    }
    const byModel = groups((data) => data.model)
    const modelTable = await page.innerText(`[data-breakdown="model"] tbody`)
    for (const [model, rows] of byModel) {
      expect(modelTable).toContain(`${model}\t${rows.length}\t$${sumDecimals(rows.map((d) => d.totalCost))}`)
    }
  })
})
