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
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { headerValueProblem } from "./internal/client.js"
import * as RetryPolicy from "./RetryPolicy.js"

/**
 * The production API, version path included.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://modelgates.ai/api/v1"

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
   * `Infinity` (or `Duration.infinity`) turns it off, saving the cost of
   * racing a timer on every attempt; then nothing bounds a stalled response.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Default {@link RetryPolicy.defaultPolicy}. */
  readonly retryPolicy?: RetryPolicy.RetryPolicy | undefined
  /**
   * Allow a plain `http://` base URL on a host that is not loopback. Off by
   * default: the key would travel in clear text.
   */
  readonly allowInsecureHttp?: boolean | undefined
}

const invalid = (option: string, message: string) => ConfigError.InvalidData([option], message)

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname)

const parseBaseUrl = (input: string, allowInsecureHttp: boolean): Effect.Effect<string, ConfigError.ConfigError> => {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return Effect.fail(invalid("baseUrl", `baseUrl must be an absolute http(s) URL, got ${JSON.stringify(input)}`))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Effect.fail(invalid("baseUrl", `baseUrl must use https (or http on loopback), got ${url.protocol}`))
  }
  if (url.protocol === "http:" && !allowInsecureHttp && !isLoopback(url.hostname)) {
    return Effect.fail(invalid(
      "baseUrl",
      `baseUrl ${url.origin} is plain http on a host that is not loopback: the API key would travel in clear text. ` +
        "Use https, or set allowInsecureHttp: true if you really mean it"
    ))
  }
  if (url.username !== "" || url.password !== "") {
    return Effect.fail(invalid("baseUrl", "baseUrl must not carry credentials; give the API key as apiKey"))
  }
  if (url.search !== "" || url.hash !== "") {
    return Effect.fail(invalid("baseUrl", "baseUrl must not have a query or a fragment"))
  }
  return Effect.succeed(url.origin + url.pathname.replace(/\/+$/, ""))
}

const checkHeaderValue = (option: string, value: string | undefined) => {
  const found = value === undefined ? undefined : headerValueProblem(value)
  return found === undefined
    ? Effect.succeed(value)
    : Effect.fail(invalid(option, `${option} contains a character an HTTP header cannot carry (${found})`))
}

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
  const apiKey = typeof options.apiKey === "string" ? Redacted.make(options.apiKey) : options.apiKey
  const key = Redacted.value(apiKey)
  if (key.trim() === "") {
    return yield* Effect.fail(invalid("apiKey", "apiKey is empty"))
  }
  if (headerValueProblem(key) !== undefined || /\s/.test(key)) {
    return yield* Effect.fail(
      invalid("apiKey", "apiKey contains whitespace or a control character; check how it was read")
    )
  }
  const timeout = Duration.decodeUnknown(options.timeout ?? "30 seconds")
  if (Option.isNone(timeout) || Duration.lessThanOrEqualTo(timeout.value, Duration.zero)) {
    return yield* Effect.fail(invalid("timeout", "timeout must be a positive duration"))
  }
  const service: Service = {
    apiKey,
    baseUrl: yield* parseBaseUrl(options.baseUrl ?? defaultBaseUrl, options.allowInsecureHttp ?? false),
    httpReferer: yield* checkHeaderValue("httpReferer", options.httpReferer),
    appTitle: yield* checkHeaderValue("appTitle", options.appTitle),
    appCategories: yield* checkHeaderValue("appCategories", options.appCategories),
    userAgent: yield* checkHeaderValue("userAgent", options.userAgent),
    timeout: timeout.value,
    retryPolicy: options.retryPolicy ?? RetryPolicy.defaultPolicy
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

// An empty variable reads as unset: `MODELGATES_BASE_URL=` means the default.
const optionalString = (name: string): Config.Config<string | undefined> =>
  Config.string(name).pipe(
    Config.option,
    Config.map((value) => Option.getOrUndefined(Option.filter(value, (value) => value.trim() !== "")))
  )

const variables: ReadonlyArray<readonly [keyof Options, string]> = [
  ["apiKey", "MODELGATES_API_KEY"],
  ["baseUrl", "MODELGATES_BASE_URL"],
  ["httpReferer", "MODELGATES_HTTP_REFERER"],
  ["appTitle", "MODELGATES_APP_TITLE"],
  ["appCategories", "MODELGATES_APP_CATEGORIES"]
]

// A value that came from the environment is refused under its variable's
// name, which is what the person reading the error has to fix.
const nameVariable = (options: ConfigOptions) => (error: ConfigError.ConfigError): ConfigError.ConfigError => {
  if (error._op !== "InvalidData") return error
  const found = variables.find(([option]) => error.path.length === 1 && error.path[0] === option)
  return found === undefined || options[found[0]] !== undefined
    ? error
    : ConfigError.InvalidData([found[1]], `${found[1]}: ${error.message}`)
}

const resolve = <A>(value: A | Config.Config<A> | undefined, fallback: Config.Config<A>): Config.Config<A> =>
  value === undefined ? fallback : Config.isConfig(value) ? value : Config.succeed(value)

/**
 * A layer read through Effect `Config`. By default: `MODELGATES_API_KEY`
 * (required, read as `Redacted`), `MODELGATES_BASE_URL`,
 * `MODELGATES_HTTP_REFERER`, `MODELGATES_APP_TITLE` and
 * `MODELGATES_APP_CATEGORIES`. Any option can be given instead, as a `Config`
 * or a plain value. A missing key fails with a `ConfigError` that names the
 * variable.
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
export const layerConfig = (options: ConfigOptions = {}): Layer.Layer<ModelGatesConfig, ConfigError.ConfigError> =>
  Layer.effect(
    ModelGatesConfig,
    Effect.flatMap(
      Config.all({
        apiKey: resolve<Options["apiKey"]>(options.apiKey, Config.redacted("MODELGATES_API_KEY")),
        baseUrl: resolve(options.baseUrl, optionalString("MODELGATES_BASE_URL")),
        httpReferer: resolve(options.httpReferer, optionalString("MODELGATES_HTTP_REFERER")),
        appTitle: resolve(options.appTitle, optionalString("MODELGATES_APP_TITLE")),
        appCategories: resolve(options.appCategories, optionalString("MODELGATES_APP_CATEGORIES")),
        userAgent: resolve(options.userAgent, Config.succeed(undefined)),
        timeout: resolve(options.timeout, Config.succeed(undefined)),
        retryPolicy: resolve(options.retryPolicy, Config.succeed(undefined)),
        allowInsecureHttp: resolve(options.allowInsecureHttp, Config.succeed(undefined))
      }),
      (resolved) => Effect.mapError(make(resolved), nameVariable(options))
    )
  )
