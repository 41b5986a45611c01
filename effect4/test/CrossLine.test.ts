/**
 * Both lines decode the same bodies into the same models: the Effect 3
 * line's decoder (src/, on effect 3 from the repository's node_modules) and
 * this line's, on every fixture of the shared contract, compared field by
 * field once both are reduced to plain values.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import * as E3Decoder from "../../src/internal/decoder.js"
import * as E3Models from "../../src/Models.js"
import {
  ErrorResponseFromJson,
  GenerationContentResponseFromJson,
  GenerationResponseFromJson
} from "../src/internal/decoder.js"
import { fixture, fixtureNames } from "./utils/MockHttp.js"

/** A decoded model as plain data: date-times as epoch milliseconds, objects with their own keys in order. */
const plain = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value !== "object" || value === null) return value
  // effect 3's DateTime has `epochMillis`, effect 4's `epochMilliseconds`.
  if ("epochMillis" in value && typeof value.epochMillis === "number") return { epochMillis: value.epochMillis }
  if ("epochMilliseconds" in value && typeof value.epochMilliseconds === "number") {
    return { epochMillis: value.epochMilliseconds }
  }
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, plain(field)]))
}

const lines = [
  ["generation.", E3Models.GenerationResponse, GenerationResponseFromJson],
  ["content.", E3Models.GenerationContentResponse, GenerationContentResponseFromJson],
  ["error.", E3Models.ErrorResponse, ErrorResponseFromJson]
] as const

describe("the two lines", () => {
  it("decode every JSON fixture of the shared contract into the same fields and values", () => {
    let compared = 0
    for (const name of fixtureNames().filter((name) => name.endsWith(".json"))) {
      const line = lines.find(([prefix]) => name.startsWith(prefix))
      assert(line !== undefined, name)
      const [, e3Model, e4Decode] = line
      const text = fixture(name)
      const e3 = E3Decoder.compile(e3Model.ast)(JSON.parse(text), {})
      const e4 = e4Decode(text)
      assert(e4.ok, name)
      expect(e3).not.toBe(E3Decoder.failed)
      expect(plain(e4.value)).toEqual(plain(e3))
      compared++
    }
    expect(compared).toBeGreaterThanOrEqual(13)
  })
})
