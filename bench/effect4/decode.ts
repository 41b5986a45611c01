/**
 * Decode cost per body on effect 4 (issue 19), in its own process on Node 24:
 * the effect4 SDK's `Models.GenerationResponse` (`Schema.decodeUnknownResult`,
 * compiled once) against the official client's zod schema on the same parsed
 * object of `test/fixtures/generation.full.json`, alternating, as
 * `bench/decode.ts` does for the Effect 3 line; the same message shape, so
 * `run.ts` reports both alike.
 */
import { GenerationResponse$inboundSchema } from "@openrouter/sdk/models"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import { performance } from "node:perf_hooks"
import { runMain, send } from "../child.js"
import { loadSdk4 } from "./clients.js"

const idOf = (value: { readonly data: { readonly id: string } }): string => value.data.id

const main = async () => {
  const [fixture, roundsArg = "40", budgetArg = "25"] = process.argv.slice(2)
  if (fixture === undefined) throw new Error("usage: decode.mjs <fixture.json> [rounds] [msPerDecoder]")
  const json: unknown = JSON.parse(readFileSync(fixture, "utf8"))
  const expectedId = idOf(json as { data: { id: string } })
  const { Models } = await loadSdk4("Models")
  const decode = Schema.decodeUnknownResult(Models.GenerationResponse)
  const decoders: Record<string, () => string> = {
    "sdk4 Schema.decodeUnknownResult": () => idOf(Result.getOrThrow(decode(json)) as { data: { id: string } }),
    "official zod .parse": () => idOf(GenerationResponse$inboundSchema.parse(json))
  }
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
  const [ours, zod] = names
  await send({
    ok: true,
    microsPerBody,
    ratios: { object: microsPerBody[ours] / microsPerBody[zod] },
    ratioNames: { object: [ours, zod] }
  })
}

runMain(main)
