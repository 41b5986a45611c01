/**
 * `modelgates get <id>`: what a generation cost and how it ran.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Generations from "@modelgates/effect/Generations"
import type * as ModelGatesConfig from "@modelgates/effect/ModelGatesConfig"
import type * as ModelGatesError from "@modelgates/effect/ModelGatesError"
import type * as Models from "@modelgates/effect/Models"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as CliError from "./CliError.js"
import * as Connection from "./Connection.js"
import * as GenerationView from "./GenerationView.js"
import * as Stdio from "./Stdio.js"
import { version } from "./Version.js"
import * as Wait from "./Wait.js"

/**
 * The `<id>` argument of `get` and `content`.
 *
 * @since 0.1.0
 * @category arguments
 */
export const id: Args.Args<string> = Args.text({ name: "id" }).pipe(
  Args.withDescription("The generation's id, gen-…")
)

/**
 * `--json`: the decoded model instead of the readable text.
 *
 * @since 0.1.0
 * @category options
 */
export const json: Options.Options<boolean> = Options.boolean("json").pipe(
  Options.withDescription("Print the decoded model as JSON (camelCase fields, ISO 8601 dates).")
)

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "get",
  { id, json, wait: Wait.options, simulator: Connection.simulator },
  (options) =>
    Effect.gen(function*() {
      const stdio = yield* Stdio.Stdio
      const request = { id: options.id }
      const lookup: Effect.Effect<
        Models.GenerationResponse,
        ModelGatesError.GetGenerationError | ModelGatesError.WaitForGenerationError,
        ModelGatesConfig.ModelGatesConfig | HttpClient.HttpClient
      > = Option.isSome(options.wait)
        ? Generations.waitForGeneration(request, { maxWait: options.wait.value.maxWait })
        : Generations.getGeneration(request)
      const { data } = yield* Effect.mapError(lookup, (error) => CliError.fromLookup("get", options.id, error))
      yield* stdio.out(options.json ? GenerationView.json(data) : GenerationView.generation(data))
    }).pipe(Effect.provide(Connection.layer({ simulator: options.simulator, version })))
).pipe(Command.withDescription(
  "Show what a generation cost and how it ran: cost, tokens, latency, provider, fallbacks."
))
