/**
 * The page script of the browser test: the SDK with `FetchHttpClient`, as an
 * app would bundle it. It looks up the generation named in the page's query
 * (`?id=…&key=…`) on the API of the page's own origin, and renders it, or
 * the tag of the error it failed with.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Generations, ModelGatesConfig } from "@modelgates/effect"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { render } from "./render.js"

const query = new URLSearchParams(window.location.search)

const program = Effect.gen(function*() {
  const id = query.get("id") ?? ""
  const { data } = yield* Generations.getGeneration({ id })
  const content = yield* Generations.listGenerationContent({ id })
  render(data.model, [
    ["id", data.id],
    ["provider", data.providerName ?? "unknown"],
    ["cost", `$${data.totalCost}`],
    ["tokens", `${data.tokensPrompt ?? "?"} in, ${data.tokensCompletion ?? "?"} out`],
    ["completion", content.data.output.completion ?? "(no completion stored)"]
  ], "done")
}).pipe(
  Effect.catchAll((error) =>
    Effect.sync(() => render("Failed", [["error", error._tag], ["message", error.message]], "failed"))
  )
)

const MainLayer = Layer.merge(
  ModelGatesConfig.layer({
    apiKey: query.get("key") ?? "",
    baseUrl: `${window.location.origin}/api/v1`,
    appTitle: "browser test"
  }),
  FetchHttpClient.layer
)

Effect.runPromise(Effect.provide(program, MainLayer)).catch((defect: unknown) => {
  render("Defect", [["defect", String(defect)]], "failed")
})
