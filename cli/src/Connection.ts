/**
 * Where the commands send their requests: the ModelGates API configured as
 * the SDK's `ModelGatesConfig.layerConfig` reads it (`MODELGATES_API_KEY`,
 * `MODELGATES_BASE_URL`, …, and `MODELGATES_ALLOW_INSECURE_HTTP` for its
 * `allowInsecureHttp`), or, with `--simulator`, the SDK's bundled
 * simulator, in memory, so every command works offline.
 */
import * as Options from "@effect/cli/Options"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as ModelGatesConfig from "@modelgates/effect/ModelGatesConfig"
import * as ModelGatesSimulator from "@modelgates/effect/testing/ModelGatesSimulator"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import { ConfigurationError } from "./CliError.js"

/**
 * The `--simulator` flag every command takes.
 *
 * @since 0.1.0
 * @category options
 */
export const simulator: Options.Options<boolean> = Options.boolean("simulator").pipe(
  Options.withDescription(
    "Run against the simulator bundled with the SDK, in memory, instead of the API: no key, no network."
  )
)

const userAgent = (version: string) => `modelgates-cli/${version}`

const leaves = (error: ConfigError.ConfigError): Array<ConfigError.ConfigError> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...leaves(error.left), ...leaves(error.right)]
    default:
      return [error]
  }
}

const setTheKey = "set it to your ModelGates API key (export MODELGATES_API_KEY=…), " +
  "or add --simulator to try the command against the bundled simulator"

/**
 * The variable that lets the command send the key over plain http to a host
 * that is not loopback: the SDK's `allowInsecureHttp`.
 *
 * @since 0.1.0
 * @category configuration
 */
export const allowInsecureHttpVariable = "MODELGATES_ALLOW_INSECURE_HTTP"

// The SDK's refusal names its own option; a user of the command sets a variable instead.
const sdkInsecureHint = /\ballowInsecureHttp: true\b/

const describe = (error: ConfigError.ConfigError): string => {
  const variable = error._op === "And" || error._op === "Or" ? "" : error.path.join(".")
  if (error._op === "MissingData") {
    return variable === "MODELGATES_API_KEY" ? `MODELGATES_API_KEY is not set: ${setTheKey}` : `${variable} is not set`
  }
  const message = error._op === "And" || error._op === "Or"
    ? ""
    : error.message.replace(sdkInsecureHint, `${allowInsecureHttpVariable}=true`)
  if (variable === "MODELGATES_API_KEY" && message === "is empty") return `MODELGATES_API_KEY is empty: ${setTheKey}`
  return variable === ""
    ? `the configuration from MODELGATES_* variables cannot be used: ${message}`
    : `${variable}: ${message}`
}

/**
 * A message that says what to fix. `ConfigError`s of the SDK never hold the
 * key, and neither does what is made of them here.
 *
 * @since 0.1.0
 * @category errors
 */
export const configurationError = (error: ConfigError.ConfigError): ConfigurationError =>
  new ConfigurationError({ message: leaves(error).map(describe).join("; ") })

/**
 * The SDK's services: the simulator (its control service included, for
 * commands that list its generations) or the API as configured through the
 * environment.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: {
  readonly simulator: boolean
  readonly version: string
}): Layer.Layer<ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient, ConfigurationError> =>
  options.simulator
    ? Layer.merge(
      ModelGatesSimulator.layer({ readyAfter: 0 }),
      ModelGatesConfig.layer({ apiKey: ModelGatesSimulator.defaultApiKey, userAgent: userAgent(options.version) })
    ).pipe(Layer.mapError(configurationError))
    : Layer.merge(
      ModelGatesConfig.layerConfig({
        userAgent: userAgent(options.version),
        allowInsecureHttp: Config.boolean(allowInsecureHttpVariable).pipe(Config.withDefault(false))
      }),
      FetchHttpClient.layer
    ).pipe(Layer.mapError(configurationError))

/**
 * The simulator's control, when the command runs against it.
 *
 * @since 0.1.0
 * @category accessors
 */
export const simulatorService: Effect.Effect<Option.Option<ModelGatesSimulator.Service>> = Effect.serviceOption(
  ModelGatesSimulator.ModelGatesSimulator
)
