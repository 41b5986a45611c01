import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, DateTime, Either, FastCheck, ParseResult, Schema } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { Models } from "../src/index.js"
import { fixture, fixtureJson, fixturesDir } from "./utils/MockHttp.js"

const decodeGeneration = Schema.decodeUnknownSync(Schema.parseJson(Models.GenerationResponse))
const decodeContent = Schema.decodeUnknownSync(Schema.parseJson(Models.GenerationContentResponse))
const decodeGenerationEither = Schema.decodeUnknownEither(Models.GenerationResponse)

// The contract lives beside the repository (CI clones it there). The tests read the copies kept in test/fixtures, so
// they run without it; only this comparison of the copies with their source needs it, and says so when it is skipped.
const contract = path.resolve(fixturesDir, "../../../shared/spec")

describe("Models", () => {
  it.skipIf(!fs.existsSync(contract))(
    "the fixtures kept with the tests are the contract's (needs ../shared/spec)",
    () => {
      for (const name of fs.readdirSync(path.join(contract, "fixtures"))) {
        expect(fixture(name), name).toBe(fs.readFileSync(path.join(contract, "fixtures", name), "utf8"))
      }
      expect(fixture("generations.openapi.json")).toBe(
        fs.readFileSync(path.join(contract, "generations.openapi.json"), "utf8")
      )
    }
  )

  describe("GenerationResponse", () => {
    it("decodes generation.full.json with every field", () => {
      const { data } = decodeGeneration(fixture("generation.full.json"))
      expect(data).toBeInstanceOf(Models.GenerationData)
      expect(data.id).toBe("gen-1763633730-Qm9kZWxHYXRlcyBmdWxs")
      expect(DateTime.formatIso(data.createdAt)).toBe("2026-11-20T10:15:30.123Z")
      expect(data.model).toBe("anthropic/claude-sonnet-4.5")
      expect(data.totalCost).toBe(0.010734)
      expect(data.usage).toBe(0.010734)
      expect(data.cacheDiscount).toBe(0.00042)
      expect(data.upstreamInferenceCost).toBeNull()
      expect(data.tokensPrompt).toBe(1001)
      expect(data.tokensCompletion).toBe(498)
      expect(data.nativeTokensPrompt).toBe(1024)
      expect(data.nativeTokensCompletion).toBe(512)
      expect(data.nativeTokensReasoning).toBe(128)
      expect(data.nativeTokensCached).toBe(768)
      expect(data.nativeTokensCompletionImages).toBe(0)
      expect(data.latency).toBe(2104.25)
      expect(data.generationTime).toBe(1830.5)
      expect(data.moderationLatency).toBe(12.5)
      expect(data.apiType).toBe("completions")
      expect(data.dataRegion).toBe("global")
      expect(data.providerName).toBe("Anthropic")
      expect(data.isByok).toBe(false)
      expect(data.streamed).toBe(true)
      expect(data.cancelled).toBe(false)
      expect(data.appId).toBe(48213)
      expect(data.sessionId).toBe("sess-42")
      expect(data.requestId).toBe("req-1763633730-aBcDeFgHiJkLmNoP")
      expect(data.responseCacheSourceId).toBeNull()
      expect(data.router).toBeNull()
      expect(data.workspaceId).toBe("550e8400-e29b-41d4-a716-446655440000")
      expect(data.finishReason).toBe("stop")
      expect(data.nativeFinishReason).toBe("end_turn")
      expect(data.serviceTier).toBe("priority")
      expect(data.providerResponses).toHaveLength(2)
      const [fallback, served] = data.providerResponses!
      expect(fallback).toMatchObject({
        status: 529,
        providerName: "Amazon Bedrock",
        endpointId: "ep_9f2c",
        latency: 900,
        isByok: false,
        modelPermaslug: "anthropic/claude-4.5-sonnet-20250929"
      })
      expect(fallback.routedServiceTier).toBeUndefined()
      expect(served).toMatchObject({ status: 200, providerName: "Anthropic", routedServiceTier: "priority" })
    })

    it("decodes generation.null-heavy.json: nulls stay null, missing keys read as null, never 0", () => {
      const { data } = decodeGeneration(fixture("generation.null-heavy.json"))
      expect(data.appId).toBeNull()
      expect(data.moderationLatency).toBeNull()
      expect(data.externalUser).toBeNull()
      expect(data.numMediaPrompt).toBeNull()
      expect(data.numSearchResults).toBeNull()
      expect(data.nativeTokensPrompt).toBeNull()
      expect(data.providerResponses).toBeNull()
      expect(data.apiType).toBeNull()
      // absent from the body altogether
      expect(data.workspaceId).toBeNull()
      expect(data.requestId).toBeNull()
      expect(data.responseCacheSourceId).toBeNull()
      expect(data.sessionId).toBeNull()
      // present values are kept
      expect(data.origin).toBe("")
      expect(data.tokensPrompt).toBe(120)
      expect(data.totalCost).toBe(0.003294)
    })

    it("a missing nullable token count or cost is null, not 0", () => {
      const body = fixtureJson("generation.full.json")
      const data = body.data as Record<string, unknown>
      delete data.tokens_prompt
      delete data.upstream_inference_cost
      delete data.cache_discount
      const decoded = Schema.decodeUnknownSync(Models.GenerationResponse)(body)
      expect(decoded.data.tokensPrompt).toBeNull()
      expect(decoded.data.cacheDiscount).toBeNull()
      expect(decoded.data.upstreamInferenceCost).toBeNull()
    })

    it("decodes generation.future.json: unknown fields ignored, unknown enum values kept", () => {
      const { data } = decodeGeneration(fixture("generation.future.json"))
      expect(data.apiType).toBe("tools_invoke")
      expect(data.dataRegion).toBe("apac")
      expect(data.providerName).toBe("Hyperion Cloud")
      expect(data.providerResponses![1].providerName).toBe("Hyperion Cloud")
      expect(data.providerResponses![1].routedServiceTier).toBe("batch")
      expect(Object.keys(data)).not.toContain("numToolCalls")
      expect(Object.keys(data)).not.toContain("num_tool_calls")
      expect(Schema.is(Models.KnownApiType)(data.apiType)).toBe(false)
      expect(Schema.is(Models.KnownApiType)("stt")).toBe(true)
    })

    it("encodes back to the wire shape", () => {
      const decoded = decodeGeneration(fixture("generation.full.json"))
      const wire = Schema.encodeSync(Models.GenerationResponse)(decoded)
      const original = fixtureJson("generation.full.json").data as Record<string, unknown>
      expect(Object.keys(wire.data).sort()).toEqual(Object.keys(original).sort())
      expect(wire.data.total_cost).toBe(0.010734)
      expect(wire.data.created_at).toBe("2026-11-20T10:15:30.123Z")
      expect(wire.data.provider_responses![1]).toEqual(
        (original.provider_responses as ReadonlyArray<unknown>)[1]
      )
    })

    for (
      const [field, value] of [
        ["id", undefined],
        ["created_at", undefined],
        ["model", undefined],
        ["origin", undefined],
        ["is_byok", undefined],
        ["total_cost", undefined],
        ["usage", undefined],
        ["data_region", undefined],
        ["total_cost", null],
        ["total_cost", "0.01"],
        ["created_at", "yesterday"],
        ["tokens_prompt", 1.5]
      ] as const
    ) {
      it(`refuses a body whose ${field} is ${value === undefined ? "missing" : JSON.stringify(value)}`, () => {
        const body = fixtureJson("generation.full.json")
        const data = body.data as Record<string, unknown>
        if (value === undefined) delete data[field]
        else data[field] = value
        const issues = Either.match(decodeGenerationEither(body), {
          onLeft: ParseResult.ArrayFormatter.formatErrorSync,
          onRight: () => []
        })
        // Refused, and every issue is about that field.
        expect([...new Set(issues.map((issue) => issue.path.join(".")))]).toEqual([`data.${field}`])
      })
    }

    it("round-trips any GenerationResponse built by Arbitrary.make", () => {
      const arbitrary = Arbitrary.make(Models.GenerationResponse)
      const encode = Schema.encodeSync(Models.GenerationResponse)
      const decode = Schema.decodeUnknownSync(Models.GenerationResponse)
      FastCheck.assert(
        FastCheck.property(arbitrary, (response) => {
          const again = decode(encode(response))
          expect(again).toEqual(response)
          expect(DateTime.toEpochMillis(again.data.createdAt)).toBe(DateTime.toEpochMillis(response.data.createdAt))
          // and what it encodes to survives a trip through JSON text
          expect(decode(JSON.parse(JSON.stringify(encode(response))))).toBeInstanceOf(Models.GenerationResponse)
        }),
        { numRuns: 200 }
      )
    })
  })

  describe("GenerationContentResponse", () => {
    it("decodes content.messages.json", () => {
      const { data } = decodeContent(fixture("content.messages.json"))
      expect(data.input).toBeInstanceOf(Models.GenerationContentMessages)
      const input = data.input as Models.GenerationContentMessages
      expect(input.messages).toHaveLength(2)
      expect(input.messages[0]).toEqual({ role: "system", content: "You are terse." })
      expect(input.messages[1]).toEqual({
        role: "user",
        content: [{ type: "text", text: "What is the meaning of life?" }]
      })
      expect(data.output.completion).toBe("42, give or take.")
      expect(data.output.reasoning).toBe("The user quotes a famous joke.")
      expect(data.error).toBeNull()
    })

    it("decodes content.prompt-legacy.json, which has no error key", () => {
      const { data } = decodeContent(fixture("content.prompt-legacy.json"))
      expect(data.input).toBeInstanceOf(Models.GenerationContentPrompt)
      expect("prompt" in data.input && data.input.prompt).toBe("Complete: The quick brown fox")
      expect(data.output.completion).toBe(" jumps over the lazy dog.")
      expect(data.output.reasoning).toBeNull()
      expect(data.error).toBeNull()
    })

    it("decodes content.failed.json with its stored error and earlier attempts", () => {
      const { data } = decodeContent(fixture("content.failed.json"))
      expect(data.output.completion).toBeNull()
      expect(data.output.reasoning).toBeNull()
      expect(data.error).toBeInstanceOf(Models.GenerationContentError)
      expect(data.error).toMatchObject({
        status: 504,
        message: "Timed out waiting for the provider",
        providerName: "Vertex",
        raw: "{\"error\":{\"code\":504,\"message\":\"Deadline exceeded\"}}"
      })
      expect(data.error!.previousErrors).toHaveLength(1)
      expect(data.error!.previousErrors[0]).toMatchObject({
        code: 429,
        message: "Provider returned error",
        providerName: "Google",
        raw: "{\"error\":{\"code\":429,\"message\":\"Resource exhausted\"}}"
      })
    })

    it("encodes back to the wire shape", () => {
      for (const name of ["content.messages.json", "content.failed.json"]) {
        const decoded = decodeContent(fixture(name))
        expect(Schema.encodeSync(Models.GenerationContentResponse)(decoded)).toEqual(fixtureJson(name))
      }
    })

    it("round-trips any GenerationContentResponse built by Arbitrary.make", () => {
      const arbitrary = Arbitrary.make(Models.GenerationContentResponse)
      const encode = Schema.encodeSync(Models.GenerationContentResponse)
      const decode = Schema.decodeUnknownSync(Models.GenerationContentResponse)
      FastCheck.assert(
        FastCheck.property(arbitrary, (response) => {
          expect(decode(encode(response))).toEqual(response)
        }),
        { numRuns: 100 }
      )
    })
  })

  describe("ErrorResponse", () => {
    it("decodes every JSON error fixture", () => {
      for (const status of [401, 402, 403, 404, 429, 500, 502, 529]) {
        const decoded = Schema.decodeUnknownSync(Schema.parseJson(Models.ErrorResponse))(
          fixture(`error.${status}.json`)
        )
        expect(decoded.error.code).toBe(status)
      }
      const limited = Schema.decodeUnknownSync(Schema.parseJson(Models.ErrorResponse))(fixture("error.429.json"))
      expect(limited.userId).toBe("user_2x9")
      expect(limited.error.metadata).toMatchObject({ headers: { "X-RateLimit-Limit": "60" } })
      expect(limited.modelgatesMetadata).toBeNull()
    })
  })
})
