/**
 * The configuration every ModelGates operation reads: the API key, where the
 * API lives, the app attribution headers, the per-attempt timeout and the
 * retry policy.
 *
 * @example
 * ```ts
 * import { ModelGatesConfig } from "@modelgates/effect"
 * import { Redacted } from "effect"
 *
 * // From plain values…
 * const fromValues = ModelGatesConfig.layer({
 *   apiKey: Redacted.make("sk-mg-…"),
 *   appTitle: "Notes",
 *   timeout: "10 seconds"
 * })
 *
 * // …or from the environment (MODELGATES_API_KEY, MODELGATES_BASE_URL, …).
 * const fromEnvironment = ModelGatesConfig.layerConfig()
 * ```
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as CoreConfig from "../core/Config.js"
import * as RetryPolicy from "./RetryPolicy.js"

/**
 * The production API, version path included.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = CoreConfig.defaultBaseUrl

/**
 * The resolved configuration. Build it with {@link make}, {@link layer} or
 * {@link layerConfig}: they validate what they are given.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The API key, sent as `Authorization: Bearer …`. Never a plain string. */
  readonly apiKey: Redacted.Redacted<string>
  /** The API's base URL without a trailing slash, e.g. `https://modelgates.ai/api/v1`. */
  readonly baseUrl: string
  /** Sent as `HTTP-Referer`: the app's URL, its identifier for rankings. */
  readonly httpReferer: string | undefined
  /** Sent as `X-OpenRouter-Title`: the app's display name. */
  readonly appTitle: string | undefined
  /** Sent as `X-OpenRouter-Categories`: comma-separated lowercase categories. */
  readonly appCategories: string | undefined
  /** Sent as `User-Agent`, where the platform allows it. */
  readonly userAgent: string | undefined
  /** The limit of one attempt, body read and decode included. */
  readonly timeout: Duration.Duration
  /** The retry policy of every call that does not bring its own. */
  readonly retryPolicy: RetryPolicy.RetryPolicy
  /** Applied to the `HttpClient` of the SDK's own calls, once per client. */
  readonly transformClient: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * The ModelGates configuration, as a service.
 *
 * @since 0.1.0
 * @category tags
 */
export class ModelGatesConfig extends Context.Tag("@modelgates/effect/ModelGatesConfig")<
  ModelGatesConfig,
  Service
>() {}

/**
 * What {@link make} and {@link layer} accept. Only `apiKey` is required.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The API key. A plain string is wrapped in `Redacted` at once. */
  readonly apiKey: string | Redacted.Redacted<string>
  /** Default `https://modelgates.ai/api/v1`. Must be an absolute http(s) URL. */
  readonly baseUrl?: string | undefined
  readonly httpReferer?: string | undefined
  readonly appTitle?: string | undefined
  readonly appCategories?: string | undefined
  readonly userAgent?: string | undefined
  /**
   * Per attempt; default 30 seconds. A plain number means milliseconds.
   * `Infinity` (or `Duration.infinity`) turns it off, saving the fiber each
   * attempt otherwise runs in; then nothing bounds a stalled response.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Default {@link RetryPolicy.defaultPolicy}. */
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  /**
   * Allow a plain `http://` base URL on a host that is not loopback. Off by
   * default: the key would travel in clear text.
   */
  readonly allowInsecureHttp?: boolean | undefined
  /**
   * Middleware for the SDK's own calls: a function of the `HttpClient` in the
   * context, applied once per client (not on every call). Add a header, log
   * each request, route through a proxy, hook a test: the rest of the
   * application's HTTP is untouched. A fiber the middleware forks with
   * `Effect.fork` is a child of the fiber the request runs in, which is the
   * attempt's own fiber (the calling one only when `timeout` is `Infinity`)
   * and ends with the attempt: use `Effect.forkDaemon` for work that should
   * outlive it.
   *
   * @example
   * ```ts
   * import { HttpClient, HttpClientRequest } from "@effect/platform"
   * import { ModelGatesConfig } from "@modelgates/effect"
   * import { Effect } from "effect"
   *
   * const ConfigLive = ModelGatesConfig.layerConfig({
   *   transformClient: (client) =>
   *     client.pipe(
   *       HttpClient.mapRequest(HttpClientRequest.setHeader("X-Team", "billing")),
   *       HttpClient.tapRequest((request) => Effect.logDebug(`ModelGates ${request.method} ${request.url}`))
   *     )
   * })
   * ```
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

// The checks are the core's (core/Config.ts), as `Either`s: the ConfigError's
// path says which option (or which environment variable) it was, once.

const toEither = <A>(checked: CoreConfig.Checked<A>): Either.Either<A, string> =>
  checked.ok ? Either.right(checked.value) : Either.left(checked.problem)

const checkBaseUrl = (input: string): Either.Either<URL, string> => toEither(CoreConfig.checkBaseUrl(input))

const checkSecure = (url: URL, allowInsecureHttp: boolean): Either.Either<string, string> =>
  toEither(CoreConfig.checkSecure(url, allowInsecureHttp))

const checkHeaderValue = (value: string | undefined): Either.Either<string | undefined, string> =>
  toEither(CoreConfig.checkHeaderValue(value))

const checkApiKey = (apiKey: string | Redacted.Redacted<string>): Either.Either<Redacted.Redacted<string>, string> => {
  const redacted = typeof apiKey === "string" ? Redacted.make(apiKey) : apiKey
  const problem = CoreConfig.apiKeyProblem(Redacted.value(redacted))
  return problem === undefined ? Either.right(redacted) : Either.left(problem)
}

const checkTimeout = (input: Duration.DurationInput | undefined): Either.Either<Duration.Duration, string> => {
  const timeout = Duration.decodeUnknown(input ?? "30 seconds")
  return Option.isSome(timeout) && Duration.greaterThan(timeout.value, Duration.zero)
    ? Either.right(timeout.value)
    : Either.left(CoreConfig.timeoutProblem)
}

const orFail = <A>(option: string, result: Either.Either<A, string>): Effect.Effect<A, ConfigError.ConfigError> =>
  Either.isRight(result) ? Effect.succeed(result.right) : Effect.fail(ConfigError.InvalidData([option], result.left))

/**
 * Validates options into the configuration. A malformed base URL, plain http
 * off loopback, an empty key, a header value with a line break or a
 * non-positive timeout fail with a `ConfigError` naming the option. Messages
 * never include the key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function*(options: Options) {
  const apiKey = yield* orFail("apiKey", checkApiKey(options.apiKey))
  const timeout = yield* orFail("timeout", checkTimeout(options.timeout))
  const url = yield* orFail("baseUrl", checkBaseUrl(options.baseUrl ?? defaultBaseUrl))
  const service: Service = {
    apiKey,
    baseUrl: yield* orFail("baseUrl", checkSecure(url, options.allowInsecureHttp ?? false)),
    httpReferer: yield* orFail("httpReferer", checkHeaderValue(options.httpReferer)),
    appTitle: yield* orFail("appTitle", checkHeaderValue(options.appTitle)),
    appCategories: yield* orFail("appCategories", checkHeaderValue(options.appCategories)),
    userAgent: yield* orFail("userAgent", checkHeaderValue(options.userAgent)),
    timeout,
    retryPolicy: options.retryPolicy ?? RetryPolicy.defaultPolicy,
    transformClient: options.transformClient
  }
  return service
})

/**
 * A layer from plain values. It fails to build, with a `ConfigError` naming
 * the option, when the options are unusable.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<ModelGatesConfig, ConfigError.ConfigError> =>
  Layer.effect(ModelGatesConfig, make(options))

/**
 * What {@link layerConfig} accepts: each option as a `Config`, or as a plain
 * value.
 *
 * @since 0.1.0
 * @category models
 */
export type ConfigOptions = {
  readonly [K in keyof Options]?: Options[K] | Config.Config<Options[K]>
}

/**
 * An optional environment variable, checked inside its own `Config` so a
 * refusal's path is the variable's name. An empty variable reads as unset:
 * `MODELGATES_BASE_URL=` means the default.
 */
const variable = <A>(
  name: string,
  check: (input: string | undefined) => Either.Either<A, string>
): Config.Config<A> => {
  const unset = check(undefined)
  return Config.string(name).pipe(
    Config.mapOrFail((raw) =>
      Either.mapLeft(check(raw.trim() === "" ? undefined : raw), (message) => ConfigError.InvalidData([], message))
    ),
    Config.option,
    Config.mapOrFail(Option.match({
      onNone: () => Either.mapLeft(unset, (message) => ConfigError.InvalidData([name], message)),
      onSome: Either.right
    }))
  )
}

/**
 * One option as a `Config`, checked inside it: without a value, the default
 * variable's (failing at the variable's name); with a plain value or the
 * caller's own `Config`, failing at the option's name (under the caller's
 * variable, when their `Config` is a named one).
 */
const checked = <I, A>(
  option: keyof Options,
  value: I | Config.Config<I> | undefined,
  fallback: Config.Config<A>,
  check: (input: I) => Either.Either<A, string>
): Config.Config<A> =>
  value === undefined ? fallback : Config.mapOrFail(
    Config.isConfig(value) ? value : Config.succeed(value),
    (input) => Either.mapLeft(check(input), (message) => ConfigError.InvalidData([option], message))
  )

const plainOrConfig = <A>(value: A | Config.Config<A> | undefined): Config.Config<A | undefined> =>
  value === undefined ? Config.succeed(undefined) : Config.isConfig(value) ? value : Config.succeed(value)

/**
 * A layer read through Effect `Config`. By default: `MODELGATES_API_KEY`
 * (required, read as `Redacted`), `MODELGATES_BASE_URL`,
 * `MODELGATES_HTTP_REFERER`, `MODELGATES_APP_TITLE` and
 * `MODELGATES_APP_CATEGORIES`. Any option can be given instead, as a `Config`
 * or a plain value. A missing key fails with a `ConfigError` that names the
 * variable; an unusable value fails with one whose path is the variable (or
 * the option) it came from.
 *
 * @example
 * ```ts
 * import { ModelGatesConfig, RetryPolicy } from "@modelgates/effect"
 * import { Config } from "effect"
 *
 * const ConfigLive = ModelGatesConfig.layerConfig({
 *   apiKey: Config.redacted("MY_APP_MODELGATES_KEY"),
 *   timeout: "10 seconds",
 *   retryPolicy: RetryPolicy.backoff({ maxRetries: 2 })
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (options: ConfigOptions = {}): Layer.Layer<ModelGatesConfig, ConfigError.ConfigError> => {
  const baseUrl = Config.all([
    checked(
      "baseUrl",
      options.baseUrl,
      variable("MODELGATES_BASE_URL", (input) => checkBaseUrl(input ?? defaultBaseUrl)),
      (input: string | undefined) => checkBaseUrl(input ?? defaultBaseUrl)
    ),
    plainOrConfig(options.allowInsecureHttp)
  ]).pipe(Config.mapOrFail(([url, allowInsecureHttp]) =>
    Either.mapLeft(
      checkSecure(url, allowInsecureHttp ?? false),
      (message) => ConfigError.InvalidData([options.baseUrl === undefined ? "MODELGATES_BASE_URL" : "baseUrl"], message)
    )
  ))
  const header = (option: "httpReferer" | "appTitle" | "appCategories", name: string) =>
    checked(option, options[option], variable(name, checkHeaderValue), checkHeaderValue)
  const config: Config.Config<Service> = Config.all({
    apiKey: checked<Options["apiKey"], Redacted.Redacted<string>>(
      "apiKey",
      options.apiKey,
      // Nested around an unnamed redacted string, so a refusal's path is the variable's name.
      Config.mapOrFail(
        Config.nested(Config.redacted(), "MODELGATES_API_KEY"),
        (key) => Either.mapLeft(checkApiKey(key), (message) => ConfigError.InvalidData([], message))
      ),
      checkApiKey
    ),
    baseUrl,
    httpReferer: header("httpReferer", "MODELGATES_HTTP_REFERER"),
    appTitle: header("appTitle", "MODELGATES_APP_TITLE"),
    appCategories: header("appCategories", "MODELGATES_APP_CATEGORIES"),
    userAgent: checked("userAgent", options.userAgent, Config.succeed(undefined), checkHeaderValue),
    timeout: checked("timeout", options.timeout, Config.succeed(Duration.seconds(30)), checkTimeout),
    retryPolicy: Config.map(plainOrConfig(options.retryPolicy), (policy) => policy ?? RetryPolicy.defaultPolicy),
    transformClient: plainOrConfig(options.transformClient)
  })
  return Layer.effect(ModelGatesConfig, config)
}
