/**
 * A decoder of the API's bodies straight from the field tables of `Wire.ts`:
 * one pass over the parsed JSON that checks each wire field and builds the
 * model in the SDK's (camelCase) names, with the table's presence rules
 * (a missing nullable reads as `null`, a stray `null` on an optional field as
 * absent). On failure it reports the first problem and its path in wire names
 * (`data.created_at`), as the body has them.
 *
 * It knows no Effect: a line gives it how to read a date-time and how to turn
 * a model's properties into its model object (a class instance, say).
 */
import type { Field, FieldType, Model, ModelName } from "./Wire.js"
import { models } from "./Wire.js"

/** How a line finishes the values the tables leave to it. */
export interface Adapter {
  /** A date-time from its ISO 8601 string, or `undefined` when it is not one. */
  readonly dateTime: (text: string) => unknown
  /** The model object of a model's decoded properties. */
  readonly build: (model: ModelName, properties: Record<string, unknown>) => unknown
}

/** A body that does not decode: where (wire names, joined by dots; empty for the root) and why. */
export interface Problem {
  readonly path: string
  readonly message: string
}

/** A decoded body, or the first problem with it. */
export type Decoded<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly problem: Problem }

const failed: unique symbol = Symbol("failed")

// The problem being reported: a leaf sets it, each enclosing field or index
// prepends its key on the way out. Decoding is synchronous, so one will do.
let problemPath: Array<string | number> = []
let problemMessage = ""

const fail = (message: string): typeof failed => {
  problemPath = []
  problemMessage = message
  return failed
}

const describe = (value: unknown): string => {
  if (value === undefined) return "undefined"
  const json = JSON.stringify(value)
  return json === undefined ? typeof value : json.length > 60 ? `${json.slice(0, 60)}…` : json
}

const expected = (what: string, value: unknown): typeof failed => fail(`Expected ${what}, got ${describe(value)}`)

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

type Decode = (value: unknown) => unknown

const typeName = (type: FieldType): string => {
  if (typeof type === "string") {
    return type === "int" ? "an integer" : type === "finite" ? "a finite number" : type === "datetime"
      ? "an ISO 8601 date-time"
      : type === "object"
      ? "an object"
      : `a ${type}`
  }
  if ("openEnum" in type) return "a string"
  if ("model" in type) return `an object (${type.model})`
  if ("arrayOf" in type) return "an array"
  return type.oneOf.join(" or ")
}

const compileType = (type: FieldType, adapter: Adapter, compiled: Map<ModelName, Decode>): Decode => {
  const what = typeName(type)
  if (typeof type === "string") {
    switch (type) {
      case "string":
        return (value) => typeof value === "string" ? value : expected(what, value)
      case "int":
        return (value) => Number.isSafeInteger(value) ? value : expected(what, value)
      case "finite":
        return (value) => typeof value === "number" && Number.isFinite(value) ? value : expected(what, value)
      case "boolean":
        return (value) => typeof value === "boolean" ? value : expected(what, value)
      case "datetime":
        return (value) => {
          const dateTime = typeof value === "string" ? adapter.dateTime(value) : undefined
          return dateTime === undefined ? expected(what, value) : dateTime
        }
      case "unknown":
        return (value) => value
      case "object":
        return (value) => isObject(value) ? value : expected(what, value)
    }
  }
  if ("openEnum" in type) return (value) => typeof value === "string" ? value : expected(what, value)
  if ("model" in type) return modelDecoder(type.model, adapter, compiled)
  if ("arrayOf" in type) return arrayDecoder(compileType(type.arrayOf, adapter, compiled), what)
  const members = type.oneOf.map((name) => modelDecoder(name, adapter, compiled))
  return (value) => {
    for (const member of members) {
      const decoded = member(value)
      if (decoded !== failed) return decoded
    }
    return expected(what, value)
  }
}

const arrayDecoder = (item: Decode, what: string): Decode => (value) => {
  if (!Array.isArray(value)) return expected(what, value)
  const out: Array<unknown> = new Array(value.length)
  for (let i = 0; i < value.length; i++) {
    const decoded = item(value[i])
    if (decoded === failed) {
      problemPath.unshift(i)
      return failed
    }
    out[i] = decoded
  }
  return out
}

// Each model's decoder is compiled once per adapter, and shared by the models that refer to it.
const modelDecoder = (name: ModelName, adapter: Adapter, compiled: Map<ModelName, Decode>): Decode => {
  let decode = compiled.get(name)
  if (decode === undefined) {
    decode = compileModel(name, models[name], adapter, compiled)
    compiled.set(name, decode)
  }
  return decode
}

const compileModel = (name: ModelName, model: Model, adapter: Adapter, compiled: Map<ModelName, Decode>): Decode => {
  const entries: ReadonlyArray<readonly [string, Field, Decode]> = Object.entries(model).map((
    [property, field]
  ) => [property, field, compileType(field.type, adapter, compiled)])
  return (value) => {
    if (!isObject(value)) return expected(`an object (${name})`, value)
    const properties: Record<string, unknown> = {}
    for (const [property, field, decodeField] of entries) {
      const raw = value[field.wire]
      if (raw === undefined || (raw === null && field.presence !== "required")) {
        if (field.presence === "nullable") properties[property] = null
        else if (field.presence === "required") {
          fail("is missing")
          return withKey(field.wire)
        }
        continue
      }
      const decoded = decodeField(raw)
      if (decoded === failed) return withKey(field.wire)
      properties[property] = decoded
    }
    return adapter.build(name, properties)
  }
}

const withKey = (key: string): typeof failed => {
  problemPath.unshift(key)
  return failed
}

/**
 * The decoder of a model's JSON text: parses it, then decodes it in one pass.
 * A body that is not JSON fails at the empty path.
 */
export const jsonDecoder = <A>(name: ModelName, adapter: Adapter): (text: string) => Decoded<A> => {
  const decode = modelDecoder(name, adapter, new Map())
  return (text) => {
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch (error) {
      return { ok: false, problem: { path: "", message: `not JSON (${error instanceof Error ? error.message : ""})` } }
    }
    const value = decode(json)
    return value === failed
      ? { ok: false, problem: { path: problemPath.join("."), message: problemMessage } }
      : { ok: true, value: value as A }
  }
}
