/**
 * `--wait` and `--max-wait`: right after a generation ends, the API answers
 * 404 for a moment; with `--wait` a 404 means "not yet", and the lookup polls
 * (the SDK's `waitForGeneration`) until the record appears or `--max-wait`
 * has passed.
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

const pattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/
const unitMillis: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * Reads `500ms`, `30s`, `2m`, `1h`; a bare number is seconds.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseDuration = (text: string): Option.Option<Duration.Duration> => {
  const match = pattern.exec(text.trim())
  if (match === null) return Option.none()
  const millis = Number(match[1]) * unitMillis[match[2] ?? "s"]
  return millis > 0 ? Option.some(Duration.millis(millis)) : Option.none()
}

const maxWait = Options.text("max-wait").pipe(
  Options.withDescription("With --wait, how long to wait in all, e.g. 30s, 500ms, 2m (a bare number is seconds)."),
  Options.withDefault("60s"),
  Options.mapEffect((text) =>
    Option.match(parseDuration(text), {
      onNone: () =>
        Effect.fail(ValidationError.invalidValue(HelpDoc.p(
          `--max-wait: cannot read ${JSON.stringify(text)} as a duration; write e.g. 30s, 500ms or 2m`
        ))),
      onSome: Effect.succeed
    })
  )
)

/**
 * The wait of a lookup: none, or at most `maxWait`.
 *
 * @since 0.1.0
 * @category options
 */
export const options: Options.Options<Option.Option<{ readonly maxWait: Duration.Duration }>> = Options.all({
  wait: Options.boolean("wait").pipe(
    Options.withDescription(
      "Wait for ids that are not there yet (a 404 right after a generation ends) instead of failing them."
    )
  ),
  maxWait
}).pipe(Options.map(({ maxWait, wait }) => wait ? Option.some({ maxWait }) : Option.none()))
