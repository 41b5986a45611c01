/**
 * `modelgates content <id>`: what went into a generation and came out.
 */
import * as Command from "@effect/cli/Command"
import * as Generations from "@modelgates/effect/Generations"
import * as Effect from "effect/Effect"
import * as CliError from "./CliError.js"
import * as Connection from "./Connection.js"
import * as GenerationView from "./GenerationView.js"
import { id, json } from "./GetCommand.js"
import * as Stdio from "./Stdio.js"
import { version } from "./Version.js"

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make(
  "content",
  { id, json, simulator: Connection.simulator },
  (options) =>
    Effect.gen(function*() {
      const stdio = yield* Stdio.Stdio
      const { data } = yield* Generations.listGenerationContent({ id: options.id }).pipe(
        Effect.mapError((error) => CliError.fromLookup("content", options.id, error))
      )
      yield* stdio.out(options.json ? GenerationView.json(data) : GenerationView.content(options.id, data))
    }).pipe(Effect.provide(Connection.layer({ simulator: options.simulator, version })))
).pipe(Command.withDescription(
  "Show what went into a generation and came out: the prompt or messages, reasoning, completion, stored error."
))
