import { assert, describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Equal from "effect/Equal"
import * as Schema from "effect/Schema"
import * as Wire from "../../core/Wire.js"
import { Models } from "../src/index.js"
import {
  ErrorResponseFromJson,
  GenerationContentResponseFromJson,
  GenerationResponseFromJson
} from "../src/internal/decoder.js"
import { fixture, fixtureNames } from "./utils/MockHttp.js"

const generation = (text: string) => {
  const result = GenerationResponseFromJson(text)
  if (!result.ok) throw new Error(`${result.problem.path}: ${result.problem.message}`)
  return result.value
}

describe("Models, as the calls decode them", () => {
  it("every fixture of the shared contract decodes into its model", () => {
    const names = fixtureNames()
    expect(names.length).toBeGreaterThanOrEqual(15)
    for (const name of names) {
      if (name.startsWith("generation.")) assert.instanceOf(generation(fixture(name)), Models.GenerationResponse)
      else if (name.startsWith("content.")) {
        const result = GenerationContentResponseFromJson(fixture(name))
        assert(result.ok, name)
        assert.instanceOf(result.value, Models.GenerationContentResponse)
      } else if (name.endsWith(".json")) {
        const result = ErrorResponseFromJson(fixture(name))
        assert(result.ok, name)
        expect(result.value.error.code).toBe(Number(name.split(".")[1]))
      } else {
        expect(ErrorResponseFromJson(fixture(name)).ok).toBe(false)
      }
    }
  })

  it("generation.full.json: every field in camelCase, dates as DateTime.Utc, nested models as classes", () => {
    const wire = JSON.parse(fixture("generation.full.json")).data
    const { data } = generation(fixture("generation.full.json"))
    assert.instanceOf(data, Models.GenerationData)
    expect(data.totalCost).toBe(wire.total_cost)
    expect(data.tokensPrompt).toBe(wire.tokens_prompt)
    expect(DateTime.toEpochMillis(data.createdAt)).toBe(Date.parse(wire.created_at))
    assert(data.providerResponses !== null)
    for (const response of data.providerResponses) assert.instanceOf(response, Models.ProviderResponse)
    expect(data.providerResponses.map((response) => response.providerName)).toEqual(
      wire.provider_responses.map((response: { provider_name?: string }) => response.provider_name)
    )
  })

  it("generation.null-heavy.json: nulls stay null, missing keys read as null, never 0", () => {
    const wire = JSON.parse(fixture("generation.null-heavy.json")).data
    const { data } = generation(fixture("generation.null-heavy.json"))
    let nulls = 0
    for (const [name, field] of Object.entries(Wire.GenerationData)) {
      if (field.presence !== "nullable" || (wire[field.wire] !== null && wire[field.wire] !== undefined)) continue
      nulls++
      expect(data[name as keyof Models.GenerationData]).toBeNull()
    }
    expect(nulls).toBeGreaterThan(10)
  })

  it("generation.future.json: unknown fields ignored, unknown enum values kept", () => {
    const wire = JSON.parse(fixture("generation.future.json")).data
    const { data } = generation(fixture("generation.future.json"))
    expect(data.apiType).toBe(wire.api_type)
    expect(data.dataRegion).toBe(wire.data_region)
    const known = new Set<string>(Object.values(Wire.GenerationData).map((field) => field.wire))
    const unknown = Object.keys(wire).filter((key) => !known.has(key))
    expect(unknown.length).toBeGreaterThan(0)
    for (const key of unknown) expect(Object.keys(data)).not.toContain(key)
  })

  it("an optional field sent as null reads as absent", () => {
    const body = JSON.parse(fixture("generation.full.json"))
    body.data.provider_responses[0].endpoint_id = null
    const { data } = generation(JSON.stringify(body))
    expect(data.providerResponses?.[0] !== undefined && "endpointId" in data.providerResponses[0]).toBe(false)
  })

  it("a decoded model is what its class's constructor makes of the same properties", () => {
    const { data } = generation(fixture("generation.full.json"))
    const constructed = new Models.GenerationData({ ...data })
    expect(Equal.equals(constructed, data)).toBe(true)
    expect(Schema.is(Models.GenerationData)(data)).toBe(true)
    expect(Object.keys(constructed)).toEqual(Object.keys(data))
  })

  it("content: a prompt or messages input, and a stored error with its attempts", () => {
    const legacy = GenerationContentResponseFromJson(fixture("content.prompt-legacy.json"))
    assert(legacy.ok)
    assert.instanceOf(legacy.value.data.input, Models.GenerationContentPrompt)
    expect(legacy.value.data.error).toBeNull()
    const failed = GenerationContentResponseFromJson(fixture("content.failed.json"))
    assert(failed.ok)
    assert.instanceOf(failed.value.data.error, Models.GenerationContentError)
    for (const attempt of failed.value.data.error.previousErrors) {
      assert.instanceOf(attempt, Models.GenerationContentErrorAttempt)
    }
  })
})
