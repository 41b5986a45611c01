/**
 * The HTTP transport: a `node:http` server on loopback whose every request is
 * answered by the simulator, and whose connections can be stalled, cut off or
 * dropped for real.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberId from "effect/FiberId"
import * as FiberSet from "effect/FiberSet"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as http from "node:http"
import type * as ModelGatesSimulator from "../../testing/ModelGatesSimulator.js"
import * as engine from "./engine.js"

/** Where a server listens. */
export interface Listening {
  /** The address it is bound to, as given by the system: `127.0.0.1`, `0.0.0.0`, `::`, … */
  readonly address: string
  readonly port: number
  /** An origin a client on this machine can use: loopback when bound to every interface. */
  readonly origin: string
}

interface Exchange {
  readonly request: http.IncomingMessage
  readonly response: http.ServerResponse
  /** Done when the connection closed before the response finished, and not on purpose. */
  readonly clientGone: Deferred.Deferred<void>
  /** Set before the simulator closes a connection on purpose. */
  closingOnPurpose: boolean
}

const headersOf = (request: http.IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]
    )
  )

const closeOnPurpose = (exchange: Exchange) =>
  Effect.sync(() => {
    exchange.closingOnPurpose = true
    exchange.request.socket.destroy()
  })

const writeChunk = (response: http.ServerResponse, chunk: Uint8Array): Effect.Effect<void> =>
  Effect.async((resume) => {
    response.write(chunk, () => resume(Effect.void))
  })

const deliver = (
  exchange: Exchange,
  reply: engine.Reply
): Effect.Effect<ModelGatesSimulator.Outcome> =>
  Effect.gen(function*() {
    if (reply._tag === "Drop") {
      yield* Effect.sleep(reply.delay)
      yield* closeOnPurpose(exchange)
      return "dropped"
    }
    const { response } = exchange
    yield* Effect.sleep(reply.timing.delay)
    response.writeHead(reply.status, { ...reply.headers, "content-length": String(reply.body.length) })
    response.flushHeaders()
    const sent = yield* Effect.either(
      Stream.runForEach(engine.bodyStream(reply), (chunk) => writeChunk(response, chunk))
    )
    if (Either.isLeft(sent)) {
      yield* closeOnPurpose(exchange)
      return "truncated"
    }
    yield* Effect.async<void>((resume) => {
      response.end(() => resume(Effect.void))
    })
    return "complete"
  })

const answer = (simulator: engine.Simulator, origin: string, exchange: Exchange) =>
  Effect.gen(function*() {
    const { reply, seq } = yield* simulator.handle({
      method: exchange.request.method ?? "GET",
      url: new URL(`${origin}${exchange.request.url ?? "/"}`),
      headers: headersOf(exchange.request)
    })
    const aborted: ModelGatesSimulator.Outcome = "aborted"
    const outcome = yield* Effect.raceFirst(
      deliver(exchange, reply),
      Effect.as(Deferred.await(exchange.clientGone), aborted)
    )
    yield* simulator.settle(seq, outcome)
  }).pipe(
    // A reply Node refuses to write (a header value it rejects, say) must not leave the client waiting.
    Effect.catchAllDefect((defect) =>
      Effect.sync(() => {
        const { response } = exchange
        if (response.headersSent) return response.destroy()
        response.writeHead(500, { "content-type": "text/plain; charset=utf-8" })
        response.end(`The simulator could not send its reply: ${String(defect)}\n`)
      })
    )
  )

const unspecified: ReadonlySet<string> = new Set(["0.0.0.0", "::"])

/** A server that could not start: what went wrong, in words, and the system's error. */
export interface ListenFailure {
  readonly message: string
  readonly cause: Error
}

const reasons: Readonly<Record<string, string>> = {
  EADDRINUSE: "the port is in use",
  EACCES: "not allowed (ports below 1024 need privileges)",
  EADDRNOTAVAIL: "no interface of this machine has that address",
  ENOTFOUND: "unknown host",
  EAI_AGAIN: "unknown host (the name could not be resolved)"
}

const listenFailure = (error: Error, options: { readonly host: string; readonly port: number }): ListenFailure => {
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined
  const reason = code === undefined ? error.message : `${reasons[code] ?? error.message} (${code})`
  const host = options.host.includes(":") ? `[${options.host}]` : options.host
  return { message: `cannot listen on ${host}:${options.port}: ${reason}`, cause: error }
}

/** Listens until the scope closes; closing drops every open connection. */
export const listen = (
  simulator: engine.Simulator,
  options: { readonly host: string; readonly port: number }
): Effect.Effect<Listening, ListenFailure, Scope.Scope> =>
  Effect.gen(function*() {
    const run = yield* FiberSet.makeRuntime<never>()
    const server = http.createServer()
    yield* Effect.acquireRelease(
      Effect.async<void, ListenFailure>((resume) => {
        const onError = (error: Error) => resume(Effect.fail(listenFailure(error, options)))
        server.once("error", onError)
        server.listen(options.port, options.host, () => {
          server.off("error", onError)
          resume(Effect.void)
        })
      }),
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const address = server.address()
    if (address === null || typeof address === "string") {
      return yield* Effect.dieMessage(`the simulator's server has no TCP address (${String(address)})`)
    }
    const host = unspecified.has(address.address)
      ? (address.family === "IPv6" ? "[::1]" : "127.0.0.1")
      : (address.family === "IPv6" ? `[${address.address}]` : address.address)
    const origin = `http://${host}:${address.port}`
    server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
      const exchange: Exchange = {
        request,
        response,
        clientGone: Deferred.unsafeMake(FiberId.none),
        closingOnPurpose: false
      }
      // Write errors after the client left are expected; the close below reports them.
      response.on("error", () => {})
      response.once("close", () => {
        if (!response.writableFinished && !exchange.closingOnPurpose) {
          Deferred.unsafeDone(exchange.clientGone, Effect.void)
        }
      })
      run(answer(simulator, origin, exchange))
    })
    return { address: address.address, port: address.port, origin }
  })
