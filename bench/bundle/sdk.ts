// Bundle-size entry: fetch one generation with this SDK on FetchHttpClient,
// importing each module by its path as the hand-written program (effect.ts)
// does, the way to write it when bundle size matters (README, after the quickstart).
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Generations from "../../src/Generations.js"
import * as ModelGatesConfig from "../../src/ModelGatesConfig.js"

const MainLayer = Layer.merge(ModelGatesConfig.layer({ apiKey: "sk-mg-example" }), FetchHttpClient.layer)

Generations.getGeneration({ id: "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs" }).pipe(
  Effect.provide(MainLayer),
  Effect.runPromise
).then((response) => console.log(response.data.model, response.data.totalCost))
