/**
 * An in-memory `HttpClient` that answers from a script, and records what was
 * sent: the tests of the call path without a socket.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as ModelGatesConfig from "../../src/ModelGatesConfig.js"
import * as RetryPolicy from "../../src/RetryPolicy.js"

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../test/fixtures")

/** A fixture of the shared API contract, as text. */
export const fixture = (name: string): string => fs.readFileSync(path.join(fixtures, name), "utf8")

/** Every fixture's file name. */
export const fixtureNames = (): ReadonlyArray<string> =>
  fs.readdirSync(fixtures).filter((name) => !name.endsWith("openapi.json"))

/** One scripted answer: a response, or a transport failure. */
export type Reply =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly fail: "transport"; readonly cause?: unknown }
  | { readonly effect: Effect.Effect<Reply> }

export const json = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers: { "content-type": "application/json", ...headers }
})

/** A client answering each request with `next(request, index)`; `sent` records the requests. */
export const mockClient = (next: (request: HttpClientRequest.HttpClientRequest, index: number) => Reply) => {
  const sent: Array<HttpClientRequest.HttpClientRequest> = []
  // When each request was sent, by the Clock (the TestClock in tests).
  const sentAt: Array<number> = []
  const answer = (request: HttpClientRequest.HttpClientRequest, reply: Reply): Effect.Effect<
    HttpClientResponse.HttpClientResponse,
    HttpClientError.HttpClientError
  > => {
    if ("effect" in reply) return Effect.flatMap(reply.effect, (inner) => answer(request, inner))
    if ("fail" in reply) {
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.TransportError({
            request,
            cause: reply.cause ?? new Error("connect ECONNREFUSED")
          })
        })
      )
    }
    return Effect.succeed(
      HttpClientResponse.fromWeb(
        request,
        new Response(reply.body ?? "", { status: reply.status, headers: reply.headers ?? {} })
      )
    )
  }
  const client = HttpClient.make((request) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      sent.push(request)
      sentAt.push(now)
      return answer(request, next(request, sent.length - 1))
    })
  )
  return { client, sent, sentAt, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** Answers the replies in turn, the last one again and again. */
export const replies = (...all: ReadonlyArray<Reply>) => mockClient((_, index) => all[Math.min(index, all.length - 1)])

/** The key of the tests: it must appear in no error, log, span or metric. */
export const testKey = "sk-mg-v1-test-key-that-must-never-leak"

/** A config for tests: the test key, no retries unless asked for. */
export const testConfig = (options: Partial<ModelGatesConfig.Options> = {}) =>
  ModelGatesConfig.layer({
    apiKey: testKey,
    baseUrl: "https://api.test/api/v1",
    retryPolicy: RetryPolicy.none,
    ...options
  })
