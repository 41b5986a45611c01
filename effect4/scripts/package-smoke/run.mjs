// Runs a call of the installed package against a loopback server, on FetchHttpClient, then against the
// testing entry's simulators: in memory, and served on loopback.
import { Generations, ModelGatesConfig, RetryPolicy } from "@modelgates/effect4"
import { ModelGatesSimulator } from "@modelgates/effect4/testing"
import * as ModelGatesSimulatorServer from "@modelgates/effect4/testing/ModelGatesSimulatorServer"
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

const lookUpFirst = Effect.gen(function*() {
  const simulator = yield* ModelGatesSimulator.ModelGatesSimulator
  const [id] = yield* simulator.ids
  return (yield* Generations.getGeneration({ id })).data
})
const inMemory = await Effect.runPromise(
  Effect.provide(
    lookUpFirst,
    Layer.merge(
      ModelGatesSimulator.layer({ seed: 3 }),
      ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey })
    )
  )
)
console.log(`smoke: the in-memory simulator answered ${inMemory.id} (${inMemory.model})`)
const served = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
  const server = yield* ModelGatesSimulatorServer.serve({ seed: 3 })
  const [id] = yield* server.simulator.ids
  const sdk = Layer.merge(
    FetchHttpClient.layer,
    ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey, baseUrl: server.url })
  )
  return yield* Effect.provide(Generations.getGeneration({ id }), sdk)
})))
if (served.data.id !== inMemory.id) throw new Error("the served simulator answered another generation")
console.log(`smoke: the served simulator answered ${served.data.id}, as in memory`)
