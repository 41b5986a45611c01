/**
 * The decoder of the SDK's calls: a model decoded at about the cost of one
 * pass over the JSON.
 *
 * Effect's parser decodes a `Schema.Class` whose fields are renamed
 * (`fromKey`) or defaulted (`optionalWith`) in three passes: the wire-keyed
 * struct, the property signature transformations (each deletes a key, which
 * turns the object into a dictionary), then the camelCase struct again, before
 * the constructor copies the properties twice more. On `generation.full.json`
 * that is several times the official client's zod schema. None of it is needed
 * to find out that a body is valid and what it decodes to.
 *
 * So a body decodes in two tiers:
 * - the success path: a decoder compiled once from the model's own AST, for the
 *   nodes the models are made of (keywords, literals, refinements, unions
 *   without discriminating literals, arrays, structs, transformations and
 *   declarations such as the classes and `DateTimeUtc`). It applies the same
 *   checks, filters and transformations as Effect's parser, in the same order,
 *   and builds no issue: it only answers "this value" or `failed`. Any other
 *   node is delegated to Effect's parser.
 * - anything else: the input is decoded again by Effect's parser with the
 *   model's AST, so a failure (its issues, paths and messages) is the one
 *   `Schema.decodeUnknown(schema)` reports.
 *
 * Nothing is written twice: the decoder is derived from the models, and
 * test/ModelsDecoder.test.ts checks that both tiers agree, on the fixtures,
 * every single change to them and arbitrary bodies.
 */
import * as Either from "effect/Either"
import * as Function from "effect/Function"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import * as Models from "../Models.js"
import * as wireFields from "./wireFields.js"

/** What a compiled decoder returns when the input does not decode (exported for the tests). */
export const failed: unique symbol = Symbol("@modelgates/effect/internal/decoder/failed")

/** Decodes the success path, or returns `failed`; never builds an issue. */
type Decode = (input: unknown, options: AST.ParseOptions) => unknown

const hasOwn = (self: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(self, key)

const isRecord = (input: unknown): input is Record<PropertyKey, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

/** A parser result: an `Either` is settled now; an `Effect` is left to Effect's parser. */
const settle = (result: Either.Either<unknown, ParseResult.ParseIssue> | object): unknown =>
  Either.isEither(result) && Either.isRight(result) ? result.right : failed

const delegate = (ast: AST.AST): Decode => {
  const decode = ParseResult.decodeUnknownEither(Schema.make(ast))
  return (input, options) => {
    const result = decode(input, options)
    return Either.isRight(result) ? result.right : failed
  }
}

const memo = new WeakMap<AST.AST, Decode>()

/** The success path's decoder of an AST, compiled once (exported for the tests). */
export const compile = (ast: AST.AST): Decode => {
  let decode = memo.get(ast)
  if (decode === undefined) {
    decode = make(ast)
    memo.set(ast, decode)
  }
  return decode
}

const make = (ast: AST.AST): Decode => {
  switch (ast._tag) {
    case "StringKeyword":
      return (input) => typeof input === "string" ? input : failed
    case "NumberKeyword":
      return (input) => typeof input === "number" ? input : failed
    case "BooleanKeyword":
      return (input) => typeof input === "boolean" ? input : failed
    case "UndefinedKeyword":
      return (input) => input === undefined ? input : failed
    case "UnknownKeyword":
    case "AnyKeyword":
      return (input) => input
    case "Literal": {
      const literal = ast.literal
      return (input) => input === literal ? input : failed
    }
    case "Refinement":
      return refinement(ast)
    case "Union":
      return union(ast)
    case "TupleType":
      return ast.elements.length === 0 && ast.rest.length === 1 ? array(compile(ast.rest[0].type)) : delegate(ast)
    case "TypeLiteral":
      return typeLiteral(ast)
    case "Transformation":
      return transformation(ast)
    case "Declaration": {
      const parse = ast.decodeUnknown(...ast.typeParameters)
      return (input, options) => settle(parse(input, options, ast))
    }
    case "Suspend": {
      let decode: Decode | undefined
      return (input, options) => (decode ??= compile(ast.f()))(input, options)
    }
    default:
      return delegate(ast)
  }
}

const refinement = (ast: AST.Refinement): Decode => {
  const from = compile(ast.from)
  return (input, options) => {
    const a = from(input, options)
    return a === failed || Option.isSome(ast.filter(a, options, ast)) ? failed : a
  }
}

// Effect's union tries first the members a discriminating literal selects,
// then the others in order. Without such literals it is the members in order,
// which is what this does; with them, the union is left to Effect.
const hasLiterals = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "Declaration":
      return Option.match(AST.getSurrogateAnnotation(ast), { onNone: () => false, onSome: hasLiterals })
    case "TypeLiteral":
      return ast.propertySignatures.some((ps) => !ps.isOptional && AST.isLiteral(AST.encodedAST(ps.type)))
    case "TupleType":
      return ast.elements.some((e) => !e.isOptional && AST.isLiteral(AST.encodedAST(e.type)))
    case "Refinement":
      return hasLiterals(ast.from)
    case "Transformation":
      return hasLiterals(ast.from)
    case "Suspend":
      return true
    default:
      return false
  }
}

const isNullish = (ast: AST.AST): boolean => AST.isUndefinedKeyword(ast) || (AST.isLiteral(ast) && ast.literal === null)

const union = (ast: AST.Union): Decode => {
  if (ast.types.some(hasLiterals)) return delegate(ast)
  const members = ast.types.map(compile)
  // `S | null` and `S | null | undefined`, the models' nullable fields: the
  // same tries in the same order, without the loop
  if (members.length <= 3 && ast.types.slice(1).every(isNullish)) {
    const first = members[0]
    const acceptsNull = ast.types.some((t) => AST.isLiteral(t) && t.literal === null)
    const acceptsUndefined = ast.types.slice(1).some(AST.isUndefinedKeyword)
    return (input, options) => {
      const a = first(input, options)
      if (a !== failed) return a
      return (input === null && acceptsNull) || (input === undefined && acceptsUndefined) ? input : failed
    }
  }
  return (input, options) => {
    for (let i = 0; i < members.length; i++) {
      const a = members[i](input, options)
      if (a !== failed) return a
    }
    return failed
  }
}

const array = (item: Decode): Decode => (input, options) => {
  if (!Array.isArray(input)) return failed
  const out: Array<unknown> = new Array(input.length)
  for (let i = 0; i < input.length; i++) {
    const a = item(input[i], options)
    if (a === failed) return failed
    out[i] = a
  }
  return out
}

const typeLiteral = (ast: AST.TypeLiteral): Decode => {
  if (ast.indexSignatures.length > 0) return delegate(ast)
  if (ast.propertySignatures.length === 0) return (input) => input === null || input === undefined ? failed : input
  const names = ast.propertySignatures.map((ps) => ps.name)
  const optional = ast.propertySignatures.map((ps) => ps.isOptional)
  const types = ast.propertySignatures.map((ps) => compile(ps.type))
  return (input, options) => {
    if (!isRecord(input)) return failed
    const out: Record<PropertyKey, unknown> = {}
    for (let i = 0; i < names.length; i++) {
      const name = names[i]
      // a missing required key is decoded as `undefined`, as Effect does
      // unless `exact` is set (see `isSupported`)
      if (optional[i] && !hasOwn(input, name)) continue
      const a = types[i](input[name], options)
      if (a === failed) return failed
      out[name] = a
    }
    return out
  }
}

type Transform = (a: unknown, options: AST.ParseOptions, input: unknown) => unknown

const transformation = (ast: AST.Transformation): Decode => renamedClass(ast) ?? generalTransformation(ast)

const generalTransformation = (ast: AST.Transformation): Decode => {
  const kind = ast.transformation
  if (kind._tag === "TypeLiteralTransformation") {
    const fused = renamedStruct(ast, kind.propertySignatureTransformations)
    if (fused !== undefined) return fused
  }
  const from = compile(ast.from)
  const to = compile(ast.to)
  const transform = transformOf(ast)
  return (input, options) => {
    const a = from(input, options)
    if (a === failed) return failed
    const b = transform(a, options, input)
    return b === failed ? failed : to(b, options)
  }
}

const transformOf = (ast: AST.Transformation): Transform => {
  const kind = ast.transformation
  switch (kind._tag) {
    case "FinalTransformation": {
      const decode: Transform = (a, options, input) => settle(kind.decode(a, options, ast, input))
      return AST.isDeclaration(ast.to) ? classConstructor(ast, decode) ?? decode : decode
    }
    case "ComposeTransformation":
      return (a) => a
    case "TypeLiteralTransformation":
      return renaming(kind.propertySignatureTransformations)
  }
}

// The prototypes of the model classes, by the declaration their AST ends in.
const modelPrototypes = new Map<AST.AST, object>()
for (const value of Object.values(Models)) {
  if (typeof value === "function" && Schema.isSchema(value) && "fields" in value && AST.isTransformation(value.ast)) {
    modelPrototypes.set(value.ast.to, value.prototype)
  }
}

/**
 * A model class decodes its properties, then runs `new Class(props, true)`:
 * a copy of the properties, a loop over every field for constructor defaults
 * and a second copy onto the instance. For `GenerationData` that costs as much
 * as the rest of its decode. With validation off, what that constructor makes
 * is the class's prototype with the properties as own properties, a default
 * filled in where a property is `undefined`; this builds the same object in
 * one copy.
 *
 * Only for the classes of `Models.ts`, and only once the constructor is seen
 * to do exactly that: built from the same properties both ways, the two
 * objects have the same prototype and the same own properties, in the same
 * order, with the same values and attributes. Properties a default would fill
 * in go through the constructor.
 */
const classConstructor = (ast: AST.Transformation, construct: Transform): Transform | undefined => {
  const shape = classShape(ast, construct)
  if (shape === undefined) return undefined
  const { defaults, prototype } = shape
  return (a, options, input) => {
    if (!isRecord(a)) return failed
    for (let i = 0; i < defaults.length; i++) {
      if (a[defaults[i]] === undefined) return construct(a, options, input)
    }
    // a plain copy given the prototype, for the reason given at `renamedClass`
    return Object.setPrototypeOf({ ...a }, prototype)
  }
}

/**
 * The prototype of a model class and the properties its constructor fills in
 * with a default, once the constructor is seen to build nothing else (see
 * {@link classConstructor}).
 */
const classShape = (
  ast: AST.Transformation,
  construct: Transform
): { readonly prototype: object; readonly defaults: ReadonlyArray<PropertyKey> } | undefined => {
  const prototype = modelPrototypes.get(ast.to)
  const fields = AST.typeAST(ast.from)
  if (prototype === undefined || !AST.isTypeLiteral(fields)) return undefined
  const empty = construct({}, AST.defaultParseOption, undefined)
  const sample: Record<PropertyKey, unknown> = {}
  for (const ps of fields.propertySignatures) sample[ps.name] = { field: ps.name }
  const constructed = construct(sample, AST.defaultParseOption, undefined)
  if (
    !isRecord(empty) || !isRecord(constructed) ||
    !isSameObject(constructed, Object.assign(Object.create(prototype), sample))
  ) {
    return undefined
  }
  return { prototype, defaults: Reflect.ownKeys(empty) }
}

/**
 * A model class whose fields are renamed on the wire decodes in one pass,
 * straight into the instance: the properties {@link renamedStruct} builds, in
 * its order, on an object that is then given the class's prototype, which is
 * what {@link classConstructor} would make of them. Such an object is an
 * instance, so the class's own `instanceof` check is not run again. If a
 * property the constructor would fill in with a default is missing, the input
 * takes the two-step path.
 *
 * The properties are written on a plain object first: written one by one on
 * `Object.create(prototype)`, the 45 of `GenerationData` left the instance
 * with V8's dictionary (slow) properties, as `%HasFastProperties` shows: a
 * hash table built per body, and every read of a field a lookup. Written on a
 * plain object, it keeps fast properties.
 */
const renamedClass = (ast: AST.Transformation): Decode | undefined => {
  const kind = ast.transformation
  const fields = ast.from
  if (
    kind._tag !== "FinalTransformation" || !AST.isTransformation(fields) ||
    fields.transformation._tag !== "TypeLiteralTransformation"
  ) {
    return undefined
  }
  const shape = classShape(ast, (a, options, input) => settle(kind.decode(a, options, ast, input)))
  if (shape === undefined) return undefined
  const { defaults, prototype } = shape
  const decode = renamedStruct(fields, fields.transformation.propertySignatureTransformations)
  if (decode === undefined) return undefined
  let twoStep: Decode | undefined
  return (input, options) => {
    const out = decode(input, options)
    if (out === failed) return failed
    for (let i = 0; i < defaults.length; i++) {
      if ((out as Record<PropertyKey, unknown>)[defaults[i]] === undefined) {
        return (twoStep ??= generalTransformation(ast))(input, options)
      }
    }
    return Object.setPrototypeOf(out, prototype)
  }
}

const isSameObject = (self: object, that: object): boolean => {
  if (Object.getPrototypeOf(self) !== Object.getPrototypeOf(that)) return false
  if (Object.isExtensible(self) !== Object.isExtensible(that)) return false
  const keys = Reflect.ownKeys(self)
  const other = Reflect.ownKeys(that)
  return keys.length === other.length && keys.every((key, i) => {
    const a = Reflect.getOwnPropertyDescriptor(self, key)
    const b = Reflect.getOwnPropertyDescriptor(that, key)
    return key === other[i] && a !== undefined && b !== undefined && a.value === b.value &&
      a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable &&
      a.get === b.get && a.set === b.set
  })
}

// Effect's own algorithm: the property signature transformations one after
// the other, in place (here on a copy).
const renaming = (transformations: ReadonlyArray<AST.PropertySignatureTransformation>): Transform => (a) => {
  if (!isRecord(a)) return failed
  const out: Record<PropertyKey, unknown> = { ...a }
  for (const t of transformations) {
    const o = t.decode(hasOwn(out, t.from) ? Option.some(out[t.from]) : Option.none())
    delete out[t.from]
    if (Option.isSome(o)) out[t.to] = o.value
  }
  return out
}

type FieldKind = "copy" | wireFields.Kind

/**
 * A struct of the models' fields (`wireFields.ts`: renamed, nullable or
 * optional) decodes in one pass from the wire object to the renamed one.
 *
 * Effect decodes the wire struct, renames in place, then decodes the renamed
 * struct. That last pass only checks each value against the type side of the
 * schema that just decoded it (`Schema.Struct` gives a renamed field the type
 * side of its wire schema, and a nullable or optional field that type or
 * `null`), which decoding already guarantees, so it is skipped. Any other
 * property signature transformation, or a struct with index signatures, takes
 * the general path.
 */
const renamedStruct = (
  ast: AST.Transformation,
  transformations: ReadonlyArray<AST.PropertySignatureTransformation>
): Decode | undefined => {
  const { from, to } = ast
  if (
    !AST.isTypeLiteral(from) || !AST.isTypeLiteral(to) || from.indexSignatures.length > 0 ||
    to.indexSignatures.length > 0 || from.propertySignatures.length !== to.propertySignatures.length
  ) {
    return undefined
  }
  const sources: Array<PropertyKey> = []
  const targets: Array<PropertyKey> = []
  const optional: Array<boolean> = []
  const types: Array<Decode> = []
  const kinds: Array<FieldKind> = []
  for (let i = 0; i < from.propertySignatures.length; i++) {
    const ps = from.propertySignatures[i]
    const t = transformations.find((t) => t.from === ps.name)
    const target = t === undefined ? ps.name : t.to
    const kind = t === undefined || t.decode === Function.identity ? "copy" : wireFields.kindOf(t.decode)
    if (kind === undefined || to.propertySignatures[i].name !== target) return undefined
    sources.push(ps.name)
    targets.push(target)
    optional.push(ps.isOptional)
    types.push(compile(ps.type))
    kinds.push(kind)
  }
  return (input, options) => {
    if (!isRecord(input)) return failed
    const out: Record<PropertyKey, unknown> = {}
    for (let i = 0; i < sources.length; i++) {
      const key = sources[i]
      if (optional[i] && !hasOwn(input, key)) {
        if (kinds[i] === "nullable") out[targets[i]] = null
        continue
      }
      // a missing required key is decoded as `undefined`, as in `typeLiteral`
      const a = types[i](input[key], options)
      if (a === failed) return failed
      switch (kinds[i]) {
        case "copy": {
          out[targets[i]] = a
          break
        }
        case "nullable": {
          out[targets[i]] = a === undefined ? null : a
          break
        }
        case "optional": {
          if (a !== null) out[targets[i]] = a
          break
        }
      }
    }
    return out
  }
}

// Options that change what succeeds are left to Effect's parser: `exact`
// (a missing key is not `undefined`), `onExcessProperty` other than "ignore"
// and `propertyOrder: "original"`.
const isSupported = (options: AST.ParseOptions): boolean =>
  options.exact !== true && (options.onExcessProperty ?? "ignore") === "ignore" &&
  options.propertyOrder !== "original"

/**
 * The same schema, decoding through a compiled success path first; what the
 * success path does not accept is decoded by Effect's parser, so failures are
 * reported exactly as `schema` reports them. Encoding is `schema`'s.
 */
export const fast = <A, I, R>(schema: Schema.Schema<A, I, R>): Schema.Schema<A, I, R> =>
  Schema.declare([schema], {
    decode: (item) => {
      const decodeFast = compile(item.ast)
      const isType = ParseResult.is(Schema.typeSchema(item))
      const decodeStandard = ParseResult.decodeUnknown(item)
      return (input, options) => {
        if (isSupported(options)) {
          const a = decodeFast(input, options)
          if (a !== failed && isType(a)) return ParseResult.succeed(a)
        }
        return decodeStandard(input, options)
      }
    },
    encode: (item) => {
      const encode = ParseResult.encodeUnknown(item)
      return (input, options) => encode(input, options)
    }
  }, { title: String(schema.ast) })

/**
 * `Schema.parseJson(schema)`, decoding through {@link fast}.
 */
export const fromJson = <A, I, R>(schema: Schema.Schema<A, I, R>): Schema.Schema<A, string, R> =>
  Schema.parseJson(fast(schema))

/** The body of `GET /generation`, from its JSON text. */
export const GenerationResponseFromJson: Schema.Schema<Models.GenerationResponse, string> = fromJson(
  Models.GenerationResponse
)

/** The body of `GET /generation/content`, from its JSON text. */
export const GenerationContentResponseFromJson: Schema.Schema<Models.GenerationContentResponse, string> = fromJson(
  Models.GenerationContentResponse
)
