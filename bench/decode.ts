/**
 * Decode cost per body, in its own process (forked by `run.ts`): this SDK's
 * `Models.GenerationResponse` (Effect Schema, compiled once) against the
 * official client's zod schema (`GenerationResponse$inboundSchema`), on the
 * same parsed JSON of `test/fixtures/generation.full.json`.
 *
 * Rows:
 * - `sdk Schema.decodeUnknown`: `Effect.runSync(decode(json))` with
 *   `decode = Schema.decodeUnknown(Models.GenerationResponse)`.
 * - `sdk Schema.decodeUnknownEither`: the same compiled parser, no Effect.
 * - `official zod .parse`: the official schema on the same object.
 * - `sdk parseJson (text)`: `Schema.parseJson` of the model, `JSON.parse`
 *   included, decoded to an `Either`.
 * - `official JSON.parse + zod (text)`: the same for the official client.
 * - `JSON.parse (text)`: the floor shared by both.
 *
 * Each decoder runs in batches of a fixed size until a short time budget is
 * spent, the decoders alternating (the order rotating) over many rounds, so a
 * change in the machine's load hits all of them alike; the result is the
 * median of the per-batch µs/body. Every decoder reads the same body: one
 * parsed object for the object rows, one string for the text rows.
 *
 * - `sdk call decoder …`: when the `src` under test has a decoder of its own
 *   for calls (`fast` in `src/internal/decoder.ts`, put in place of
 *   `./callDecoder.js` by run.ts's build when a file of src imports it),
 *   the same two rows through it.
 *
 * The ratios compare ours with zod: `decodeUnknownEither` against `.parse`
 * (both synchronous, on the same object: the decode a call pays, without
 * the cost of starting a fiber in `runSync`, which zod does not have either),
 * and the two text rows (`JSON.parse` included); "ours" is the call decoder
 * when there is one, else the model. Run alone
 * (`npx tsx bench/decode.ts test/fixtures/generation.full.json`) it prints
 * the medians and the ratios.
 */
import { GenerationResponse$inboundSchema } from "@openrouter/sdk/models"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { readFileSync } from "node:fs"
import { performance } from "node:perf_hooks"
import { Models } from "../src/index.js"
import * as CallDecoder from "./callDecoder.js"

const fixture = process.argv[2]
if (fixture === undefined) throw new Error("usage: decode.mjs <fixture.json> [rounds] [msPerDecoder]")
const rounds = Number(process.argv[3] ?? 40)
const budgetMs = Number(process.argv[4] ?? 25)
const text = readFileSync(fixture, "utf8")
const json: unknown = JSON.parse(text)
const expectedId = (json as { data: { id: string } }).data.id

const decodeEffect = Schema.decodeUnknown(Models.GenerationResponse)
const decodeEither = Schema.decodeUnknownEither(Models.GenerationResponse)
const decodeText = Schema.decodeUnknownEither(Schema.parseJson(Models.GenerationResponse))

type Model = typeof Models.GenerationResponse
type Fast = (schema: Model) => Schema.Schema<Schema.Schema.Type<Model>, Schema.Schema.Encoded<Model>>
const fast: unknown = Reflect.get(CallDecoder, "fast")
const callSchema = typeof fast === "function" ? (fast as Fast)(Models.GenerationResponse) : undefined

const idOf = (value: { readonly data: { readonly id: string } }): string => value.data.id

const decoders: Record<string, () => string> = {
  "sdk Schema.decodeUnknown": () => idOf(Effect.runSync(decodeEffect(json))),
  "sdk Schema.decodeUnknownEither": () => idOf(Either.getOrThrow(decodeEither(json))),
  "official zod .parse": () => idOf(GenerationResponse$inboundSchema.parse(json)),
  "sdk parseJson (text)": () => idOf(Either.getOrThrow(decodeText(text))),
  "official JSON.parse + zod (text)": () => idOf(GenerationResponse$inboundSchema.parse(JSON.parse(text))),
  "JSON.parse (text)": () => idOf(JSON.parse(text) as { data: { id: string } })
}
if (callSchema !== undefined) {
  const decodeCall = Schema.decodeUnknownEither(callSchema)
  const decodeCallText = Schema.decodeUnknownEither(Schema.parseJson(callSchema))
  decoders["sdk call decoder decodeUnknownEither"] = () => idOf(Either.getOrThrow(decodeCall(json)))
  decoders["sdk call decoder parseJson (text)"] = () => idOf(Either.getOrThrow(decodeCallText(text)))
}

const batch = 50
const samples: Record<string, Array<number>> = {}
const names = Object.keys(decoders)
let sink = 0

const measure = (name: string, ms: number, record: boolean): void => {
  const decode = decoders[name]
  const end = performance.now() + ms
  while (performance.now() < end) {
    const t0 = performance.now()
    for (let i = 0; i < batch; i++) {
      if (decode() !== expectedId) throw new Error(`${name} decoded the wrong id`)
      sink++
    }
    const perBody = ((performance.now() - t0) * 1000) / batch
    if (record) (samples[name] ??= []).push(perBody)
  }
}

for (const name of names) measure(name, 200, false)
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < names.length; i++) {
    measure(names[(i + round) % names.length], budgetMs, true)
  }
}

const median = (values: Array<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const result = Object.fromEntries(names.map((name) => [name, median(samples[name])]))
// Ours over zod: below 1 means ours is faster.
const ratioNames = callSchema === undefined
  ? {
    object: ["sdk Schema.decodeUnknownEither", "official zod .parse"],
    text: ["sdk parseJson (text)", "official JSON.parse + zod (text)"]
  } as const
  : {
    object: ["sdk call decoder decodeUnknownEither", "official zod .parse"],
    text: ["sdk call decoder parseJson (text)", "official JSON.parse + zod (text)"]
  } as const
const ratios = Object.fromEntries(
  Object.entries(ratioNames).map(([kind, [ours, zod]]) => [kind, result[ours] / result[zod]])
)
const message = { ok: true, microsPerBody: result, ratios, ratioNames, bodies: sink }
if (process.send === undefined) {
  for (const name of names) console.log(`${name.padEnd(34)} ${result[name].toFixed(2).padStart(8)} µs/body`)
  for (const [kind, [ours, zod]] of Object.entries(ratioNames)) {
    console.log(`${ours} / ${zod}: ${ratios[kind].toFixed(2)}×`)
  }
} else {
  process.send(message, undefined, {}, () => process.exit(0))
}
