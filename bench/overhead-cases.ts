/**
 * The SDK's own CPU per call with the network taken out: `getGeneration`
 * against an `HttpClient` whose every response is the fixture body (a web
 * `Response`, as `FetchHttpClient` makes them). Built once per copy of `src`
 * by `overhead.ts`, which imports the builds side by side.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { Generations, ModelGatesConfig, Models } from "../src/index.js"

export const makeCases = (text: string): Record<string, () => Promise<unknown>> => {
  const mock = HttpClient.make((request) =>
    Effect.succeed(
      HttpClientResponse.fromWeb(
        request,
        new Response(text, { status: 200, headers: { "content-type": "application/json" } })
      )
    )
  )
  const config = ModelGatesConfig.layer({ apiKey: "sk-mg-bench", baseUrl: "http://127.0.0.1:9/api/v1" })
  const runtime = ManagedRuntime.make(Layer.merge(config, Layer.succeed(HttpClient.HttpClient, mock)))
  const untraced = ManagedRuntime.make(
    Layer.mergeAll(config, Layer.succeed(HttpClient.HttpClient, mock), Layer.setTracerEnabled(false))
  )
  const sdk = Generations.getGeneration({ id: "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs" })
  const platform = Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.get("http://127.0.0.1:9/api/v1/generation").pipe(
        HttpClientRequest.setUrlParam("id", "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs"),
        HttpClientRequest.bearerToken("sk-mg-bench"),
        HttpClientRequest.acceptJson
      )
    )
    return yield* HttpClientResponse.schemaBodyJson(Models.GenerationResponse)(response)
  })
  return {
    "web Response + JSON.parse": async () =>
      JSON.parse(await new Response(text, { status: 200, headers: { "content-type": "application/json" } }).text()),
    "platform HttpClient + schemaBodyJson": () => runtime.runPromise(platform),
    "sdk getGeneration": () => runtime.runPromise(sdk),
    "sdk getGeneration, tracer off": () => untraced.runPromise(sdk)
  }
}
