// Type-checked in the smoke project under node16 and bundler resolution, strict and exactOptionalPropertyTypes.
import { Generations, ModelGatesConfig, ModelGatesError, RetryPolicy } from "@modelgates/effect4"
import * as Generations2 from "@modelgates/effect4/Generations"
import { ModelGatesSimulator } from "@modelgates/effect4/testing"
import * as ModelGatesSimulatorServer from "@modelgates/effect4/testing/ModelGatesSimulatorServer"
import { Effect, Layer } from "effect"
import type { Config, Scope } from "effect"
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

// The testing entry's layers have no requirements: a call over them needs nothing more.
export const simulated: Effect.Effect<string, ModelGatesError.GetGenerationError | Config.ConfigError> = Generations
  .getGeneration({ id: "gen-1" }).pipe(
    Effect.map(({ data }) => data.id),
    Effect.provide(Layer.merge(
      ModelGatesSimulator.layer({ seed: 7, readyAfter: "1 second" }),
      ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey })
    ))
  )
export const served: Effect.Effect<string, ModelGatesSimulatorServer.ServeError, Scope.Scope> = Effect.map(
  ModelGatesSimulatorServer.serve({ port: 0 }),
  (server) => server.url
)
