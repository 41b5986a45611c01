/**
 * The HTML report's layout in headless Chromium, from a 360 px phone to a
 * 1400 px screen, over a report made to be hard to lay out: the simulator's
 * report with 1,270 users, money with many digits and token counts in the
 * hundreds of billions. At each width: nothing scrolls the page sideways, no
 * card runs off the screen, no number wraps inside, and the user breakdown
 * shows its top 10 and how many more. A full-page screenshot of each width
 * is written to cli/build/screenshots/ to be looked at.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertChromium, launchChromium } from "../../../test/browser/chromium.js"
import * as HtmlReport from "../../src/HtmlReport.js"
import type * as ReportOutput from "../../src/ReportOutput.js"
import { runCli } from "../utils/runCli.js"

const screenshots = fileURLToPath(new URL("../../build/screenshots/", import.meta.url))
const users = 1270

let browser: Browser
let page: Page
let file: string

beforeAll(async () => {
  assertChromium()
  const ran = await Effect.runPromise(runCli(["report", "--simulator", "--format", "json"]))
  const base: ReportOutput.Encoded = JSON.parse(ran.out).report
  const group = base.byUser[0]
  const report: ReportOutput.Encoded = {
    ...base,
    totalCost: "123456789.123456789012",
    spend: "123456790.987654321098",
    tokens: {
      ...base.tokens,
      prompt: { total: 987_654_321_098, missing: 12_345 },
      completion: { total: 123_456_789_012, missing: 0 }
    },
    byUser: Array.from({ length: users }, (_, i) => ({
      ...group,
      key: `user-${String(i).padStart(4, "0")}-with-a-rather-long-external-identifier`,
      count: users - i,
      totalCost: `${users - i}.123456789012`,
      tokensPrompt: { total: 98_765_432_109 - i, missing: 1_234 },
      tokensCompletion: { total: 12_345_678_901 - i, missing: 0 }
    }))
  }
  const chartLibrary = await Effect.runPromise(Effect.provide(HtmlReport.chartLibrary, NodeContext.layer))
  fs.mkdirSync(screenshots, { recursive: true })
  file = path.join(screenshots, "report.html")
  fs.writeFileSync(
    file,
    HtmlReport.render({
      report,
      failed: [{ id: "gen-0-missing", error: "NotFoundResponseError", message: "404 Generation not found" }],
      chartLibrary,
      generatedAt: "2026-12-06T05:00:00.000Z",
      version: "0.0.0"
    })
  )
  browser = await launchChromium()
  page = await browser.newPage()
})

afterAll(async () => {
  await browser?.close()
})

interface Layout {
  readonly viewport: number
  readonly pageWidth: number
  /** Cards whose box leaves the viewport, by what they show. */
  readonly offScreen: ReadonlyArray<string>
  /** Numbers whose text takes more than one line, or more width than their box. */
  readonly broken: ReadonlyArray<string>
  readonly numbers: number
}

// Measured in the page: a text's line boxes (one per line it takes) from a
// Range over it, and each card's box against the viewport.
const layout = (): Promise<Layout> =>
  page.evaluate(() => {
    const viewport = window.innerWidth
    const what = (element: Element) => (element.textContent ?? "").trim().slice(0, 60)
    const cards = Array.from(document.querySelectorAll(".total, figure, section.breakdown, section.failed"))
    const offScreen = cards.filter((card) => {
      const box = card.getBoundingClientRect()
      return box.left < 0 || box.right > viewport + 0.5
    }).map(what)
    const numbers = Array.from(document.querySelectorAll(".total .value, td.n"))
    const broken = numbers.filter((element) => {
      const range = document.createRange()
      range.selectNodeContents(element)
      const lines = new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top)))
      return lines.size !== 1 || element.scrollWidth > element.clientWidth + 0.5
    }).map(what)
    return {
      viewport,
      pageWidth: document.documentElement.scrollWidth,
      offScreen,
      broken,
      numbers: numbers.length
    }
  })

describe("the HTML report's layout in headless Chromium", () => {
  for (const width of [360, 420, 1400]) {
    it(`holds at ${width} px: no sideways scroll, every card on screen, no number broken`, async () => {
      await page.setViewportSize({ width, height: 900 })
      await page.goto(pathToFileURL(file).href)
      await page.waitForSelector("body[data-state]", { timeout: 30_000 })
      expect(await page.evaluate(() => document.body.dataset.state)).toBe("ready")
      await page.screenshot({ path: path.join(screenshots, `report-${width}.png`), fullPage: true })
      const measured = await layout()
      expect(measured.viewport).toBe(width)
      expect(measured.pageWidth).toBeLessThanOrEqual(width)
      expect(measured.offScreen).toEqual([])
      // The totals and the rows shown (10 of each breakdown at most): enough to prove the check looked.
      expect(measured.numbers).toBeGreaterThan(30)
      expect(measured.broken).toEqual([])
    })
  }

  it("shows the top 10 users by cost and how many more", async () => {
    const rows = page.locator(`[data-breakdown="user"] tbody tr`)
    expect(await rows.count()).toBe(10)
    expect(await rows.first().innerText()).toMatch(/^user-0000-/)
    expect(await page.innerText(`[data-breakdown="user"] h2`)).toBe("By user (top 10 of 1,270 by cost)")
    expect(await page.innerText(`[data-breakdown="user"] tr.more`)).toMatch(/^and 1,260 more users: /)
  })
})
