/**
 * The SDK in a real browser, headless Chromium (Debian's, at /usr/bin/chromium
 * or $CHROMIUM_PATH, driven by playwright-core), two ways:
 *
 * - test/browser/page.ts, the SDK with `FetchHttpClient`, against
 *   `ModelGatesSimulatorServer.serve`. One loopback server serves the page and
 *   passes /api/* on to the simulator, so the page and the API share an origin
 *   and no CORS is involved. The test reads what the page rendered, and what
 *   the simulator saw.
 * - test/browser/inMemory.ts, the SDK against `ModelGatesSimulator.layer`
 *   inside the page, with no server behind it: the testing entry bundles for
 *   the browser.
 *
 * esbuild bundles each page for the browser platform, where a Node built-in
 * fails the build.
 */
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as ModelGatesSimulatorServer from "@modelgates/effect/testing/ModelGatesSimulatorServer"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as esbuild from "esbuild"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertChromium, launchChromium } from "./chromium.js"

const html = (script: string) =>
  `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>ModelGates generation</title></head>
  <body><main id="app">Loading…</main><script type="module" src="/${script}"></script></body>
</html>
`

let scope: Scope.CloseableScope
let simulator: ModelGatesSimulator.Service
let origin: string
let frontServer: http.Server
let browser: Browser
const bundles = new Map<string, string>()

/** Bundles a module for the browser, as an app would; a Node built-in it reaches fails the build. */
const bundle = async (entry: string): Promise<string> => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent"
  })
  const [output] = result.outputFiles
  return output.text
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))

const listen = (server: http.Server): Promise<AddressInfo> =>
  new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      if (address === null || typeof address === "string") reject(new Error("no TCP address"))
      else resolve(address)
    })
  })

beforeAll(async () => {
  assertChromium()
  bundles.set("page.js", await bundle(here("./page.ts")))
  bundles.set("in-memory.js", await bundle(here("./inMemory.ts")))

  scope = Effect.runSync(Scope.make())
  const served = await Effect.runPromise(Scope.extend(ModelGatesSimulatorServer.serve({ seed: 11 }), scope))
  simulator = served.simulator
  const api = new URL(served.url)

  frontServer = http.createServer((request, response) => {
    const url = request.url ?? "/"
    if (url.startsWith("/api/")) {
      const upstream = http.request(
        { host: api.hostname, port: api.port, method: request.method, path: url, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        }
      )
      upstream.on("error", () => response.destroy())
      request.pipe(upstream)
    } else if (bundles.has(url.slice(1))) {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(bundles.get(url.slice(1)))
    } else if (url === "/" || url.startsWith("/?")) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html("page.js"))
    } else if (url.startsWith("/in-memory?")) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html("in-memory.js"))
    } else {
      response.writeHead(404).end()
    }
  })
  const address = await listen(frontServer)
  origin = `http://127.0.0.1:${address.port}`

  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await new Promise<void>((resolve) => {
    if (frontServer === undefined) return resolve()
    frontServer.closeAllConnections()
    frontServer.close(() => resolve())
  })
  if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
})

interface Rendered {
  readonly state: string | undefined
  readonly text: string
  readonly field: (name: string) => Promise<string>
}

/** Opens a page and waits until it has rendered an answer. */
const open = async (path: string, query: Record<string, string>): Promise<Rendered & { readonly page: Page }> => {
  const page = await browser.newPage()
  const problems: Array<string> = []
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`)
  })
  await page.goto(`${origin}${path}?${new URLSearchParams(query)}`)
  try {
    await page.waitForSelector("body[data-state]", { timeout: 30_000 })
  } catch (error) {
    throw new Error(`the page rendered nothing: ${problems.join("; ") || String(error)}`)
  }
  return {
    page,
    state: await page.evaluate(() => document.body.dataset.state),
    text: await page.innerText("#app"),
    field: (name) => page.innerText(`[data-field="${name}"]`)
  }
}

/** Opens the SDK's page for a generation id, on the simulator behind the front server. */
const openGeneration = (id: string) => open("/", { id, key: ModelGatesSimulator.defaultApiKey })

describe("the SDK bundled for the browser, in headless Chromium", () => {
  it("bundles without the testing entry or any Node built-in", () => {
    const page = bundles.get("page.js") ?? ""
    expect(page.length).toBeGreaterThan(0)
    expect(page.length).toBeLessThan(1_000_000)
    expect(page).not.toContain(ModelGatesSimulator.defaultApiKey)
  })

  it("bundles the in-memory simulator for the browser, but not the Node-only server", async () => {
    expect(bundles.get("in-memory.js")).toContain(ModelGatesSimulator.defaultApiKey)
    await expect(bundle(here("../../src/testing/ModelGatesSimulatorServer.ts"))).rejects.toThrow(/node:http/)
  })

  it("runs the in-memory simulator inside the page, with no server behind it", async () => {
    // The served simulator has the same seed, so the same seeded generations.
    const [stored] = await Effect.runPromise(simulator.generations)
    await Effect.runPromise(simulator.clearRequests)

    const rendered = await open("/in-memory", { seed: "11", id: stored.id })
    expect(rendered.state, rendered.text).toBe("done")
    expect(await rendered.page.innerText("h1")).toBe(stored.data.model)
    expect(await rendered.field("id")).toBe(stored.id)
    expect(await rendered.field("added")).toBe("found")
    expect(await rendered.field("missing")).toBe("NotFoundResponseError")
    // The 529 retried, then the added generation's 404s until it was ready, then the unknown id.
    expect(await rendered.field("statuses")).toMatch(/^529 200 (404 )+200 404$/)
    expect(await rendered.field("ids")).toBe(String((await Effect.runPromise(simulator.generations)).length + 1))
    await rendered.page.close()

    expect(await Effect.runPromise(simulator.requests)).toEqual([])
  })

  it("fetches a generation with FetchHttpClient and renders it", async () => {
    const stored = (await Effect.runPromise(simulator.generations)).find((generation) =>
      generation.content !== null && generation.data.providerName !== null
    )
    if (stored === undefined) throw new Error("the seeded store has no generation with content")
    await Effect.runPromise(simulator.clearRequests)

    const rendered = await openGeneration(stored.id)
    expect(rendered.state, rendered.text).toBe("done")
    expect(await rendered.page.innerText("h1")).toBe(stored.data.model)
    expect(await rendered.field("id")).toBe(stored.id)
    expect(await rendered.field("provider")).toBe(stored.data.providerName)
    expect(await rendered.field("cost")).toBe(`$${stored.data.totalCost}`)
    expect(await rendered.field("completion")).toBe(
      (stored.content?.output.completion ?? "(no completion stored)").trim()
    )
    await rendered.page.close()

    // Both requests came from the browser's fetch, through the SDK.
    const requests = await Effect.runPromise(simulator.requests)
    expect(requests.map((request) => [request.path, request.query.id, request.status])).toEqual([
      ["/api/v1/generation", stored.id, 200],
      ["/api/v1/generation/content", stored.id, 200]
    ])
    for (const request of requests) {
      expect(request.headers["user-agent"]).toMatch(/Chrome\//)
      expect(request.headers["x-openrouter-title"]).toBe("browser test")
      expect(request.headers.authorization).toBe("<redacted>")
    }
  })

  it("retries a 529 by the default policy, in the browser", async () => {
    const stored =
      (await Effect.runPromise(simulator.generations)).filter((generation) => generation.content !== null)[1]
    if (stored === undefined) throw new Error("the seeded store has too few generations with content")
    await Effect.runPromise(simulator.clearRequests)
    await Effect.runPromise(simulator.script({ id: stored.id }, ModelGatesSimulator.errorResponse(529)))

    const rendered = await openGeneration(stored.id)
    expect(rendered.state, rendered.text).toBe("done")
    expect(await rendered.field("id")).toBe(stored.id)
    await rendered.page.close()

    const statuses = (await Effect.runPromise(simulator.requests)).map((request) => [request.path, request.status])
    expect(statuses).toEqual([
      ["/api/v1/generation", 529],
      ["/api/v1/generation", 200],
      ["/api/v1/generation/content", 200]
    ])
  })

  it("renders the typed error of a missing generation", async () => {
    const rendered = await openGeneration("gen-0-not-in-the-store")
    expect(rendered.state, rendered.text).toBe("failed")
    expect(await rendered.field("error")).toBe("NotFoundResponseError")
    await rendered.page.close()
  })
})
