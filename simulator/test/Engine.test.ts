import * as fs from "node:fs"
import { describe, expect, it } from "vitest"
import { parseRetryAfter } from "../../core/RetryAfter.js"
import * as Engine from "../src/Engine.js"

const t0 = Date.UTC(2027, 0, 1)
const admin = { authorization: `Bearer ${Engine.defaultApiKey}` }

const get = (
  simulator: Engine.Simulator,
  path: string,
  now: number,
  headers: Readonly<Record<string, string>> = admin
) => {
  const { reply, seq } = simulator.handle({ method: "GET", url: new URL(`http://sim.test${path}`), headers }, now)
  if (reply._tag === "Drop") return { seq, status: null, body: undefined, headers: {} as Record<string, string> }
  const text = new TextDecoder().decode(reply.body)
  return { seq, status: reply.status, body: text.startsWith("{") ? JSON.parse(text) : text, headers: reply.headers }
}

describe("Engine: the seeded store", () => {
  it("is the same for the same seed, in every run, and different for another", () => {
    const first = Engine.make({ seed: 7, now: () => t0 }).generations()
    expect(Engine.make({ seed: 7, now: () => t0 }).generations()).toEqual(first)
    expect(Engine.make({ seed: 8, now: () => t0 }).ids()).not.toEqual(first.map((generation) => generation.id))
  })

  it("has every kind of generation, and the one just finished, ready after readyAfter", () => {
    const simulator = Engine.make({ readyAfter: "1500ms", now: () => t0 })
    const labels = simulator.generations().map((generation) => generation.label)
    expect(new Set(labels)).toEqual(
      new Set([
        "fallback",
        "null-heavy",
        "prompt",
        "failed",
        "byok",
        "cancelled",
        "embedding",
        "regional",
        "web-search",
        "multimodal",
        "cached",
        "fresh"
      ])
    )
    const fresh = simulator.generations().find((generation) => generation.label === "fresh")!
    expect(get(simulator, `/api/v1/generation?id=${fresh.id}`, t0 + 1499).status).toBe(404)
    const found = get(simulator, `/api/v1/generation?id=${fresh.id}`, t0 + 1500)
    expect([found.status, found.body.data.id, found.body.data.created_at]).toEqual([
      200,
      fresh.id,
      new Date(t0).toISOString()
    ])
  })

  it("answers content in its wire shape, and 404 when it was not logged", () => {
    const simulator = Engine.make({ now: () => t0 })
    for (const generation of simulator.generations().filter((generation) => generation.label !== "fresh")) {
      const content = get(simulator, `/api/v1/generation/content?id=${generation.id}`, t0)
      expect(content.status).toBe(generation.content === null ? 404 : 200)
      if (generation.content !== null) expect(content.body).toEqual({ data: generation.content })
    }
  })

  it("adds generations with wire overrides, ready after their own readyAfter", () => {
    const simulator = Engine.make({ now: () => t0 })
    const added = simulator.add({ id: "gen-added", data: { model: "acme/model", total_cost: 0.5 }, readyAfter: 1 }, t0)
    expect([added.id, added.data["id"], added.data["model"], added.label]).toEqual([
      "gen-added",
      "gen-added",
      "acme/model",
      "added"
    ])
    expect(get(simulator, "/api/v1/generation?id=gen-added", t0 + 999).status).toBe(404)
    expect(get(simulator, "/api/v1/generation?id=gen-added", t0 + 1000).body.data.total_cost).toBe(0.5)
    expect(simulator.remove("gen-added")).toBe(true)
    expect(simulator.remove("gen-added")).toBe(false)
  })
})

describe("Engine: requests", () => {
  it("authenticates, checks the id and the path, and logs with credentials redacted", () => {
    const simulator = Engine.make({ keys: ["sk-a", { key: "sk-m", admin: false, userId: "user_m" }], now: () => t0 })
    const [id] = simulator.ids()
    expect(get(simulator, `/api/v1/generation?id=${id}`, t0, {}).status).toBe(401)
    expect(get(simulator, `/api/v1/generation?id=${id}`, t0, { authorization: "Bearer sk-nope" }).body.error.message)
      .toBe("Invalid API key")
    const member = get(simulator, `/api/v1/generation/content?id=${id}`, t0, { authorization: "Bearer sk-m" })
    expect([member.status, member.body.user_id]).toEqual([403, "user_m"])
    expect(get(simulator, "/api/v1/generation", t0, { authorization: "Bearer sk-a" }).status).toBe(400)
    expect(get(simulator, `/api/v1/generations?id=${id}`, t0, { authorization: "Bearer sk-a" }).status).toBe(404)
    const log = simulator.requests()
    expect(log.map((entry) => entry.status)).toEqual([401, 401, 403, 400, 404])
    expect(log[1].headers["authorization"]).toBe("<redacted>")
    expect(log.every((entry) => entry.at === t0 && entry.outcome === "pending")).toBe(true)
  })

  it("consumes scripted faults in order, per id before per path", () => {
    const simulator = Engine.make({ now: () => t0 })
    const [id] = simulator.ids()
    simulator.script({ path: "/generation" }, Engine.errorResponse(502))
    simulator.script({ id }, Engine.errorResponse(500), Engine.edgePage(524))
    const statuses = [1, 2, 3, 4].map(() => get(simulator, `/api/v1/generation?id=${id}`, t0).status)
    expect(statuses).toEqual([500, 524, 502, 200])
    expect(() => simulator.script({ id }, Engine.deliver({ delay: "soon" }))).toThrow(
      "cannot read delay \"soon\" as a duration"
    )
  })

  it("answers a storm's share of requests at the same places for the same seed", () => {
    const places = (seed: number) => {
      const simulator = Engine.make({ now: () => t0 })
      const [id] = simulator.ids()
      simulator.storm({ share: 0.5, requests: 40, seed, retryAfter: "1500ms" }, t0)
      return Array.from({ length: 41 }, () => get(simulator, `/api/v1/generation?id=${id}`, t0))
    }
    const first = places(5)
    const limited = first.filter((answer) => answer.status === 429)
    expect(limited.length).toBeGreaterThan(0)
    expect(limited[0].headers).toMatchObject({ "retry-after": "2", "retry-after-ms": "1500" })
    // What a client reads of it, by the domain core's rule.
    expect(parseRetryAfter((name) => limited[0].headers[name], t0)).toBe(1500)
    expect(first[40].status).toBe(200)
    expect(places(5).map((answer) => answer.status)).toEqual(first.map((answer) => answer.status))
    expect(places(6).map((answer) => answer.status)).not.toEqual(first.map((answer) => answer.status))
    expect(() => Engine.make().storm({ share: 2 })).toThrow("share must be from 0 to 1, got 2")
  })

  it("rate-limits per key in fixed windows", () => {
    const simulator = Engine.make({ rateLimit: { requests: 1, window: "1m" }, now: () => t0 })
    const [id] = simulator.ids()
    expect(get(simulator, `/api/v1/generation?id=${id}`, t0).status).toBe(200)
    const limited = get(simulator, `/api/v1/generation?id=${id}`, t0 + 54_000)
    expect([limited.status, limited.headers["retry-after"]]).toEqual([429, "6"])
    expect(get(simulator, `/api/v1/generation?id=${id}`, t0 + 60_000).status).toBe(200)
  })

  it("lists its generations outside the API, without logging", () => {
    const simulator = Engine.make({ now: () => t0 })
    const listed = get(simulator, "/__simulator/generations", t0, {})
    expect(listed.seq).toBe(-1)
    expect(listed.body.data).toHaveLength(13)
    expect(listed.body.data[0]).toEqual({
      id: simulator.ids()[0],
      label: "fallback",
      ready: true,
      ready_at: new Date(0).toISOString(),
      content_stored: true
    })
    expect(simulator.requests()).toEqual([])
  })
})

describe("Engine: delivery", () => {
  it("plans a body paused, stalled or cut off", () => {
    const reply = (delivery: Engine.Delivery): Engine.Respond => {
      const simulator = Engine.make({ now: () => t0 })
      const [id] = simulator.ids()
      simulator.script({ id }, Engine.respond(200, { body: "0123456789", delivery }))
      const { reply } = simulator.handle({
        method: "GET",
        url: new URL(`http://x/api/v1/generation?id=${id}`),
        headers: {}
      })
      if (reply._tag === "Drop") throw new Error("dropped")
      return reply
    }
    const text = (plan: Engine.BodyPlan) =>
      plan.parts.map((part) => typeof part === "number" ? part : new TextDecoder().decode(part))
    expect(text(Engine.bodyPlan(reply({})))).toEqual(["0123456789"])
    const paused = Engine.bodyPlan(reply({ pause: { afterBytes: 4, duration: "250ms" } }))
    expect([text(paused), paused.end]).toEqual([["0123", 250, "456789"], "complete"])
    const stalled = Engine.bodyPlan(reply({ stallAfter: 3 }))
    expect([text(stalled), stalled.end]).toEqual([["012"], "stall"])
    const cut = Engine.bodyPlan(reply({ truncateAfter: 5 }))
    expect([text(cut), cut.end]).toEqual([["01234"], "truncate"])
    expect(reply({ delay: 2 }).timing.delay).toBe(2000)
  })
})

describe("Engine: portability", () => {
  it("imports no Node module, so it bundles for a browser", () => {
    const sources = ["Engine.ts", "Generations.ts", "Random.ts", "Duration.ts"].map((file) =>
      fs.readFileSync(new URL(`../src/${file}`, import.meta.url), "utf8")
    )
    for (const source of sources) {
      const imports = [...source.matchAll(/from "([^"]+)"/g)].map((match) => match[1])
      expect(imports.filter((name) => !name.startsWith("."))).toEqual([])
    }
  })
})
