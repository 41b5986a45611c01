/**
 * The configuration every ModelGates operation reads: the API key, where the
 * API lives, the app attribution headers, the per-attempt timeout and the
 * retry policy.
 *
 * @example
 * ```ts
 * import { ModelGatesConfig } from "@modelgates/effect4"
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
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as CoreConfig from "../../core/Config.js"
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
 * @category services
 */
export class ModelGatesConfig extends Context.Service<ModelGatesConfig, Service>()(
  "@modelgates/effect4/ModelGatesConfig"
) {}

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
   * `Infinity` (or `Duration.infinity`) turns it off; then nothing bounds a
   * stalled response.
   */
  readonly timeout?: Duration.Input | undefined
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
   * application's HTTP is untouched.
   *
   * @example
   * ```ts
   * import { ModelGatesConfig } from "@modelgates/effect4"
   * import { Effect } from "effect"
   * import { HttpClient, HttpClientRequest } from "effect/http"
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

/** A refusal of one option (or variable), as effect 4 reports a config value it cannot use. */
const refuse = (path: string, problem: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(new SchemaIssue.Pointer([path], new SchemaIssue.InvalidValue({ message: problem })))
  )

const orFail = <A>(path: string, checked: CoreConfig.Checked<A>): Effect.Effect<A, Config.ConfigError> =>
  checked.ok ? Effect.succeed(checked.value) : Effect.fail(refuse(path, checked.problem))

const checkApiKey = (apiKey: string | Redacted.Redacted<string>): CoreConfig.Checked<Redacted.Redacted<string>> => {
  const redacted = typeof apiKey === "string" ? Redacted.make(apiKey) : apiKey
  const problem = CoreConfig.apiKeyProblem(Redacted.value(redacted))
  return problem === undefined ? { ok: true, value: redacted } : { ok: false, problem }
}

const checkTimeout = (input: Duration.Input | undefined): CoreConfig.Checked<Duration.Duration> => {
  const timeout = Duration.fromInput(input ?? "30 seconds")
  return Option.isSome(timeout) && Duration.isGreaterThan(timeout.value, Duration.zero)
    ? { ok: true, value: timeout.value }
    : { ok: false, problem: CoreConfig.timeoutProblem }
}

const checkBaseUrl = (input: string | undefined) => CoreConfig.checkBaseUrl(input ?? defaultBaseUrl)

/**
 * Validates options into the configuration. A malformed base URL, plain http
 * off loopback, an empty key, a header value with a line break or a
 * non-positive timeout fail with a `Config.ConfigError` naming the option.
 * Messages never include the key.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = Effect.fnUntraced(function*(options: Options) {
  const apiKey = yield* orFail("apiKey", checkApiKey(options.apiKey))
  const timeout = yield* orFail("timeout", checkTimeout(options.timeout))
  const url = yield* orFail("baseUrl", checkBaseUrl(options.baseUrl))
  const service: Service = {
    apiKey,
    baseUrl: yield* orFail("baseUrl", CoreConfig.checkSecure(url, options.allowInsecureHttp ?? false)),
    httpReferer: yield* orFail("httpReferer", CoreConfig.checkHeaderValue(options.httpReferer)),
    appTitle: yield* orFail("appTitle", CoreConfig.checkHeaderValue(options.appTitle)),
    appCategories: yield* orFail("appCategories", CoreConfig.checkHeaderValue(options.appCategories)),
    userAgent: yield* orFail("userAgent", CoreConfig.checkHeaderValue(options.userAgent)),
    timeout,
    retryPolicy: options.retryPolicy ?? RetryPolicy.defaultPolicy,
    transformClient: options.transformClient
  }
  return service
})

/**
 * A layer from plain values. It fails to build, with a `Config.ConfigError`
 * naming the option, when the options are unusable.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<ModelGatesConfig, Config.ConfigError> =>
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
const variable = <A>(name: string, check: (input: string | undefined) => CoreConfig.Checked<A>): Config.Config<A> =>
  Config.option(Config.String(name)).pipe(
    Config.mapEffect((raw) => {
      const value = Option.getOrUndefined(raw)
      return orFail(name, check(value === undefined || value.trim() === "" ? undefined : value))
    })
  )

const toConfig = <A>(value: A | Config.Config<A>): Config.Config<A> =>
  Config.isConfig(value) ? value as Config.Config<A> : Config.succeed(value)

/**
 * One option as a `Config`, checked inside it: without a value, the default
 * variable's (failing at the variable's name); with a plain value or the
 * caller's own `Config`, failing at the option's name.
 */
const checked = <I, A>(
  option: keyof Options,
  value: I | Config.Config<I> | undefined,
  fallback: Config.Config<A>,
  check: (input: I) => CoreConfig.Checked<A>
): Config.Config<A> =>
  value === undefined ? fallback : Config.mapEffect(toConfig(value), (input) => orFail(option, check(input)))

const plainOrConfig = <A>(value: A | Config.Config<A> | undefined): Config.Config<A | undefined> =>
  value === undefined ? Config.succeed(undefined) : toConfig(value)

const header = (options: ConfigOptions, option: "httpReferer" | "appTitle" | "appCategories") =>
  checked(
    option,
    options[option],
    variable(CoreConfig.variables[option], CoreConfig.checkHeaderValue),
    CoreConfig.checkHeaderValue
  )

/**
 * A layer read through Effect `Config`, from the ambient `ConfigProvider`. By
 * default: `MODELGATES_API_KEY` (required, read as `Redacted`),
 * `MODELGATES_BASE_URL`, `MODELGATES_HTTP_REFERER`, `MODELGATES_APP_TITLE`
 * and `MODELGATES_APP_CATEGORIES`. Any option can be given instead, as a
 * `Config` or a plain value. A missing key fails with a `Config.ConfigError`
 * that names the variable; an unusable value fails with one whose path is the
 * variable (or the option) it came from.
 *
 * @example
 * ```ts
 * import { ModelGatesConfig, RetryPolicy } from "@modelgates/effect4"
 * import { Config } from "effect"
 *
 * const ConfigLive = ModelGatesConfig.layerConfig({
 *   apiKey: Config.Redacted("MY_APP_MODELGATES_KEY"),
 *   timeout: "10 seconds",
 *   retryPolicy: RetryPolicy.backoff({ maxRetries: 2 })
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (options: ConfigOptions = {}): Layer.Layer<ModelGatesConfig, Config.ConfigError> => {
  const baseUrlPath = options.baseUrl === undefined ? CoreConfig.variables.baseUrl : "baseUrl"
  const baseUrl = Config.all([
    checked("baseUrl", options.baseUrl, variable(CoreConfig.variables.baseUrl, checkBaseUrl), checkBaseUrl),
    plainOrConfig(options.allowInsecureHttp)
  ]).pipe(
    Config.mapEffect(([url, allowInsecureHttp]) =>
      orFail(baseUrlPath, CoreConfig.checkSecure(url, allowInsecureHttp ?? false))
    )
  )
  const apiKeyVariable = CoreConfig.variables.apiKey
  const config: Config.Config<Service> = Config.all({
    apiKey: checked<Options["apiKey"], Redacted.Redacted<string>>(
      "apiKey",
      options.apiKey,
      Config.mapEffect(Config.Redacted(apiKeyVariable), (key) => orFail(apiKeyVariable, checkApiKey(key))),
      checkApiKey
    ),
    baseUrl,
    httpReferer: header(options, "httpReferer"),
    appTitle: header(options, "appTitle"),
    appCategories: header(options, "appCategories"),
    userAgent: checked("userAgent", options.userAgent, Config.succeed(undefined), CoreConfig.checkHeaderValue),
    timeout: checked("timeout", options.timeout, Config.succeed(Duration.seconds(30)), checkTimeout),
    retryPolicy: Config.map(plainOrConfig(options.retryPolicy), (policy) => policy ?? RetryPolicy.defaultPolicy),
    transformClient: plainOrConfig(options.transformClient)
  })
  // A Config is an Effect in effect 4: it reads the ambient ConfigProvider when the layer is built.
  return Layer.effect(ModelGatesConfig, config)
}
