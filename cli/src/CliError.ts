/**
 * How a command fails, and the exit code each failure means: 2 when the
 * command line or the configuration must change, 1 when a lookup failed.
 */
import * as Schema from "effect/Schema"

/**
 * The command line cannot be used as given: the message says what to change.
 * Exit code 2.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  message: Schema.String
}) {}

/**
 * The configuration (environment variables, the API key) cannot be used: the
 * message says what to fix, and never holds the key. Exit code 2.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConfigurationError extends Schema.TaggedError<ConfigurationError>()("ConfigurationError", {
  message: Schema.String
}) {}

/**
 * The one generation a command asked for could not be read. Exit code 1.
 *
 * @since 0.1.0
 * @category errors
 */
export class LookupFailed extends Schema.TaggedError<LookupFailed>()("LookupFailed", {
  id: Schema.String,
  error: Schema.String,
  message: Schema.String
}) {}

/**
 * A report was printed, but some of its ids could not be read (the report
 * lists them). Exit code 1.
 *
 * @since 0.1.0
 * @category errors
 */
export class SomeLookupsFailed extends Schema.TaggedError<SomeLookupsFailed>()("SomeLookupsFailed", {
  failed: Schema.Number,
  total: Schema.Number
}) {
  get message(): string {
    return `${this.failed} of ${this.total} ids could not be read (listed in the report)`
  }
}

/**
 * The commands that look one generation up, whose failures {@link fromLookup}
 * explains.
 *
 * @since 0.1.0
 * @category models
 */
export type LookupCommand = "get" | "content"

// Each command's hints name only what that command has: `content` has no
// --wait, and a 404 there usually means the content was never stored.
const hints: Readonly<Record<LookupCommand, Readonly<Record<string, string>>>> = {
  get: {
    NotFoundResponseError:
      "not there (yet?): the record appears shortly after a generation ends, and --wait waits for it",
    GenerationNotReadyError: "still not there: wait longer with --max-wait, or look again later"
  },
  content: {
    NotFoundResponseError:
      "content is stored only when input/output logging was on for the generation; a generation that has just " +
      "ended may also not be there yet: look again in a moment",
    ForbiddenResponseError: "stored content needs an admin key of the organisation"
  }
}

/**
 * What a failed lookup of one id means for the user: a refused key is a
 * configuration to fix, an id the SDK refused before sending a usage error,
 * anything else a failed lookup, with a hint where one helps (one that names
 * only what `command` has).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromLookup = (
  command: LookupCommand,
  id: string,
  error: { readonly _tag: string; readonly message: string }
): ConfigurationError | UsageError | LookupFailed => {
  switch (error._tag) {
    case "UnauthorizedResponseError":
      return refusedKey
    case "InvalidRequestError":
      return new UsageError({ message: error.message })
    default: {
      const hint = hints[command][error._tag]
      return new LookupFailed({
        id,
        error: error._tag,
        message: hint === undefined ? error.message : `${error.message} (${hint})`
      })
    }
  }
}

/**
 * The API refused the key: nothing will work until it is fixed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const refusedKey: ConfigurationError = new ConfigurationError({
  message: "the API refused the key (401 Unauthorized): check MODELGATES_API_KEY (and MODELGATES_BASE_URL)"
})

/**
 * Every way a command fails on purpose.
 *
 * @since 0.1.0
 * @category errors
 */
export type CliError = UsageError | ConfigurationError | LookupFailed | SomeLookupsFailed

/**
 * The exit code of a failure.
 *
 * @since 0.1.0
 * @category exit codes
 */
export const exitCode = (error: CliError): 1 | 2 =>
  error._tag === "UsageError" || error._tag === "ConfigurationError" ? 2 : 1
