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
