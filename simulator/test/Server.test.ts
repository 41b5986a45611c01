import * as net from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import * as Engine from "../src/Engine.js"
import * as Server from "../src/Server.js"

const servers: Array<Server.Server> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

const serve = async (options: Server.ServeOptions = {}) => {
  const server = await Server.serve(options)
  servers.push(server)
  return server
}

const admin = { authorization: `Bearer ${Engine.defaultApiKey}` }

/** Waits until the request log's last entry is no longer pending. */
const settled = async (simulator: Engine.Simulator): Promise<Engine.LoggedRequest> => {
  for (;;) {
    const last = simulator.requests().at(-1)
    if (last !== undefined && last.outcome !== "pending") return last
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe("Server", () => {
  it("serves the API on 127.0.0.1 by default, to plain fetch", async () => {
    const server = await serve({ seed: 4 })
    expect(server.host).toBe("127.0.0.1")
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/api/v1`)
    const [id] = server.simulator.ids()
    const response = await fetch(`${server.url}/generation?id=${id}`, { headers: admin })
    expect([response.status, response.headers.get("content-type")]).toEqual([200, "application/json"])
    expect((await response.json()).data).toEqual(server.simulator.generations()[0].data)
    const listing = await fetch(`${new URL(server.url).origin}/__simulator/generations`)
    expect((await listing.json()).data).toHaveLength(13)
    expect((await settled(server.simulator)).outcome).toBe("complete")
  })

  it("cuts a body off, and drops a connection, for real", async () => {
    const server = await serve()
    const [id] = server.simulator.ids()
    server.simulator.script({ id }, Engine.deliver({ truncateAfter: 10 }), Engine.drop())
    const truncated = await fetch(`${server.url}/generation?id=${id}`, { headers: admin })
    await expect(truncated.text()).rejects.toThrow()
    expect(await settled(server.simulator)).toMatchObject({ status: 200, outcome: "truncated" })
    await expect(fetch(`${server.url}/generation?id=${id}`, { headers: admin })).rejects.toThrow()
    expect(await settled(server.simulator)).toMatchObject({ status: null, outcome: "dropped" })
  })

  it("records a client that leaves during a stalled body as aborted", async () => {
    const server = await serve()
    const [id] = server.simulator.ids()
    server.simulator.script({ id }, Engine.deliver({ stallAfter: 5 }))
    const controller = new AbortController()
    const response = await fetch(`${server.url}/generation?id=${id}`, { headers: admin, signal: controller.signal })
    const reader = response.body!.getReader()
    expect((await reader.read()).value).toHaveLength(5)
    controller.abort()
    expect(await settled(server.simulator)).toMatchObject({ status: 200, outcome: "aborted" })
  })

  it("says why it cannot listen", async () => {
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve))
    const address = holder.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    try {
      const failure = await Server.serve({ port }).then(() => undefined, (error: unknown) => error)
      expect(failure).toBeInstanceOf(Server.ServeError)
      expect((failure as Error).message).toBe(`cannot listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE)`)
    } finally {
      holder.close()
    }
  })
})
