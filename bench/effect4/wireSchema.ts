/**
 * The body of `GET /generation` as an effect 4 `Schema.Struct` with the wire's
 * snake_case keys, built from the core's field tables (`core/Wire.ts`): what
 * the effect 4 guarded floor decodes with. The effect4 models are classes
 * whose encoded side has the camelCase names (effect 4 has no per-field key
 * rename), so they cannot decode the wire's JSON themselves; a user writing
 * the call by hand on effect 4 writes a wire struct like this one.
 */
import * as Schema from "effect/Schema"
import * as Wire from "../../core/Wire.js"

const leaf = (type: Extract<Wire.FieldType, string>): Schema.Top => {
  switch (type) {
    case "string":
      return Schema.String
    case "int":
      return Schema.Int
    case "finite":
      return Schema.Finite
    case "boolean":
      return Schema.Boolean
    case "datetime":
      return Schema.DateTimeUtcFromString
    case "unknown":
      return Schema.Unknown
    case "object":
      return Schema.Record(Schema.String, Schema.Unknown)
  }
}

const valueOf = (type: Wire.FieldType): Schema.Top => {
  if (typeof type === "string") return leaf(type)
  if ("openEnum" in type) return Schema.String
  if ("model" in type) return structOf(type.model)
  if ("arrayOf" in type) return Schema.Array(valueOf(type.arrayOf))
  return Schema.Union(type.oneOf.map(structOf))
}

/** One model's wire struct: a field the service may send null or leave out is an optional `NullOr`. */
const structOf = (name: Wire.ModelName): Schema.Top => {
  const model: Wire.Model = Wire.models[name]
  return Schema.Struct(Object.fromEntries(
    Object.values(model).map((field) => {
      const value = valueOf(field.type)
      return [field.wire, field.presence === "required" ? value : Schema.optionalKey(Schema.NullOr(value))]
    })
  ))
}

export const GenerationResponseWire: Schema.Decoder<{ readonly data: { readonly id: string } }> = structOf(
  "GenerationResponse"
) as unknown as Schema.Decoder<{ readonly data: { readonly id: string } }>
