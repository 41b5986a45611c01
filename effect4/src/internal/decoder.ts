/**
 * The decoder of the SDK's calls: the core's one-pass decoder of the wire
 * tables (`core/WireDecoder.ts`), finishing date-times as `DateTime.Utc` and
 * models as instances of the classes of `Models.ts`.
 *
 * effect 4's Schema parser would decode the wire struct, rename its keys and
 * then construct each class, which parses its properties again; the core's
 * decoder checks each wire field once and builds the properties in the
 * models' names. A class instance is those properties given the class's
 * prototype, which is what its constructor makes of them; that is checked
 * once, when this module loads, and if a version of effect made it otherwise
 * the constructor is used instead.
 */
import * as DateTime from "effect/DateTime"
import * as Equal from "effect/Equal"
import * as Option from "effect/Option"
import type * as Wire from "../../../core/Wire.js"
import * as WireDecoder from "../../../core/WireDecoder.js"
import * as Models from "../Models.js"

type ModelClass = new(properties: never, options?: { readonly disableChecks?: boolean }) => object

const classes: Record<Wire.ModelName, ModelClass> = {
  ProviderResponse: Models.ProviderResponse,
  GenerationData: Models.GenerationData,
  GenerationResponse: Models.GenerationResponse,
  GenerationContentPrompt: Models.GenerationContentPrompt,
  GenerationContentMessages: Models.GenerationContentMessages,
  GenerationContentOutput: Models.GenerationContentOutput,
  GenerationContentErrorAttempt: Models.GenerationContentErrorAttempt,
  GenerationContentError: Models.GenerationContentError,
  GenerationContentData: Models.GenerationContentData,
  GenerationContentResponse: Models.GenerationContentResponse,
  ErrorResponseData: Models.ErrorResponseData,
  ErrorResponse: Models.ErrorResponse
}

/** Whether two objects have the same prototype and the same own properties, in the same order. */
const isSameObject = (self: object, that: object): boolean => {
  if (Object.getPrototypeOf(self) !== Object.getPrototypeOf(that)) return false
  const keys = Reflect.ownKeys(self)
  const other = Reflect.ownKeys(that)
  return keys.length === other.length && keys.every((key, i) => {
    const a = Reflect.getOwnPropertyDescriptor(self, key)
    const b = Reflect.getOwnPropertyDescriptor(that, key)
    return key === other[i] && a !== undefined && b !== undefined && a.value === b.value &&
      a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable
  })
}

const withPrototype = (name: Wire.ModelName, properties: Record<string, unknown>): object =>
  Object.setPrototypeOf(properties, classes[name].prototype)

const construct = (name: Wire.ModelName, properties: Record<string, unknown>): object =>
  new classes[name](properties as never, { disableChecks: true })

const sample = { code: 429, message: "sample", metadata: null }
const prototypeIsInstance =
  isSameObject(construct("ErrorResponseData", sample), withPrototype("ErrorResponseData", { ...sample })) &&
  Equal.equals(construct("ErrorResponseData", sample), withPrototype("ErrorResponseData", { ...sample }))

const adapter: WireDecoder.Adapter = {
  dateTime: (text) => Option.getOrUndefined(Option.filter(DateTime.make(text), DateTime.isUtc)),
  build: prototypeIsInstance ? withPrototype : construct
}

/** The body of `GET /generation`, from its JSON text. */
export const GenerationResponseFromJson = WireDecoder.jsonDecoder<Models.GenerationResponse>(
  "GenerationResponse",
  adapter
)

/** The body of `GET /generation/content`, from its JSON text. */
export const GenerationContentResponseFromJson = WireDecoder.jsonDecoder<Models.GenerationContentResponse>(
  "GenerationContentResponse",
  adapter
)

/** The API's error envelope, from a body's text. */
export const ErrorResponseFromJson = WireDecoder.jsonDecoder<Models.ErrorResponse>("ErrorResponse", adapter)
