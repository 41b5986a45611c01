/**
 * The loopback server of the tests, behind one small interface: it serves the
 * fixtures and scripted faults on 127.0.0.1, and counts what it received and
 * which connections are open. Today it is a small `node:http` server; the
 * shared simulator's server can take its place behind the same interface.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as http from "node:http"
import type { AddressInfo, Socket } from "node:net"

/** What the server does with one request. */
export type Behaviour =
  /** Answers with a status, headers and a body. */
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  /** Closes the connection without answering. */
  | { readonly fault: "reset" }
  /** Sends the headers and part of the body, then closes the connection. */
  | { readonly fault: "truncate"; readonly body: string }
  /** Sends the headers, then never the body, until the client goes away. */
  | { readonly fault: "stall" }

/** One request as the server received it. */
export interface Received {
  readonly method: string
  readonly url: URL
  readonly headers: http.IncomingHttpHeaders
}

export interface Shape {
  /** The base URL of the API on this server (`http://127.0.0.1:<port>/api/v1`). */
  readonly baseUrl: string
  /** Decides each request's answer; `index` counts every request the server got, from 0. */
  readonly script: (behave: (request: Received, index: number) => Behaviour) => Effect.Effect<void>
  /** The requests received so far. */
  readonly received: ReadonlyArray<Received>
  /** Resolves once the server has received `count` requests in all. */
  readonly awaitRequests: (count: number) => Effect.Effect<void>
  /** Resolves once no connection to the server is open. */
  readonly awaitNoOpenConnections: Effect.Effect<void>
}

/** The loopback server, as a service. */
export class TestServer extends Context.Service<TestServer, Shape>()("test/TestServer") {}

const answer = (response: http.ServerResponse, behaviour: Behaviour) => {
  if ("status" in behaviour) {
    response.writeHead(behaviour.status, { "content-type": "application/json", ...behaviour.headers })
    response.end(behaviour.body ?? "")
    return
  }
  switch (behaviour.fault) {
    case "reset":
      response.socket?.destroy()
      return
    case "truncate":
      response.writeHead(200, { "content-type": "application/json", "content-length": String(behaviour.body.length) })
      response.write(behaviour.body.slice(0, Math.floor(behaviour.body.length / 2)))
      setImmediate(() => response.socket?.destroy())
      return
    case "stall":
      response.writeHead(200, { "content-type": "application/json" })
      response.flushHeaders()
      return
  }
}

/** A `node:http` server on 127.0.0.1, closed with its scope. */
export const layerNodeHttp: Layer.Layer<TestServer> = Layer.effect(
  TestServer,
  Effect.gen(function*() {
    let behave: (request: Received, index: number) => Behaviour = () => ({ status: 404, body: "{}" })
    const received: Array<Received> = []
    const sockets = new Set<Socket>()
    const listeners = new Set<() => void>()
    const changed = () => listeners.forEach((listener) => listener())
    const server = http.createServer((request, response) => {
      const entry: Received = {
        method: request.method ?? "",
        url: new URL(request.url ?? "/", "http://127.0.0.1"),
        headers: request.headers
      }
      received.push(entry)
      changed()
      answer(response, behave(entry, received.length - 1))
    })
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => {
        sockets.delete(socket)
        changed()
      })
    })
    const port = yield* Effect.callback<number>((resume) => {
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
    })
    yield* Effect.addFinalizer(() =>
      Effect.callback<void>((resume) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resume(Effect.void))
      })
    )
    const until = (done: () => boolean): Effect.Effect<void> =>
      Effect.callback<void>((resume) => {
        const check = () => {
          if (done()) {
            listeners.delete(check)
            resume(Effect.void)
          }
        }
        listeners.add(check)
        check()
        return Effect.sync(() => listeners.delete(check))
      })
    return {
      baseUrl: `http://127.0.0.1:${port}/api/v1`,
      script: (next) => Effect.sync(() => void (behave = next)),
      received,
      awaitRequests: (count) => until(() => received.length >= count),
      awaitNoOpenConnections: until(() => sockets.size === 0)
    }
  })
)
