/**
 * The simulator over real HTTP: a `node:http` server, on `127.0.0.1` unless
 * told otherwise, whose every request the engine answers, and whose
 * connections can be stalled, cut off or dropped for real. Node only: the
 * engine itself imports no Node module.
 */
import * as http from "node:http"
import * as Engine from "./Engine.js"

/** The options of {@link serve}: those of the simulator, and where to listen. */
export interface ServeOptions extends Engine.Options {
  /** The interface to listen on. Default `127.0.0.1`; `0.0.0.0` or `::` listens on every interface. */
  readonly host?: string | undefined
  /** Default `0`: any free port. */
  readonly port?: number | undefined
}

/** A running server. */
export interface Server {
  /** The API's base URL as a client on this machine reaches it, e.g. `http://127.0.0.1:8787/api/v1`. */
  readonly url: string
  /** The address the server is bound to, as the system reports it: `127.0.0.1`, `0.0.0.0`, `::`, … */
  readonly host: string
  readonly port: number
  readonly simulator: Engine.Simulator
  /** Stops listening and drops every open connection. */
  readonly close: () => Promise<void>
}

/** A server that could not start; its message says where and why, `cause` is the system's error. */
export class ServeError extends Error {
  override readonly name = "ServeError"
  constructor(message: string, override readonly cause: Error) {
    super(message)
  }
}

const reasons: Readonly<Record<string, string>> = {
  EADDRINUSE: "the port is in use",
  EACCES: "not allowed (ports below 1024 need privileges)",
  EADDRNOTAVAIL: "no interface of this machine has that address",
  ENOTFOUND: "unknown host",
  EAI_AGAIN: "unknown host (the name could not be resolved)"
}

const serveError = (error: Error, host: string, port: number): ServeError => {
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined
  const reason = code === undefined ? error.message : `${reasons[code] ?? error.message} (${code})`
  return new ServeError(`cannot listen on ${host.includes(":") ? `[${host}]` : host}:${port}: ${reason}`, error)
}

const headersOf = (request: http.IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(", ") : value]]
    )
  )

/** One request in flight: the outcome settles once, by delivery or by the client leaving. */
interface Exchange {
  readonly request: http.IncomingMessage
  readonly response: http.ServerResponse
  /** Set before the simulator closes a connection on purpose, so that is not read as the client leaving. */
  closingOnPurpose: boolean
  /** Whether the client left before the response finished. */
  gone: boolean
  /** Resolves when a wait should stop early because the client left. */
  readonly left: Promise<void>
}

const sleep = (exchange: Exchange, millis: number): Promise<void> =>
  millis <= 0 ? Promise.resolve() : new Promise((resolve) => {
    const timer = setTimeout(resolve, millis)
    exchange.left.then(() => {
      clearTimeout(timer)
      resolve()
    })
  })

const closeOnPurpose = (exchange: Exchange) => {
  exchange.closingOnPurpose = true
  exchange.request.socket.destroy()
}

const write = (response: http.ServerResponse, chunk: Uint8Array): Promise<void> =>
  new Promise((resolve) => response.write(chunk, () => resolve()))

/** Sends a reply as its plan says; the outcome, or `aborted` when the client left first. */
const deliver = async (exchange: Exchange, reply: Engine.Reply): Promise<Engine.Outcome> => {
  if (reply._tag === "Drop") {
    await sleep(exchange, reply.delay)
    if (exchange.gone) return "aborted"
    closeOnPurpose(exchange)
    return "dropped"
  }
  const { response } = exchange
  await sleep(exchange, reply.timing.delay)
  if (exchange.gone) return "aborted"
  response.writeHead(reply.status, { ...reply.headers, "content-length": String(reply.body.length) })
  response.flushHeaders()
  const plan = Engine.bodyPlan(reply)
  for (const part of plan.parts) {
    if (typeof part === "number") await sleep(exchange, part)
    else await Promise.race([write(response, part), exchange.left])
    if (exchange.gone) return "aborted"
  }
  if (plan.end === "stall") {
    await exchange.left
    return "aborted"
  }
  if (plan.end === "truncate") {
    closeOnPurpose(exchange)
    return "truncated"
  }
  await Promise.race([new Promise<void>((resolve) => response.end(() => resolve())), exchange.left])
  return exchange.gone ? "aborted" : "complete"
}

const answer = async (simulator: Engine.Simulator, origin: string, exchange: Exchange) => {
  try {
    const { reply, seq } = simulator.handle({
      method: exchange.request.method ?? "GET",
      url: new URL(`${origin}${exchange.request.url ?? "/"}`),
      headers: headersOf(exchange.request)
    })
    simulator.settle(seq, await deliver(exchange, reply))
  } catch (defect) {
    // A reply Node refuses to write (a header value it rejects, say) must not leave the client waiting.
    const { response } = exchange
    if (response.headersSent) return void response.destroy()
    response.writeHead(500, { "content-type": "text/plain; charset=utf-8" })
    response.end(`The simulator could not send its reply: ${String(defect)}\n`)
  }
}

const onRequest =
  (simulator: Engine.Simulator, origin: string) => (request: http.IncomingMessage, response: http.ServerResponse) => {
    let leave = () => {}
    const exchange: Exchange = {
      request,
      response,
      closingOnPurpose: false,
      gone: false,
      left: new Promise<void>((resolve) => {
        leave = resolve
      })
    }
    // Write errors after the client left are expected; the close below reports them.
    response.on("error", () => {})
    response.once("close", () => {
      if (!response.writableFinished && !exchange.closingOnPurpose) {
        exchange.gone = true
        leave()
      }
    })
    void answer(simulator, origin, exchange)
  }

const unspecified: ReadonlySet<string> = new Set(["0.0.0.0", "::"])

/**
 * Serves a simulator over HTTP on `127.0.0.1` (port `0` picks a free one)
 * until `close`. Besides the API below the base path, it answers
 * `GET /__simulator/generations` with every generation as JSON. Rejects with
 * a {@link ServeError} when it cannot listen.
 */
export const serve = async (options: ServeOptions = {}, simulator = Engine.make(options)): Promise<Server> => {
  const host = options.host ?? "127.0.0.1"
  const port = options.port ?? 0
  const server = http.createServer()
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(serveError(error, host, port))
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      resolve()
    })
  })
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  const address = server.address()
  if (address === null || typeof address === "string") {
    await close()
    throw new Error(`the simulator's server has no TCP address (${String(address)})`)
  }
  const reached = unspecified.has(address.address)
    ? (address.family === "IPv6" ? "[::1]" : "127.0.0.1")
    : (address.family === "IPv6" ? `[${address.address}]` : address.address)
  const origin = `http://${reached}:${address.port}`
  server.on("request", onRequest(simulator, origin))
  return { url: `${origin}${simulator.basePath}`, host: address.address, port: address.port, simulator, close }
}
