/**
 * Reading ids: one per line, trimmed, blank lines and # comments skipped,
 * whatever the line endings and however the text is cut into chunks.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Option, Stream } from "effect"
import * as Ids from "../src/Ids.js"

const read = (chunks: ReadonlyArray<string>) =>
  Stream.runCollect(Ids.fromText(Stream.fromIterable(chunks))).pipe(Effect.map(Chunk.toReadonlyArray))

describe("Ids", () => {
  it.effect("one per line, trimmed; blank lines and # comments skipped", () =>
    Effect.gen(function*() {
      expect(yield* read(["# ids of last night\n", "gen-1\n\n   \n  gen-2  \r\n#gen-3\ngen-4"])).toEqual([
        "gen-1",
        "gen-2",
        "gen-4"
      ])
    }))

  it.effect("a line cut across chunks is one id", () =>
    Effect.gen(function*() {
      expect(yield* read(["gen-1\ngen-", "2\r", "\ngen-3\n"])).toEqual(["gen-1", "gen-2", "gen-3"])
    }))

  it.effect("keeps duplicates (getGenerations looks each id up once); the total counts distinct ids", () =>
    Effect.gen(function*() {
      const source = Ids.fromList(["gen-1", "gen-2", "gen-1"])
      expect(source.total).toEqual(Option.some(2))
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(source.ids))).toEqual(["gen-1", "gen-2", "gen-1"])
    }))
})
