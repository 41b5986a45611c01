/**
 * Decode cost per body on effect 4 (issue 19), in its own process on Node 24,
 * on `test/fixtures/generation.full.json`, the decoders alternating as in
 * `bench/decode.ts` (whose message shape this one sends, so `run.ts` reports
 * both alike):
 *
 * - `sdk4 call decoder (text)`: the effect4 SDK's own decoder of a call's
 *   body, `GenerationResponseFromJson` of its `src/internal/decoder.ts`
 *   (JSON text to the models, `JSON.parse` included), when the workspace has
 *   one (effect4Build.ts puts it in place of `./callDecoder.js`);
 * - `official JSON.parse + zod (text)`: the same for the official client;
 * - `effect4 wire struct decodeUnknownResult`: the guarded floor's
 *   `Schema.Struct` of the wire (`wireSchema.ts`) on the parsed object;
 * - `official zod .parse`: the official schema on the same object.
 *
 * The ratio compares the SDK's call decoder with `JSON.parse` + zod when there
 * is one, else the wire struct with zod.
 */
import { GenerationResponse$inboundSchema } from "@openrouter/sdk/models"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import { performance } from "node:perf_hooks"
import { runMain, send } from "../child.js"
import * as CallDecoder from "./callDecoder.js"
import { GenerationResponseWire } from "./wireSchema.js"

const idOf = (value: { readonly data: { readonly id: string } }): string => value.data.id

type Decoded = { readonly ok: true; readonly value: { readonly data: { readonly id: string } } } | {
  readonly ok: false
}
const callDecoder: unknown = Reflect.get(CallDecoder, "GenerationResponseFromJson")

const decodersOf = (text: string): Record<string, () => string> => {
  const json: unknown = JSON.parse(text)
  const decodeWire = Schema.decodeUnknownResult(GenerationResponseWire)
  const decoders: Record<string, () => string> = {
    "official JSON.parse + zod (text)": () => idOf(GenerationResponse$inboundSchema.parse(JSON.parse(text))),
    "effect4 wire struct decodeUnknownResult": () => idOf(Result.getOrThrow(decodeWire(json))),
    "official zod .parse": () => idOf(GenerationResponse$inboundSchema.parse(json))
  }
  if (typeof callDecoder === "function") {
    decoders["sdk4 call decoder (text)"] = () => {
      const decoded = (callDecoder as (text: string) => Decoded)(text)
      if (!decoded.ok) throw new Error("the effect4 call decoder refused the fixture")
      return idOf(decoded.value)
    }
  }
  return decoders
}

const main = async () => {
  const [fixture, roundsArg = "40", budgetArg = "25"] = process.argv.slice(2)
  if (fixture === undefined) throw new Error("usage: decode.mjs <fixture.json> [rounds] [msPerDecoder]")
  const text = readFileSync(fixture, "utf8")
  const expectedId = idOf(JSON.parse(text) as { data: { id: string } })
  const decoders = decodersOf(text)
  const names = Object.keys(decoders)
  const samples: Record<string, Array<number>> = {}
  const measure = (name: string, ms: number, record: boolean): void => {
    const end = performance.now() + ms
    while (performance.now() < end) {
      const t0 = performance.now()
      for (let i = 0; i < 50; i++) {
        if (decoders[name]() !== expectedId) throw new Error(`${name} decoded the wrong id`)
      }
      if (record) (samples[name] ??= []).push(((performance.now() - t0) * 1000) / 50)
    }
  }
  for (const name of names) measure(name, 200, false)
  for (let round = 0; round < Number(roundsArg); round++) {
    names.forEach((_, i) => measure(names[(i + round) % names.length], Number(budgetArg), true))
  }
  const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
  const microsPerBody = Object.fromEntries(names.map((name) => [name, median(samples[name])]))
  const [ours, zod] = "sdk4 call decoder (text)" in decoders
    ? ["sdk4 call decoder (text)", "official JSON.parse + zod (text)"]
    : ["effect4 wire struct decodeUnknownResult", "official zod .parse"]
  await send({
    ok: true,
    microsPerBody,
    ratios: { object: microsPerBody[ours] / microsPerBody[zod] },
    ratioNames: { object: [ours, zod] }
  })
}

runMain(main)
