/* global console, URL */
/* eslint-disable no-console -- a program that reports */
// Runs in a fresh project where the packed tarball was installed: the ESM
// half of the package, imported by name, doing real work.
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"

import { Generations, ModelGatesConfig, ModelGatesError, Models, RetryPolicy } from "@modelgates/effect"
import * as GenerationsModule from "@modelgates/effect/Generations"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

assert.match(import.meta.resolve("@modelgates/effect"), /\/node_modules\/@modelgates\/effect\/esm\/index\.js$/)
assert.equal(GenerationsModule.getGeneration, Generations.getGeneration)

// A fixture of the live service decodes into the model classes.
const fixture = JSON.parse(readFileSync(new URL("./generation.full.json", import.meta.url), "utf8"))
const decoded = Schema.decodeUnknownSync(Models.GenerationResponse)(fixture)
assert.ok(decoded.data instanceof Models.GenerationData)
assert.equal(decoded.data.id, fixture.data.id)

// A config layer builds, and keeps the key redacted.
const config = await Effect.runPromise(
  Effect.provide(ModelGatesConfig.ModelGatesConfig, ModelGatesConfig.layer({ apiKey: "sk-smoke" }))
)
assert.equal(config.baseUrl, ModelGatesConfig.defaultBaseUrl)
assert.ok(Redacted.isRedacted(config.apiKey))

// One call end to end, through the in-memory simulator of the testing entry.
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

// Internals are closed.
await assert.rejects(import("@modelgates/effect/internal/client"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" })

console.log(`esm: ok (${fetched.model} from the simulator, ${missing._tag} for a missing id)`)
