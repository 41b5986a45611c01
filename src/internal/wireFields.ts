/**
 * How a field of the API's bodies is written, as the models' property
 * signatures: required, nullable (a missing key reads as `null`) or optional
 * (a stray `null` reads as absent), each under its snake_case wire name.
 *
 * Each property signature's transformation is recorded with its kind, so that
 * the compiled decoder (`decoder.ts`) applies it directly instead of through
 * the `Option`s of Effect's general property signature transformation.
 */
import type * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Wire from "../../core/Wire.js"

/**
 * - `nullable`: a missing key, or `undefined`, decodes to `null`.
 * - `optional`: a `null` decodes to an absent key.
 */
export type Kind = "nullable" | "optional"

const kinds = new WeakMap<object, Kind>()

const record = <P extends Schema.PropertySignature.All>(signature: P, kind: Kind): P => {
  if (signature.ast._tag === "PropertySignatureTransformation") kinds.set(signature.ast.decode, kind)
  return signature
}

/**
 * The kind of a property signature transformation's `decode`, if it is one
 * of the fields written here.
 */
export const kindOf = (decode: (o: Option.Option<unknown>) => Option.Option<unknown>): Kind | undefined =>
  kinds.get(decode)

/**
 * A field the API describes as required but nullable. The live service omits
 * some of them, so a missing key reads as `null`; encoding always writes it.
 */
export const nullable = <S extends Schema.Schema.Any, const Key extends string>(schema: S, key: Key) =>
  record(Schema.optionalWith(Schema.NullOr(schema), { default: () => null }).pipe(Schema.fromKey(key)), "nullable")

/**
 * A field that is optional and not nullable on the wire. A stray `null` is
 * read as absent rather than failing the whole body.
 */
export const optional = <S extends Schema.Schema.Any, const Key extends string>(schema: S, key: Key) =>
  record(Schema.optionalWith(schema, { nullable: true, exact: true }).pipe(Schema.fromKey(key)), "optional")

/** A required field under its wire name. */
export const required = <S extends Schema.Schema.Any, const Key extends string>(schema: S, key: Key) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(key))

// -----------------------------------------------------------------------------
// the core's tables as Schema fields
// -----------------------------------------------------------------------------

/** The models a table may refer to, by name. */
type Refs = { readonly [name: string]: Schema.Schema.Any }

/** The Schema of a field type of the core's tables. */
export type SchemaOf<T extends Wire.FieldType, R extends Refs> = T extends "string" ? typeof Schema.String
  : T extends "int" ? typeof Schema.Int
  : T extends "finite" ? typeof Schema.Finite
  : T extends "boolean" ? typeof Schema.Boolean
  : T extends "datetime" ? typeof Schema.DateTimeUtc
  : T extends "unknown" ? typeof Schema.Unknown
  : T extends "object" ? typeof JsonObject
  : T extends { readonly openEnum: ReadonlyArray<string> } ? typeof Schema.String
  : T extends { readonly model: infer M extends keyof R } ? R[M]
  : T extends { readonly arrayOf: infer I extends Wire.FieldType } ? Schema.Array$<SchemaOf<I, R>>
  : T extends { readonly oneOf: infer Ms extends ReadonlyArray<keyof R> } ? Schema.Union<{ [K in keyof Ms]: R[Ms[K]] }>
  : never

const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * An open enumeration is any string: the known values are documented, but a
 * value added to the API later must decode, so they are not checked.
 */
export const openEnum = (literals: ReadonlyArray<string>) =>
  Schema.String.annotations({ description: `One of ${literals.join(", ")}, or a value added to the API since.` })

const schemaOf = (type: Wire.FieldType, refs: Refs): Schema.Schema.Any => {
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
  return Schema.Union(...type.oneOf.map((name) => refOf(refs, name)))
}

const refOf = (refs: Refs, name: string): Schema.Schema.Any => {
  const schema = refs[name]
  if (schema === undefined) throw new Error(`fieldsOf: the Schema of ${name} was not given`)
  return schema
}

/** The property signature of a field of the core's tables. */
export type FieldOf<K, F extends Wire.Field, R extends Refs> = F["presence"] extends "nullable"
  ? ReturnType<typeof nullable<SchemaOf<F["type"], R>, F["wire"]>>
  : F["presence"] extends "optional" ? ReturnType<typeof optional<SchemaOf<F["type"], R>, F["wire"]>>
  : F["wire"] extends K ? SchemaOf<F["type"], R>
  : ReturnType<typeof required<SchemaOf<F["type"], R>, F["wire"]>>

/** The Schema fields of a model of the core's tables. */
export type FieldsOf<M extends Wire.Model, R extends Refs> = { readonly [K in keyof M]: FieldOf<K, M[K], R> }

/**
 * The Schema fields of a model of the core's tables, for `Schema.Class`:
 * `refs` gives the Schema of each model the table refers to by name.
 */
export const fieldsOf = <const M extends Wire.Model, const R extends Refs = {}>(
  model: M,
  refs?: R
): FieldsOf<M, R> => {
  const fields: Record<string, Schema.Schema.Any | Schema.PropertySignature.All> = {}
  for (const [name, field] of Object.entries(model)) {
    const schema = schemaOf(field.type, refs ?? {})
    fields[name] = field.presence === "nullable"
      ? nullable(schema, field.wire)
      : field.presence === "optional"
      ? optional(schema, field.wire)
      : field.wire === name
      ? schema
      : required(schema, field.wire)
  }
  // The mapped type above is what this loop builds; TypeScript cannot follow it through `Object.entries`.
  return fields as FieldsOf<M, R>
}
