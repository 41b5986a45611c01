/**
 * Lookups at scale (issue 9's benchmark row), in its own process (forked by
 * `run.ts` with `--expose-gc`): `ids` distinct generation ids looked up on
 * the SDK with its default config on `NodeHttpClient.layerUndici`, at
 * concurrency 32, in two ways, alternating in one process:
 *
 * - `Effect.forEach`: what a user writes today,
 *   `Effect.forEach(ids, (id) => Effect.either(Generations.getGeneration({ id })), { concurrency: 32 })`;
 * - `getGenerations`: `Generations.getGenerations(ids, { concurrency: 32 })`,
 *   run to its end. When the `src` under test has no `getGenerations`, only
 *   the first is measured and the result says so.
 *
 * Each batch is the whole list, timed on the wall clock and by this process's
 * CPU (`process.cpuUsage`, all threads), after a full GC, with the server's
 * request count over the batch (exactly one request per id, or the result is
 * refused). Every id must come back once, found, with its own id in the body
 * (the loopback server answers each id with the fixture carrying that id).
 * The order of the variants is mirrored every other round (A B, B A, …), so a
 * change in the machine's load hits both alike.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
import * as Generations from "../src/Generations.js"
import type * as ModelGatesConfig from "../src/ModelGatesConfig.js"
import { fullGc, runMain, send, serverStats } from "./child.js"
import { checkDefaultConfig, sdkLayer } from "./clients.js"

interface Task {
  readonly port: number
  readonly ids: number
  readonly concurrency: number
  readonly rounds: number
  readonly warmupIds: number
}

const task = JSON.parse(process.argv[2] ?? "") as Task
const origin = `http://127.0.0.1:${task.port}`

// Read as a property rather than called by name, so that a copy of src
// without it (`--src`) still builds and the section says so at run time.
const getGenerations: typeof Generations.getGenerations | undefined = Reflect.get(Generations, "getGenerations")

/** Counts what came back for one batch; throws on anything but one found lookup per id. */
class Tally {
  private readonly pending: Set<string>
  found = 0
  failed = 0
  firstFailure: unknown = undefined
  constructor(readonly ids: ReadonlyArray<string>) {
    this.pending = new Set(ids)
  }
  found1(id: string, returnedId: unknown): void {
    if (!this.pending.delete(id)) throw new Error(`id ${id} came back twice, or was never asked for`)
    if (returnedId !== id) throw new Error(`id ${id} came back with the body of ${String(returnedId)}`)
    this.found++
  }
  failed1(id: string, error: unknown): void {
    if (!this.pending.delete(id)) throw new Error(`id ${id} came back twice, or was never asked for`)
    this.failed++
    this.firstFailure ??= error
  }
  check(): void {
    if (this.pending.size > 0) throw new Error(`${this.pending.size} ids never came back`)
    if (this.failed > 0) {
      throw new Error(`${this.failed} lookups failed against the loopback server, first: ${String(this.firstFailure)}`)
    }
  }
}

const concurrency = task.concurrency

type Runtime = ManagedRuntime.ManagedRuntime<ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient, unknown>
type Variant = (ids: ReadonlyArray<string>) => Effect.Effect<void, unknown>

const makeVariants = (runtime: Runtime): Record<string, Variant> => {
  const variants: Record<string, Variant> = {
    "Effect.forEach": (ids) =>
      Effect.gen(function*() {
        const results = yield* Effect.forEach(ids, (id) => Effect.either(Generations.getGeneration({ id })), {
          concurrency
        })
        const tally = new Tally(ids)
        results.forEach((result, i) => {
          if (result._tag === "Right") tally.found1(ids[i], result.right.data.id)
          else tally.failed1(ids[i], result.left)
        })
        tally.check()
      }).pipe(Effect.provide(runtime))
  }
  if (getGenerations !== undefined) {
    variants.getGenerations = (ids) =>
      Effect.gen(function*() {
        const tally = new Tally(ids)
        yield* Stream.runForEach(getGenerations(ids, { concurrency }), (lookup) =>
          Effect.sync(() => {
            if (Generations.isFound(lookup)) tally.found1(lookup.id, lookup.generation.id)
            else tally.failed1(lookup.id, lookup.error)
          }))
        tally.check()
      }).pipe(Effect.provide(runtime))
  }
  return variants
}

interface Batch {
  readonly variant: string
  readonly seconds: number
  readonly cpuMicros: number
  readonly requests: number
}

const batch = async (name: string, run: Variant, ids: ReadonlyArray<string>): Promise<Batch> => {
  await fullGc()
  const server0 = await serverStats(origin)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await Effect.runPromise(run(ids))
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const server1 = await serverStats(origin)
  const requests = server1.requests - server0.requests
  if (requests !== ids.length) throw new Error(`${name}: ${requests} requests for ${ids.length} ids`)
  return { variant: name, seconds, cpuMicros: cpu.user + cpu.system, requests }
}

const idList = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `gen-${prefix}-${String(i).padStart(6, "0")}`)

runMain(async () => {
  const runtime = ManagedRuntime.make(await sdkLayer(origin, "undici"))
  try {
    await checkDefaultConfig(runtime)
    const variants = makeVariants(runtime)
    const names = Object.keys(variants)
    const warmup = idList("warmup", task.warmupIds)
    for (const name of names) await batch(name, variants[name], warmup)
    const ids = idList("bulk", task.ids)
    const batches: Array<Batch> = []
    for (let round = 0; round < task.rounds; round++) {
      const order = round % 2 === 0 ? names : [...names].reverse()
      for (const name of order) batches.push(await batch(name, variants[name], ids))
    }
    await send({
      ok: true,
      ids: task.ids,
      concurrency,
      getGenerations: getGenerations !== undefined,
      batches
    })
  } finally {
    await runtime.dispose()
  }
})
