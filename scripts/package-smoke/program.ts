// Type-checked in a fresh project against the installed tarball, under
// moduleResolution node16 (as an ES module) and bundler.
import { FetchHttpClient } from "@effect/platform"
import type { ModelGatesError } from "@modelgates/effect"
import { Generations, ModelGatesConfig, type Models, RetryPolicy } from "@modelgates/effect"
import * as ModelGatesConfigModule from "@modelgates/effect/ModelGatesConfig"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"

const describe = (data: Models.GenerationData): string => `${data.model}: $${data.totalCost}`

export const program: Effect.Effect<string, ModelGatesError.GetGenerationError, ModelGatesConfig.ModelGatesConfig> =
  Generations.getGeneration({ id: "gen-1" }, {
    retryPolicy: RetryPolicy.defaultPolicy.pipe(Schedule.intersect(Schedule.recurs(2)))
  }).pipe(
    Effect.map(({ data }) => describe(data)),
    Effect.provide(FetchHttpClient.layer)
  )

export const handled = program.pipe(
  Effect.catchTags({
    NotFoundResponseError: (error) => Effect.succeed(`not found: ${error.status}`),
    TooManyRequestsResponseError: (error) => Effect.succeed(`retry after ${String(error.retryAfter)}`)
  })
)

export const live: Layer.Layer<ModelGatesConfig.ModelGatesConfig, unknown> = ModelGatesConfigModule.layerConfig()
export const test = Layer.merge(
  ModelGatesSimulator.layer({ seed: 1 }),
  ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey })
)

// @ts-expect-error internals are not exported
import type * as _Internal from "@modelgates/effect/internal/client"
