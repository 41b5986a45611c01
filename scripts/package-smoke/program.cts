// Type-checked in a fresh project against the installed tarball, under
// moduleResolution node16 as a CommonJS module: the require condition's types.
import { FetchHttpClient } from "@effect/platform"
import { Generations, ModelGatesConfig, ModelGatesError } from "@modelgates/effect"
import * as Effect from "effect/Effect"

export const program = Generations.getGeneration({ id: "gen-1" }).pipe(
  Effect.map(({ data }) => data.model),
  Effect.catchTag("NotFoundResponseError", (error) => Effect.succeed(`not found (${error.status})`)),
  Effect.provide(ModelGatesConfig.layer({ apiKey: "sk-smoke" })),
  Effect.provide(FetchHttpClient.layer)
)

export const isError = (u: unknown): u is ModelGatesError.ModelGatesError =>
  u instanceof ModelGatesError.ConnectionError || u instanceof ModelGatesError.NotFoundResponseError
