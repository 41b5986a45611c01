/* global exports, require */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module */
// The work both smoke programs do with the installed package, once each
// module system has loaded it its own way (esm.mjs imports, cjs.cjs requires)
// and passed the modules in: decode a fixture of the live service, build a
// config layer, and make one call end to end through the in-memory simulator.
const assert = require("node:assert/strict")

exports.exercise = async (modules, fixture) => {
  const {
    Effect,
    Generations,
    Layer,
    ModelGatesConfig,
    ModelGatesError,
    ModelGatesSimulator,
    Models,
    Redacted,
    RetryPolicy,
    Schema
  } = modules

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
  return `${fetched.model} from the simulator, ${missing._tag} for a missing id`
}
