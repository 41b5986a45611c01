/**
 * The loopback server of the benchmark: one node:http process on 127.0.0.1,
 * keep-alive on, answering `GET /api/v1/generation?id=…` with a fixed,
 * realistic `GenerationResponse` body (read once, sent from one Buffer).
 *
 * `GET /__stats` answers this process's cumulative CPU time, request count and
 * accepted connections,
 * so a client child can tell whether the server was the bottleneck of its
 * measured window. Started by `run.ts` with an IPC channel; it reports its
 * port over IPC and exits when the parent goes away.
 */
import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

const fixture = process.argv[2]
if (fixture === undefined) throw new Error("usage: server.mjs <fixture.json>")
const body = readFileSync(fixture)
const headers = {
  "content-type": "application/json",
  "content-length": String(body.length)
}

let requests = 0
let connections = 0

const server = createServer((request, response) => {
  const url = request.url ?? ""
  if (request.method === "GET" && url.startsWith("/api/v1/generation?")) {
    requests++
    response.writeHead(200, headers)
    response.end(body)
    return
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
