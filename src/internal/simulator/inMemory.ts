/**
 * The in-memory transport: an `HttpClient` whose every request is answered by
 * the simulator, on the caller's fiber, so `TestClock` drives every wait.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as ModelGatesSimulator from "../../testing/ModelGatesSimulator.js"
import * as engine from "./engine.js"

/** The client gave up on the response (its fiber was interrupted). */
class ClientAborted extends Schema.TaggedError<ClientAborted>()("ClientAborted", {
  message: Schema.String
}) {}

// Statuses whose responses cannot carry a body.
const nullBodyStatuses: ReadonlySet<number> = new Set([101, 103, 204, 205, 304])

const abortedBy = (signal: AbortSignal): Effect.Effect<never, ClientAborted> =>
  Effect.async((resume) => {
    const onAbort = () => resume(new ClientAborted({ message: "the client aborted the request" }))
    if (signal.aborted) return onAbort()
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })

const outcomeOf = (exit: Exit.Exit<unknown, engine.BodyCutOff | ClientAborted>): ModelGatesSimulator.Outcome =>
  Exit.match(exit, {
    onSuccess: () => "complete",
    onFailure: (cause) => cause._tag === "Fail" && cause.error._tag === "BodyCutOff" ? "truncated" : "aborted"
  })

/** An `HttpClient` that the simulator answers, whatever the request's origin. */
export const makeClient = (simulator: engine.Simulator): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const { reply, seq } = yield* simulator.handle({ method: request.method, url, headers: request.headers })
      const delay = reply._tag === "Drop" ? reply.delay : reply.timing.delay
      yield* Effect.onInterrupt(Effect.sleep(delay), () => simulator.settle(seq, "aborted"))
      if (reply._tag === "Drop") {
        yield* simulator.settle(seq, "dropped")
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          cause: new Error("socket hang up (the simulator dropped the connection)")
        })
      }
      if (nullBodyStatuses.has(reply.status)) {
        yield* simulator.settle(seq, "complete")
        return HttpClientResponse.fromWeb(request, new Response(null, { status: reply.status, headers: reply.headers }))
      }
      const body = yield* engine.bodyStream(reply).pipe(
        Stream.interruptWhen(abortedBy(signal)),
        Stream.ensuringWith((exit) => simulator.settle(seq, outcomeOf(exit))),
        Stream.toReadableStreamEffect()
      )
      return HttpClientResponse.fromWeb(request, new Response(body, { status: reply.status, headers: reply.headers }))
    })
  )
