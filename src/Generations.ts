/**
 * The Generations resource: what a past generation cost and how it ran, and
 * what exactly went in and out.
 *
 * Each operation is an Effect that needs a `ModelGatesConfig` and an
 * `HttpClient`, fails with its own tagged union of errors, and retries by the
 * configured `Schedule`.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Generations, ModelGatesConfig } from "@modelgates/effect"
 * import { Effect, Layer } from "effect"
 *
 * const program = Generations.getGeneration({ id: "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs" }).pipe(
 *   Effect.map(({ data }) => `${data.model} cost $${data.totalCost}`),
 *   Effect.catchTag("NotFoundResponseError", () => Effect.succeed("not there (yet)"))
 * )
 *
 * const MainLayer = Layer.merge(ModelGatesConfig.layerConfig(), FetchHttpClient.layer)
 *
 * Effect.runPromise(Effect.provide(program, MainLayer))
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as client from "./internal/client.js"
import type * as ModelGatesConfig from "./ModelGatesConfig.js"
import * as ModelGatesError from "./ModelGatesError.js"
import * as Models from "./Models.js"

/**
 * Which generation to look up, and the app attribution headers for this call
 * (each overrides the config's value).
 *
 * @since 0.1.0
 * @category models
 */
export interface GenerationRequest extends client.GenerationRequest {}

/**
 * Per-call overrides of the configured `retryPolicy` and `timeout` (per
 * attempt; a plain number means milliseconds).
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions extends client.CallOptions {}

const getGenerationOperation = client.makeOperation({
  name: "Generations.getGeneration",
  path: "/generation",
  schema: Models.GenerationResponse,
  schemaName: "GenerationResponse",
  describe: ({ data }) => {
    const attributes: Record<string, unknown> = {
      "modelgates.generation.model": data.model,
      "modelgates.generation.total_cost": data.totalCost
    }
    if (data.providerName !== null) attributes["modelgates.generation.provider"] = data.providerName
    if (data.tokensPrompt !== null) attributes["modelgates.generation.tokens_prompt"] = data.tokensPrompt
    if (data.tokensCompletion !== null) attributes["modelgates.generation.tokens_completion"] = data.tokensCompletion
    return attributes
  },
  declared: new Map<number, client.StatusErrorClass<ModelGatesError.GetGenerationError>>([
    [401, ModelGatesError.UnauthorizedResponseError],
    [402, ModelGatesError.PaymentRequiredResponseError],
    [404, ModelGatesError.NotFoundResponseError],
    [429, ModelGatesError.TooManyRequestsResponseError],
    [500, ModelGatesError.InternalServerResponseError],
    [502, ModelGatesError.BadGatewayResponseError],
    [524, ModelGatesError.EdgeNetworkTimeoutResponseError],
    [529, ModelGatesError.ProviderOverloadedResponseError]
  ])
})

const listGenerationContentOperation = client.makeOperation({
  name: "Generations.listGenerationContent",
  path: "/generation/content",
  schema: Models.GenerationContentResponse,
  schemaName: "GenerationContentResponse",
  declared: new Map<number, client.StatusErrorClass<ModelGatesError.ListGenerationContentError>>([
    [401, ModelGatesError.UnauthorizedResponseError],
    [403, ModelGatesError.ForbiddenResponseError],
    [404, ModelGatesError.NotFoundResponseError],
    [429, ModelGatesError.TooManyRequestsResponseError],
    [500, ModelGatesError.InternalServerResponseError],
    [502, ModelGatesError.BadGatewayResponseError],
    [524, ModelGatesError.EdgeNetworkTimeoutResponseError],
    [529, ModelGatesError.ProviderOverloadedResponseError]
  ])
})

/**
 * Gets what a generation cost and how it ran: tokens, latency, provider,
 * model, fallbacks (`GET /generation?id=…`).
 *
 * A 404 right after a generation finishes usually means "not yet": the record
 * appears a moment later.
 *
 * @since 0.1.0
 * @category operations
 */
export const getGeneration: (
  request: GenerationRequest,
  options?: CallOptions
) => Effect.Effect<
  Models.GenerationResponse,
  ModelGatesError.GetGenerationError,
  ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
> = Effect.fn("Generations.getGeneration")((request: GenerationRequest, options?: CallOptions) =>
  client.execute(getGenerationOperation, request, options)
)

/**
 * Gets what went into and came out of a generation: the stored prompt or
 * messages, the completion and reasoning, and the stored failure if it failed
 * (`GET /generation/content?id=…`).
 *
 * Content is stored only when input/output logging is on for the account, so
 * a 404 or 403 here usually means "not logged" or "not allowed".
 *
 * @since 0.1.0
 * @category operations
 */
export const listGenerationContent: (
  request: GenerationRequest,
  options?: CallOptions
) => Effect.Effect<
  Models.GenerationContentResponse,
  ModelGatesError.ListGenerationContentError,
  ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
> = Effect.fn("Generations.listGenerationContent")((request: GenerationRequest, options?: CallOptions) =>
  client.execute(listGenerationContentOperation, request, options)
)
