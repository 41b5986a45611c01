// Bundle-size entry: the program of sdk.ts, importing the SDK's namespaces
// from the package's index as the quickstart does. esbuild keeps each
// imported namespace whole then (getGenerations, waitForGeneration and what
// they use come along with getGeneration), so this is reported beside sdk.ts
// and not held to the target.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Generations, ModelGatesConfig } from "../../src/index.js"

const MainLayer = Layer.merge(ModelGatesConfig.layer({ apiKey: "sk-mg-example" }), FetchHttpClient.layer)

Generations.getGeneration({ id: "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs" }).pipe(
  Effect.provide(MainLayer),
  Effect.runPromise
).then((response) => console.log(response.data.model, response.data.totalCost))
