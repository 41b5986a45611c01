/* global __dirname, console, process, require */
/* eslint-disable @typescript-eslint/no-require-imports, no-console -- a CommonJS program that reports */
// Runs in a fresh project where the packed tarball was installed: the
// CommonJS half of the package, required by name, doing real work.
const assert = require("node:assert/strict")
const fs = require("node:fs")
const path = require("node:path")

const { Generations, ModelGatesConfig, ModelGatesError, Models, RetryPolicy } = require("@modelgates/effect")
const GenerationsModule = require("@modelgates/effect/Generations")
const { ModelGatesSimulator } = require("@modelgates/effect/testing")
const Effect = require("effect/Effect")
const Layer = require("effect/Layer")
const Redacted = require("effect/Redacted")
const Schema = require("effect/Schema")

const main = async () => {
  assert.match(
    require.resolve("@modelgates/effect"),
    /[/\\]node_modules[/\\]@modelgates[/\\]effect[/\\]cjs[/\\]index\.js$/
  )
  assert.equal(GenerationsModule.getGeneration, Generations.getGeneration)

  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "generation.full.json"), "utf8"))
  const decoded = Schema.decodeUnknownSync(Models.GenerationResponse)(fixture)
  assert.ok(decoded.data instanceof Models.GenerationData)
  assert.equal(decoded.data.id, fixture.data.id)

  const config = await Effect.runPromise(
    Effect.provide(ModelGatesConfig.ModelGatesConfig, ModelGatesConfig.layer({ apiKey: "sk-smoke" }))
  )
  assert.equal(config.baseUrl, ModelGatesConfig.defaultBaseUrl)
  assert.ok(Redacted.isRedacted(config.apiKey))

  const TestLayer = Layer.merge(
    ModelGatesSimulator.layer({ seed: 3 }),
    ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey })
  )
  const [stored, fetched, missing] = await Effect.runPromise(Effect.provide(
    Effect.gen(function*() {
      const simulator = yield* ModelGatesSimulator.ModelGatesSimulator
      const [first] = yield* simulator.generations
      const { data } = yield* Generations.getGeneration({ id: first.id })
      const missing = yield* Effect.flip(
        Generations.getGeneration({ id: "gen-0-smoke-missing" }, { retryPolicy: RetryPolicy.none })
      )
      return [first, data, missing]
    }),
    TestLayer
  ))
  assert.equal(fetched.id, stored.id)
  assert.equal(fetched.model, stored.data.model)
  assert.ok(missing instanceof ModelGatesError.NotFoundResponseError)

  assert.throws(() => require("@modelgates/effect/internal/client"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" })

  console.log(`cjs: ok (${fetched.model} from the simulator, ${missing._tag} for a missing id)`)
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
