/**
 * The models' Schema fields, from the core's wire tables (`core/Wire.ts`): a
 * required field is its type, a nullable one `NullOr` of it, an optional one
 * an `optionalKey`. These are the decoded (camelCase) shapes; the wire names
 * and the presence rules are applied by the decoder of the calls
 * (`core/WireDecoder.ts`), which builds the same models in one pass.
 */
import * as Schema from "effect/Schema"
import type * as Wire from "../../../core/Wire.js"

/** The models a table may refer to, by name. */
type Refs = { readonly [name: string]: Schema.Top }

const JsonObject = Schema.Record(Schema.String, Schema.Unknown)

/** The Schema of a field type of the core's tables. */
export type SchemaOf<T extends Wire.FieldType, R extends Refs> = T extends "string" ? Schema.String
  : T extends "int" ? Schema.Int
  : T extends "finite" ? Schema.Finite
  : T extends "boolean" ? Schema.Boolean
  : T extends "datetime" ? Schema.DateTimeUtc
  : T extends "unknown" ? Schema.Unknown
  : T extends "object" ? typeof JsonObject
  : T extends { readonly openEnum: ReadonlyArray<string> } ? Schema.String
  : T extends { readonly model: infer M extends keyof R } ? R[M]
  : T extends { readonly arrayOf: infer I extends Wire.FieldType } ? Schema.$Array<SchemaOf<I, R>>
  : T extends { readonly oneOf: infer Ms extends ReadonlyArray<keyof R> } ? Schema.Union<{ [K in keyof Ms]: R[Ms[K]] }>
  : never

/**
 * An open enumeration is any string: the known values are documented, but a
 * value added to the API later must decode, so they are not checked.
 */
export const openEnum = (literals: ReadonlyArray<string>): Schema.String =>
  Schema.String.annotate({ description: `One of ${literals.join(", ")}, or a value added to the API since.` })

const refOf = (refs: Refs, name: string): Schema.Top => {
  const schema = refs[name]
  if (schema === undefined) throw new Error(`fieldsOf: the Schema of ${name} was not given`)
  return schema
}

const schemaOf = (type: Wire.FieldType, refs: Refs): Schema.Top => {
  if (typeof type === "string") {
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
        return Schema.DateTimeUtc
      case "unknown":
        return Schema.Unknown
      case "object":
        return JsonObject
    }
  }
  if ("openEnum" in type) return openEnum(type.openEnum)
  if ("model" in type) return refOf(refs, type.model)
  if ("arrayOf" in type) return Schema.Array(schemaOf(type.arrayOf, refs))
  return Schema.Union(type.oneOf.map((name) => refOf(refs, name)))
}

/** The Schema field of a field of the core's tables. */
export type FieldOf<F extends Wire.Field, R extends Refs> = F["presence"] extends "nullable"
  ? Schema.NullOr<SchemaOf<F["type"], R>>
  : F["presence"] extends "optional" ? Schema.optionalKey<SchemaOf<F["type"], R>>
  : SchemaOf<F["type"], R>

/** The Schema fields of a model of the core's tables. */
export type FieldsOf<M extends Wire.Model, R extends Refs> = { readonly [K in keyof M]: FieldOf<M[K], R> }

/**
 * The Schema fields of a model of the core's tables, for `Schema.Class`:
 * `refs` gives the Schema of each model the table refers to by name.
 */
export const fieldsOf = <const M extends Wire.Model, const R extends Refs = {}>(model: M, refs?: R): FieldsOf<M, R> => {
  const fields: Record<string, Schema.Top> = {}
  for (const [name, field] of Object.entries(model)) {
    const schema = schemaOf(field.type, refs ?? {})
    fields[name] = field.presence === "nullable"
      ? Schema.NullOr(schema)
      : field.presence === "optional"
      ? Schema.optionalKey(schema)
      : schema
  }
  // The mapped type above is what this loop builds; TypeScript cannot follow it through `Object.entries`.
  return fields as unknown as FieldsOf<M, R>
}
