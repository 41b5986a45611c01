// Type-checked in the smoke project under node16 and bundler resolution, strict and exactOptionalPropertyTypes.
import { Generations, ModelGatesConfig, ModelGatesError, RetryPolicy } from "@modelgates/effect4"
import * as Generations2 from "@modelgates/effect4/Generations"
import { Effect, Layer } from "effect"
import { FetchHttpClient } from "effect/http"

export const program = Generations.getGeneration({ id: "gen-1" }).pipe(
  Effect.map(({ data }) => `${data.model}: $${data.totalCost}`),
  Effect.catchTag("NotFoundResponseError", (error) => Effect.succeed(error.message)),
  Effect.provide(Layer.merge(
    ModelGatesConfig.layer({ apiKey: "sk", retryPolicy: RetryPolicy.none }),
    FetchHttpClient.layer
  ))
)

export const same: typeof Generations.getGeneration = Generations2.getGeneration
export const guard: (u: unknown) => u is ModelGatesError.ModelGatesError = ModelGatesError.isModelGatesError
