/**
 * The simulator over real HTTP: a `node:http` server on loopback, for tests
 * of a real transport (`FetchHttpClient`, `NodeHttpClient`, undici) and for
 * clients in any language. It behaves as `ModelGatesSimulator.layer` does and
 * is controlled by the same `ModelGatesSimulator.Service`; its connections can
 * also be stalled, cut off and dropped for real.
 *
 * Node only, so it lives apart from `@modelgates/effect4/testing`, whose
 * in-memory simulator bundles for a browser.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "effect/http"
 * import { Generations, ModelGatesConfig } from "@modelgates/effect4"
 * import { ModelGatesSimulator } from "@modelgates/effect4/testing"
 * import * as ModelGatesSimulatorServer from "@modelgates/effect4/testing/ModelGatesSimulatorServer"
 * import { Effect, Layer } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const server = yield* ModelGatesSimulatorServer.serve({ seed: 7 })
 *   const [first] = yield* server.simulator.generations
 *   const sdk = Layer.merge(
 *     FetchHttpClient.layer,
 *     ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey, baseUrl: server.url })
 *   )
 *   return yield* Effect.provide(Generations.getGeneration({ id: first?.id ?? "" }), sdk)
 * })
 *
 * Effect.runPromise(Effect.scoped(program))
 * ```
 *
 * @since 0.1.0
 */
import * as SimulatorServer from "@modelgates/simulator/Server"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as inMemory from "../internal/simulator/inMemory.js"
import type * as ModelGatesSimulator from "./ModelGatesSimulator.js"

/**
 * The options of {@link serve}: those of the simulator, and where to listen.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions extends ModelGatesSimulator.Options {
  /** The interface to listen on. Default `127.0.0.1`; `0.0.0.0` or `::` listens on every interface. */
  readonly host?: string | undefined
  /** Default `0`: any free port. */
  readonly port?: number | undefined
}

/**
 * The failure to start a server: the port is taken, the host unknown, … Its
 * message says where and why (`cannot listen on 127.0.0.1:8787: the port is
 * in use (EADDRINUSE)`); `cause` is the system's error.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServeError extends Schema.TaggedError<ServeError>()("ServeError", {
  message: Schema.String,
  cause: Schema.Defect()
}) {}

/**
 * A running server.
 *
 * @since 0.1.0
 * @category models
 */
export interface Server {
  /**
   * The API's base URL as a client on this machine reaches it, e.g.
   * `http://127.0.0.1:8787/api/v1`: give it to `ModelGatesConfig` as
   * `baseUrl`. A server listening on every interface is reached on loopback.
   */
  readonly url: string
  /** The address the server is bound to, as the system reports it: `127.0.0.1`, `0.0.0.0`, `::`, … */
  readonly host: string
  readonly port: number
  readonly simulator: ModelGatesSimulator.Service
}

/**
 * Serves a simulator over HTTP on `127.0.0.1` (port `0` picks a free one)
 * until the scope closes; closing drops open connections and stops at once.
 * Besides the API below the base path, it answers
 * `GET /__simulator/generations` with every generation as JSON.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve: (options?: ServeOptions) => Effect.Effect<Server, ServeError, Scope.Scope> = Effect.fn(
  "ModelGatesSimulatorServer.serve"
)(function*(options: ServeOptions = {}) {
  const server = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => SimulatorServer.serve({ ...inMemory.engineOptions(options), host: options.host, port: options.port }),
      catch: (error) =>
        new ServeError({
          message: error instanceof Error ? error.message : String(error),
          cause: error instanceof SimulatorServer.ServeError ? error.cause : error
        })
    }),
    (server) => Effect.promise(server.close)
  )
  return {
    url: server.url,
    host: server.host,
    port: server.port,
    // Over HTTP, requests arrive on the system's time: the control uses the same clock.
    simulator: inMemory.makeService(server.simulator, Effect.succeed(undefined))
  }
})
