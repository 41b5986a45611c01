/**
 * Schema models of the ModelGates Generations API.
 *
 * Properties are camelCase, as the calls decode them from the snake_case wire
 * names (effect 4's Schema has no per-field key rename: the calls' decoder
 * reads the wire names from the same tables these classes are built from).
 * They are written for the live service, not only its published description:
 * a field described as "required and nullable" that is missing decodes to
 * `null` (never to `0`), unknown fields are ignored, and open enumerations
 * accept values this version of the SDK has never seen.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as Wire from "../../core/Wire.js"
import { fieldsOf, openEnum } from "./internal/wireFields.js"

// -----------------------------------------------------------------------------
// open enumerations
// -----------------------------------------------------------------------------

/**
 * The values of `api_type` known to this version of the SDK.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const KnownApiType = Schema.Literals(Wire.knownApiTypes)

/**
 * The kind of API a generation was made through. Open: a value the SDK does
 * not know yet still decodes, as a plain string.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const ApiType = openEnum(KnownApiType.literals)

/**
 * The values of `data_region` known to this version of the SDK.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const KnownDataRegion = Schema.Literals(Wire.knownDataRegions)

/**
 * The data region a generation was routed through. Open, like {@link ApiType}.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const DataRegion = openEnum(KnownDataRegion.literals)

/**
 * The values of `routed_service_tier` known to this version of the SDK.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const KnownServiceTier = Schema.Literals(Wire.knownServiceTiers)

/**
 * The service tier an attempt was routed to. Open, like {@link ApiType}.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const ServiceTier = openEnum(KnownServiceTier.literals)

/**
 * The upstream provider names known to this version of the SDK.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const KnownProviderName = Schema.Literals(Wire.knownProviderNames)

/**
 * The provider that served an attempt. Open, like {@link ApiType}: providers
 * join the gateway every few weeks.
 *
 * @since 0.1.0
 * @category enumerations
 */
export const ProviderName = openEnum(KnownProviderName.literals)

// -----------------------------------------------------------------------------
// get generation
// -----------------------------------------------------------------------------

/**
 * One upstream attempt of a generation: the provider that was tried, and the
 * status it answered with. Fallbacks show up as several attempts.
 *
 * @since 0.1.0
 * @category models
 */
export class ProviderResponse
  extends Schema.Class<ProviderResponse>("@modelgates/effect4/ProviderResponse")(fieldsOf(Wire.ProviderResponse))
{}

/**
 * What a generation cost and how it ran.
 *
 * Only `id`, `createdAt`, `model`, `origin`, `isByok`, `totalCost`, `usage`
 * and `dataRegion` are always present; every other field is `null` when the
 * service did not record it. A `null` token count or cost means "unknown",
 * not zero.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationData extends Schema.Class<GenerationData>("@modelgates/effect4/GenerationData")(
  fieldsOf(Wire.GenerationData, { ProviderResponse })
) {}

/**
 * The body of a successful `GET /generation`.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationResponse extends Schema.Class<GenerationResponse>("@modelgates/effect4/GenerationResponse")(
  fieldsOf(Wire.GenerationResponse, { GenerationData })
) {}

// -----------------------------------------------------------------------------
// list generation content
// -----------------------------------------------------------------------------

/**
 * Input of a completion-style generation: a single prompt string.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentPrompt
  extends Schema.Class<GenerationContentPrompt>("@modelgates/effect4/GenerationContentPrompt")(
    fieldsOf(Wire.GenerationContentPrompt)
  )
{}

/**
 * Input of a chat-style generation: the messages as sent. Messages are kept
 * as the JSON values the service stored; their shape is not typed by the API.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentMessages
  extends Schema.Class<GenerationContentMessages>("@modelgates/effect4/GenerationContentMessages")(
    fieldsOf(Wire.GenerationContentMessages)
  )
{}

/**
 * The stored input of a generation: a prompt or a list of messages. Tell them
 * apart with `"prompt" in input` or `input instanceof GenerationContentPrompt`.
 *
 * @since 0.1.0
 * @category models
 */
export const GenerationContentInput = Schema.Union([GenerationContentPrompt, GenerationContentMessages])

/**
 * @since 0.1.0
 * @category models
 */
export type GenerationContentInput = typeof GenerationContentInput.Type

/**
 * The stored output of a generation.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentOutput
  extends Schema.Class<GenerationContentOutput>("@modelgates/effect4/GenerationContentOutput")(
    fieldsOf(Wire.GenerationContentOutput)
  )
{}

/**
 * One failed upstream attempt recorded for a failed generation.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentErrorAttempt
  extends Schema.Class<GenerationContentErrorAttempt>("@modelgates/effect4/GenerationContentErrorAttempt")(
    fieldsOf(Wire.GenerationContentErrorAttempt)
  )
{}

/**
 * The stored failure of a generation, with the attempts that failed before
 * it, in order.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentError
  extends Schema.Class<GenerationContentError>("@modelgates/effect4/GenerationContentError")(
    fieldsOf(Wire.GenerationContentError, { GenerationContentErrorAttempt })
  )
{}

/**
 * What went into and came out of a generation. `error` is `null` when the
 * generation succeeded, and also when an older deployment of the API did not
 * send the key at all.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentData
  extends Schema.Class<GenerationContentData>("@modelgates/effect4/GenerationContentData")(
    fieldsOf(Wire.GenerationContentData, {
      GenerationContentPrompt,
      GenerationContentMessages,
      GenerationContentOutput,
      GenerationContentError
    })
  )
{}

/**
 * The body of a successful `GET /generation/content`.
 *
 * @since 0.1.0
 * @category models
 */
export class GenerationContentResponse
  extends Schema.Class<GenerationContentResponse>("@modelgates/effect4/GenerationContentResponse")(
    fieldsOf(Wire.GenerationContentResponse, { GenerationContentData })
  )
{}

// -----------------------------------------------------------------------------
// errors
// -----------------------------------------------------------------------------

/**
 * The `error` object of the API's error envelope.
 *
 * @since 0.1.0
 * @category models
 */
export class ErrorResponseData
  extends Schema.Class<ErrorResponseData>("@modelgates/effect4/ErrorResponseData")(fieldsOf(Wire.ErrorResponseData))
{}

/**
 * The envelope of every error body the API itself produces. Its `code` equals
 * the HTTP status. Errors from the edge network (an HTML page on a 524, some
 * 502s and 503s) do not have it.
 *
 * @since 0.1.0
 * @category models
 */
export class ErrorResponse extends Schema.Class<ErrorResponse>("@modelgates/effect4/ErrorResponse")(
  fieldsOf(Wire.ErrorResponse, { ErrorResponseData })
) {}
