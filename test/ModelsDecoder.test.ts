import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck, ParseResult, Schema, type SchemaAST } from "effect"
import * as fs from "node:fs"
import { isDeepStrictEqual } from "node:util"
import * as decoder from "../src/internal/decoder.js"
import * as Models from "../src/Models.js"
import { fixture, fixturesDir } from "./utils/MockHttp.js"

// The decoder the SDK's calls use (src/internal/decoder.ts) must give what
// the models give: the same value on success, the same issues on failure.

type Outcome =
  | { readonly _tag: "Decoded"; readonly value: unknown }
  | {
    readonly _tag: "Refused"
    readonly issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>
    readonly message: string
  }

const outcomeOf = (result: Either.Either<unknown, ParseResult.ParseError>): Outcome =>
  Either.match(result, {
    onRight: (value): Outcome => ({ _tag: "Decoded", value }),
    onLeft: (error): Outcome => ({
      _tag: "Refused",
      issues: ParseResult.ArrayFormatter.formatErrorSync(error),
      message: error.message
    })
  })

const expectSameOutcome = (fast: Outcome, standard: Outcome): void => {
  expect(fast).toStrictEqual(standard)
  // prototypes all the way down, which the equality testers leave to `Equal`
  expect(isDeepStrictEqual(fast, standard)).toBe(true)
}

const models: ReadonlyArray<{
  readonly name: string
  readonly schema: Schema.Schema.AnyNoContext
  readonly fromJson: Schema.Schema.AnyNoContext
}> = [
  { name: "GenerationResponse", schema: Models.GenerationResponse, fromJson: decoder.GenerationResponseFromJson },
  {
    name: "GenerationContentResponse",
    schema: Models.GenerationContentResponse,
    fromJson: decoder.GenerationContentResponseFromJson
  }
]

const bodies = fs.readdirSync(fixturesDir).filter((name) =>
  /^(generation|content|error)\.[^.]+\.(json|html)$/.test(name)
)

// -----------------------------------------------------------------------------
// mutations of a wire value, at a random place in it
// -----------------------------------------------------------------------------

const copy = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(copy)
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)]))
  }
  return value
}

type Slot = { readonly parent: Record<string, unknown> | Array<unknown>; readonly key: string | number }

const slotsOf = (parent: Record<string, unknown> | Array<unknown>, out: Array<Slot> = []): Array<Slot> => {
  const entries: Array<[string | number, unknown]> = Array.isArray(parent)
    ? parent.map((item, i) => [i, item])
    : Object.entries(parent)
  for (const [key, value] of entries) {
    out.push({ parent, key })
    if (Array.isArray(value)) slotsOf(value, out)
    else if (typeof value === "object" && value !== null) slotsOf(value as Record<string, unknown>, out)
  }
  return out
}

const operations = ["none", "delete", "null", "undefined", "float", "date", "extra", "replace"] as const

interface Mutation {
  readonly at: number
  readonly operation: typeof operations[number]
  readonly value: unknown
}

const mutation: FastCheck.Arbitrary<Mutation> = FastCheck.record({
  at: FastCheck.nat(),
  operation: FastCheck.constantFrom(...operations),
  value: FastCheck.jsonValue()
})

const mutate = (wire: unknown, { at, operation, value }: Mutation): unknown => {
  const root: Record<string, unknown> = { body: copy(wire) }
  const slots = slotsOf(root)
  const { key, parent } = slots[at % slots.length]
  const set = (next: unknown) => {
    if (Array.isArray(parent)) parent[Number(key)] = next
    else parent[key] = next
  }
  switch (operation) {
    case "none":
      break
    case "delete": {
      if (Array.isArray(parent)) parent.splice(Number(key), 1)
      else delete parent[key]
      break
    }
    case "null":
      set(null)
      break
    case "undefined":
      set(undefined)
      break
    case "float":
      set(1.5)
      break
    case "date":
      set("yesterday")
      break
    case "extra": {
      if (!Array.isArray(parent)) parent["added_by_a_later_api"] = value
      break
    }
    case "replace":
      set(value)
      break
  }
  return root.body
}

const parseOptions: ReadonlyArray<SchemaAST.ParseOptions | undefined> = [
  undefined,
  { errors: "all" },
  { onExcessProperty: "error" },
  { onExcessProperty: "preserve" },
  { exact: true },
  { propertyOrder: "original" }
]

describe("the call decoder (internal/decoder.ts)", () => {
  describe("every fixture, as each response body", () => {
    for (const body of bodies) {
      for (const { fromJson, name, schema } of models) {
        it(`${body} as ${name}: the same outcome as Schema.parseJson(Models.${name})`, () => {
          const text = fixture(body)
          const standard = outcomeOf(Schema.decodeUnknownEither(Schema.parseJson(schema))(text))
          expectSameOutcome(outcomeOf(Schema.decodeUnknownEither(fromJson)(text)), standard)
          if (body.startsWith(name === "GenerationResponse" ? "generation." : "content.")) {
            expect(standard._tag).toBe("Decoded")
          }
        })
      }
    }

    for (const body of bodies.filter((name) => name.endsWith(".json"))) {
      it(`${body}: every change at one place (missing, null, undefined, 1.5, a bad date, an extra key, another value) decodes as the model decodes it`, () => {
        const wire: unknown = JSON.parse(fixture(body))
        const slots = slotsOf({ body: wire }).length
        for (const { schema } of models) {
          const fast = decoder.fast(schema)
          for (let at = 0; at < slots; at++) {
            for (const operation of operations) {
              for (const value of operation === "replace" ? ["text", 0, true, {}, []] : [null]) {
                const changed = mutate(wire, { at, operation, value })
                expectSameOutcome(
                  outcomeOf(Schema.decodeUnknownEither(fast)(changed)),
                  outcomeOf(Schema.decodeUnknownEither(schema)(changed))
                )
              }
            }
          }
        }
      })
    }

    it("the bodies of both operations decode on the compiled path, without falling back", () => {
      for (const body of bodies.filter((name) => name.startsWith("generation.") || name.startsWith("content."))) {
        const schema = body.startsWith("generation.") ? Models.GenerationResponse : Models.GenerationContentResponse
        const decoded = decoder.compile(schema.ast)(JSON.parse(fixture(body)), {})
        expect(decoded, body).not.toBe(decoder.failed)
        expect(isDeepStrictEqual(decoded, Schema.decodeUnknownSync(Schema.parseJson(schema))(fixture(body)))).toBe(true)
      }
    })
  })

  describe("errors name the wire field, as the model's do", () => {
    const full = (): Record<string, unknown> => JSON.parse(fixture("generation.full.json"))
    const refuse = (edit: (data: Record<string, unknown>) => void) => {
      const body = full()
      edit(body.data as Record<string, unknown>)
      const text = JSON.stringify(body)
      const fast = outcomeOf(Schema.decodeUnknownEither(decoder.GenerationResponseFromJson)(text))
      expectSameOutcome(fast, outcomeOf(Schema.decodeUnknownEither(Schema.parseJson(Models.GenerationResponse))(text)))
      return fast
    }

    it("data.created_at", () => {
      const outcome = refuse((data) => {
        data.created_at = "yesterday"
      })
      expect(outcome._tag === "Refused" && outcome.issues[0].path).toEqual(["data", "created_at"])
    })

    it("data.provider_responses.0.status", () => {
      const outcome = refuse((data) => {
        ;(data.provider_responses as Array<Record<string, unknown>>)[0].status = 529.5
      })
      expect(outcome._tag === "Refused" && outcome.issues[0].path).toEqual(["data", "provider_responses", 0, "status"])
    })

    it("data.tokens_prompt", () => {
      const outcome = refuse((data) => {
        data.tokens_prompt = "1001"
      })
      expect(outcome._tag === "Refused" && outcome.issues[0].path).toEqual(["data", "tokens_prompt"])
    })
  })

  for (const { name, schema } of models) {
    describe(name, () => {
      const fast = decoder.fast(schema)
      const encode = Schema.encodeSync(schema)

      it("agrees with the model on mutated wire values, with every parse option", () => {
        FastCheck.assert(
          FastCheck.property(
            Arbitrary.make(schema),
            mutation,
            FastCheck.constantFrom(...parseOptions),
            (value, change, options) => {
              const wire = mutate(encode(value), change)
              expectSameOutcome(
                outcomeOf(Schema.decodeUnknownEither(fast)(wire, options)),
                outcomeOf(Schema.decodeUnknownEither(schema)(wire, options))
              )
              const text = JSON.stringify(wire) ?? "undefined"
              expectSameOutcome(
                outcomeOf(Schema.decodeUnknownEither(decoder.fromJson(schema))(text, options)),
                outcomeOf(Schema.decodeUnknownEither(Schema.parseJson(schema))(text, options))
              )
            }
          ),
          { numRuns: 400 }
        )
      })

      it("agrees with the model on arbitrary values of the wire shape", () => {
        FastCheck.assert(
          FastCheck.property(Arbitrary.make(Schema.encodedSchema(schema)), (wire) => {
            expectSameOutcome(
              outcomeOf(Schema.decodeUnknownEither(fast)(wire)),
              outcomeOf(Schema.decodeUnknownEither(schema)(wire))
            )
          }),
          { numRuns: 200 }
        )
      })

      it("encodes as the model does", () => {
        FastCheck.assert(
          FastCheck.property(Arbitrary.make(schema), (value) => {
            expect(Schema.encodeSync(fast)(value)).toStrictEqual(encode(value))
            expect(Schema.encodeSync(decoder.fromJson(schema))(value)).toBe(
              Schema.encodeSync(Schema.parseJson(schema))(value)
            )
          }),
          { numRuns: 50 }
        )
      })
    })
  }

  describe("schemas beyond the models", () => {
    class Tagged extends Schema.TaggedClass<Tagged>()("Tagged", { count: Schema.Int }) {}
    interface Tree {
      readonly label: string
      readonly children: ReadonlyArray<Tree>
    }
    const Tree: Schema.Schema<Tree> = Schema.Struct({
      label: Schema.String,
      children: Schema.Array(Schema.suspend(() => Tree))
    })
    const schemas: Record<string, Schema.Schema.AnyNoContext> = {
      "a struct with a decoding default and a renamed key": Schema.Struct({
        count: Schema.optionalWith(Schema.NumberFromString, { default: () => 0 }),
        name: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("full_name"))
      }),
      "a discriminated union": Schema.Union(
        Schema.Struct({ kind: Schema.Literal("a"), a: Schema.Number }),
        Schema.Struct({ kind: Schema.Literal("b"), b: Schema.String })
      ),
      "a record": Schema.Record({ key: Schema.String, value: Schema.Int }),
      "a tagged class": Tagged,
      "a recursive schema": Tree,
      "a tuple and an option": Schema.Tuple(Schema.String, Schema.OptionFromNullOr(Schema.Number))
    }
    for (const [description, schema] of Object.entries(schemas)) {
      it(`${description}: the same outcome as the schema itself`, () => {
        const fast = decoder.fast(schema)
        const encode = Schema.encodeSync(schema)
        FastCheck.assert(
          FastCheck.property(
            FastCheck.oneof(Arbitrary.make(schema).map(encode), Arbitrary.make(Schema.encodedSchema(schema))),
            mutation,
            (wire, change) => {
              const changed = mutate(wire, change)
              expectSameOutcome(
                outcomeOf(Schema.decodeUnknownEither(fast)(changed)),
                outcomeOf(Schema.decodeUnknownEither(schema)(changed))
              )
            }
          ),
          { numRuns: 200 }
        )
      })
    }
  })
})
