/**
 * An in-memory `HttpClient` for tests: it answers from a script, records
 * every request it receives, and can delay, stall or fail like a network.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import type { Duration } from "effect"
import { Clock, Effect, Layer, Ref } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { ModelGatesConfig } from "../../src/index.js"

/** What the mock saw of one request. */
export interface RecordedRequest {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly at: number
}

/** One scripted answer. */
export type Reply =
  | {
    readonly _tag: "Respond"
    readonly status: number
    readonly body: string
    readonly headers?: Readonly<Record<string, string>>
    /** Wait this long before the headers. */
    readonly delay?: Duration.DurationInput
    /** Send this much of the body, then never finish it. */
    readonly stallAfter?: number
  }
  | { readonly _tag: "Fail"; readonly message: string }

export const respond = (
  status: number,
  body: string | object,
  options: Omit<Extract<Reply, { _tag: "Respond" }>, "_tag" | "status" | "body"> = {}
): Reply => ({
  _tag: "Respond",
  status,
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: { "content-type": typeof body === "string" ? "text/html" : "application/json", ...options.headers },
  ...(options.delay === undefined ? {} : { delay: options.delay }),
  ...(options.stallAfter === undefined ? {} : { stallAfter: options.stallAfter })
})

export const fail = (message: string): Reply => ({ _tag: "Fail", message })

/** The copies of `../shared/spec/fixtures` kept with the tests (a test checks they match). */
export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures")

/** The text of a fixture. */
export const fixture = (name: string): string => fs.readFileSync(path.join(fixturesDir, name), "utf8")

/** A fixture parsed, for tests that edit a body before serving it. */
export const fixtureJson = (name: string): Record<string, unknown> => JSON.parse(fixture(name))

const toResponse = (request: HttpClientRequest.HttpClientRequest, reply: Extract<Reply, { _tag: "Respond" }>) => {
  const encoded = new TextEncoder().encode(reply.body)
  const stream = reply.stallAfter === undefined
    ? encoded
    : new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoded.slice(0, reply.stallAfter))
      }
    })
  return HttpClientResponse.fromWeb(
    request,
    new Response(reply.status === 204 || reply.status === 304 ? null : stream, {
      status: reply.status,
      headers: reply.headers ?? {}
    })
  )
}

/**
 * A scripted client: the n-th request gets `script(n, request)` (n from 0).
 * Returns the layer and the log of what it received.
 */
export const makeMock = (script: (n: number, url: URL) => Reply) =>
  Effect.gen(function*() {
    const log = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const at = yield* Clock.currentTimeMillis
        const seen = yield* Ref.modify(log, (entries) => [
          entries.length,
          [...entries, { method: request.method, url, headers: { ...request.headers }, at }]
        ])
        const reply = script(seen, url)
        if (reply._tag === "Fail") {
          return yield* new HttpClientError.RequestError({
            request,
            reason: "Transport",
            cause: new Error(reply.message)
          })
        }
        if (reply.delay !== undefined) yield* Effect.sleep(reply.delay)
        return toResponse(request, reply)
      })
    )
    return {
      layer: Layer.succeed(HttpClient.HttpClient, client),
      requests: Ref.get(log)
    }
  })

/** A client that answers every request the same way. */
export const always = (reply: Reply) => makeMock(() => reply)

/** A client that answers from a list, in order, repeating the last answer. */
export const sequence = (...replies: ReadonlyArray<Reply>) => makeMock((n) => replies[Math.min(n, replies.length - 1)])

/** A fake key that tests search for in every rendering of an error. */
export const secretKey = "sk-mg-v1-SECRET-4f1c9a7e2b8d"

/** The SDK's layers over a mock: the mock's client and a config with the secret key. */
export const layerWith = (
  mock: { readonly layer: Layer.Layer<HttpClient.HttpClient> },
  options: Partial<ModelGatesConfig.Options> = {}
) => Layer.merge(mock.layer, ModelGatesConfig.layer({ apiKey: secretKey, ...options }))
