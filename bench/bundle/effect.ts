// Bundle-size entry: the same program written directly on effect +
// @effect/platform (HttpClient + Schema decode of the same model), so that
// the SDK's own marginal cost shows.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Models from "../../src/Models.js"

const program = Effect.gen(function*() {
  const client = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
  const response = yield* client.execute(
    HttpClientRequest.get("https://modelgates.ai/api/v1/generation").pipe(
      HttpClientRequest.setUrlParam("id", "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs"),
      HttpClientRequest.bearerToken("sk-mg-example"),
      HttpClientRequest.acceptJson
    )
  )
  return yield* HttpClientResponse.schemaBodyJson(Models.GenerationResponse)(response)
})

program.pipe(
  Effect.provide(FetchHttpClient.layer),
  Effect.runPromise
).then((response) => console.log(response.data.model, response.data.totalCost))
