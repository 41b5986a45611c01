/**
 * The page script of the in-memory browser test: `ModelGatesSimulator.layer`
 * bundled for the browser, with no server behind it. It looks up the
 * generation named in the page's query (`?seed=…&id=…`), first through a
 * scripted 529 that the default policy retries, then a generation added
 * just now that answers 404 until its `readyAfter` has passed, then an id
 * the store lacks; it renders what it got and the statuses the simulator
 * logged.
 */
import { Generations, ModelGatesConfig, RetryPolicy } from "@modelgates/effect"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import { render } from "./render.js"

const query = new URLSearchParams(window.location.search)

const program = Effect.gen(function*() {
  const simulator = yield* ModelGatesSimulator.ModelGatesSimulator
  const id = query.get("id") ?? ""
  yield* simulator.script({ id }, ModelGatesSimulator.errorResponse(529))
  const { data } = yield* Generations.getGeneration({ id })

  const added = yield* simulator.add({ readyAfter: "200 millis" })
  const ready = yield* Generations.getGeneration({ id: added.id }, {
    retryPolicy: Schedule.spaced("100 millis").pipe(Schedule.intersect(Schedule.recurs(20)))
  })

  const missing = yield* Generations.getGeneration({ id: "gen-0-not-in-the-store" }, { retryPolicy: RetryPolicy.none })
    .pipe(Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "found" }))
  const statuses = (yield* simulator.requests).map((request) => request.status)
  render(data.model, [
    ["id", data.id],
    ["added", ready.data.id === added.id ? "found" : `found ${ready.data.id}`],
    ["missing", missing],
    ["statuses", statuses.join(" ")],
    ["ids", (yield* simulator.generations).length.toString()]
  ], "done")
}).pipe(
  Effect.catchAll((error) =>
    Effect.sync(() => render("Failed", [["error", error._tag], ["message", error.message]], "failed"))
  )
)

const TestLayer = Layer.merge(
  ModelGatesSimulator.layer({ seed: Number(query.get("seed") ?? "1") }),
  ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey })
)

Effect.runPromise(Effect.provide(program, TestLayer)).catch((defect: unknown) => {
  render("Defect", [["defect", String(defect)]], "failed")
})
