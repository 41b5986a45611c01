/**
 * The loopback server of the benchmark: one node:http process on 127.0.0.1,
 * keep-alive on, answering `GET /api/v1/generation?id=…` with a realistic
 * `GenerationResponse` body: the fixture, with `data.id` set to the id asked
 * for, so a client that checks the id it gets back (the bulk lookups do)
 * sees its own. The fixture's own id is answered from one prepared Buffer;
 * any other id gets the fixture with that id spliced in.
 *
 * `GET /__stats` answers this process's cumulative CPU time, request count and
 * accepted connections,
 * so a client child can tell whether the server was the bottleneck of its
 * measured window. Started by `run.ts` with an IPC channel; it reports its
 * port over IPC and exits when the parent goes away.
 */
import { readFileSync } from "node:fs"
import { createServer, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

const fixture = process.argv[2]
if (fixture === undefined) throw new Error("usage: server.mjs <fixture.json>")
const text = readFileSync(fixture, "utf8")
const fixtureId = (JSON.parse(text) as { data: { id: string } }).data.id
const quotedId = JSON.stringify(fixtureId)
const at = text.indexOf(quotedId)
if (at < 0 || text.indexOf(quotedId, at + 1) >= 0) throw new Error(`${fixture}: expected ${quotedId} exactly once`)
const before = text.slice(0, at)
const after = text.slice(at + quotedId.length)
const fixtureBody = Buffer.from(text)
const fixtureHeaders = { "content-type": "application/json", "content-length": String(fixtureBody.length) }
const fixturePath = `/api/v1/generation?id=${encodeURIComponent(fixtureId)}`
const prefix = "/api/v1/generation?"

const answer = (
  response: ServerResponse,
  body: Buffer,
  headers = { "content-type": "application/json", "content-length": String(body.length) }
) => {
  response.writeHead(200, headers)
  response.end(body)
}

let requests = 0
let connections = 0

const server = createServer((request, response) => {
  const url = request.url ?? ""
  if (request.method === "GET" && url === fixturePath) {
    requests++
    answer(response, fixtureBody, fixtureHeaders)
    return
  }
  if (request.method === "GET" && url.startsWith(prefix)) {
    requests++
    const id = new URLSearchParams(url.slice(prefix.length)).get("id")
    if (id !== null && id !== "") {
      answer(response, Buffer.from(before + JSON.stringify(id) + after))
      return
    }
  }
  if (url === "/__stats") {
    const cpu = process.cpuUsage()
    response.writeHead(200, { "content-type": "application/json", connection: "close" })
    response.end(JSON.stringify({ requests, connections, cpuMicros: cpu.user + cpu.system }))
    return
  }
  response.writeHead(404, { "content-type": "application/json" })
  response.end(JSON.stringify({ error: { code: 404, message: "Not Found" } }))
})
server.on("connection", () => connections++)
server.keepAliveTimeout = 120_000
server.headersTimeout = 125_000

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo
  process.send?.({ port })
})

// Never outlive the orchestrator, whatever happened to it.
process.on("disconnect", () => process.exit(0))
process.on("SIGTERM", () => process.exit(0))
