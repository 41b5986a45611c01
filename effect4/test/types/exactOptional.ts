/**
 * A user's program, written from the Effect 3 line's README with only effect
 * 4's own renames, against the package by its name: it must compile under
 * `exactOptionalPropertyTypes` (this package's tsconfig sets it), with the
 * operations requiring exactly `ModelGatesConfig | HttpClient`.
 */
import type { ModelGatesError } from "@modelgates/effect4"
import { Generations, ModelGatesConfig, RetryPolicy } from "@modelgates/effect4"
import { Config, DateTime, Effect, Layer, Option, Stream } from "effect"
import type { HttpClient } from "effect/http"
import { FetchHttpClient } from "effect/http"

const lookup: Effect.Effect<
  string,
  Exclude<ModelGatesError.GetGenerationError, ModelGatesError.NotFoundResponseError>,
  ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
> = Generations.getGeneration({ id: "gen-1", appTitle: "Notes" }, { timeout: 5000 }).pipe(
  Effect.map(({ data }) => `${data.model} cost $${data.totalCost} at ${DateTime.formatIso(data.createdAt)}`),
  Effect.catchTag("NotFoundResponseError", () => Effect.succeed("not there (yet)"))
)

const waited = Generations.waitForGeneration({ id: "gen-1" }, { maxWait: "30 seconds" }).pipe(
  Effect.catchTag(
    "GenerationNotReadyError",
    (error) => Effect.succeed(`${error.id}: ${error.attempts} lookups in ${error.elapsed}`)
  )
)

const retryAfter = (error: ModelGatesError.TooManyRequestsResponseError) =>
  Option.match(error.retryAfter, { onNone: () => 0, onSome: (wait) => wait.value })

const bulk = Generations.getGenerations(Stream.make("gen-1", "gen-2"), { concurrency: 4 }).pipe(
  Stream.filter(Generations.isFound),
  Stream.map((found) => found.generation.totalCost),
  Stream.runCollect
)

const MainLayer = Layer.mergeAll(
  ModelGatesConfig.layerConfig({
    apiKey: Config.Redacted("MY_KEY"),
    retryPolicy: RetryPolicy.backoff({ maxRetries: 2, initialInterval: 250 })
  }),
  ModelGatesConfig.layer({ apiKey: "sk", retryPolicy: RetryPolicy.none, httpReferer: undefined }),
  FetchHttpClient.layer
)

export const program = Effect.all([lookup, waited, bulk]).pipe(Effect.provide(MainLayer))
export { retryAfter }
