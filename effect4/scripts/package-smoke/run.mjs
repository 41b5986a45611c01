// Runs a call of the installed package against a loopback server, on FetchHttpClient.
import { Generations, ModelGatesConfig, RetryPolicy } from "@modelgates/effect4"
import { Effect, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import * as fs from "node:fs"
import * as http from "node:http"

const body = fs.readFileSync(new URL("./generation.full.json", import.meta.url), "utf8")
const server = http.createServer((request, response) => {
  const ok = request.url?.startsWith("/api/v1/generation?id=") && request.headers.authorization === "Bearer sk-smoke"
  response.writeHead(ok ? 200 : 404, { "content-type": "application/json" })
  response.end(ok ? body : JSON.stringify({ error: { code: 404, message: "not found" } }))
})
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const { port } = server.address()
const layer = Layer.merge(
  ModelGatesConfig.layer({
    apiKey: "sk-smoke",
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    retryPolicy: RetryPolicy.none
  }),
  FetchHttpClient.layer
)
try {
  const response = await Effect.runPromise(Effect.provide(Generations.getGeneration({ id: "gen-smoke" }), layer))
  if (response.data.id !== JSON.parse(body).data.id) throw new Error("the call decoded another generation")
  console.log(`smoke: ${response.data.model} cost $${response.data.totalCost}, over 127.0.0.1:${port}`)
} finally {
  server.close()
}
