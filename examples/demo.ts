/**
 * A walk through the SDK, end to end: `npm run demo`.
 *
 * Without both `MODELGATES_API_KEY` and `--id gen-…` it starts the ModelGates
 * simulator on a free loopback port, says why, and runs against it over real
 * HTTP. With both, it reads that generation from the real service (and skips
 * the parts that need a simulator to misbehave on purpose).
 */
import { FetchHttpClient } from "@effect/platform"
import type { HttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Generations, ModelGatesConfig, Models, RetryPolicy } from "@modelgates/effect"
import type { ModelGatesError } from "@modelgates/effect"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as ModelGatesSimulatorServer from "@modelgates/effect/testing/ModelGatesSimulatorServer"
import { Clock, Config, Console, DateTime, Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"

type Sdk = HttpClient.HttpClient | ModelGatesConfig.ModelGatesConfig

// -----------------------------------------------------------------------------
// printing
// -----------------------------------------------------------------------------

const section = (title: string) => Console.log(`\n── ${title} ${"─".repeat(Math.max(0, 72 - title.length))}`)

const line = (label: string, value: unknown) =>
  Console.log(`  ${label.padEnd(16)} ${value === null || value === undefined ? "(not recorded)" : String(value)}`)

const dollars = (x: number | null) => x === null ? null : `$${x.toFixed(6)}`
const millis = (x: number | null) => x === null ? null : `${Math.round(x)} ms`

const showMetadata = (data: Models.GenerationData) =>
  Effect.gen(function*() {
    yield* line("id", data.id)
    yield* line("model", data.model)
    yield* line("created", DateTime.formatIso(data.createdAt))
    yield* line("provider", data.providerName)
    yield* line("cost", `${dollars(data.totalCost)}${data.isByok ? " (bring your own key)" : ""}`)
    yield* line(
      "tokens",
      data.tokensPrompt === null
        ? null
        : `${data.tokensPrompt} in, ${data.tokensCompletion ?? "?"} out` +
          (data.nativeTokensReasoning ? `, ${data.nativeTokensReasoning} reasoning` : "")
    )
    yield* line("latency", millis(data.latency))
    yield* line("generation time", millis(data.generationTime))
    yield* line("finish reason", data.finishReason)
    const attempts = data.providerResponses ?? []
    yield* line(
      "attempts",
      attempts.length === 0
        ? null
        : attempts.map((attempt) => `${attempt.providerName ?? "?"} → ${attempt.status ?? "no answer"}`).join(", ")
    )
    if (attempts.length > 1 && attempts[attempts.length - 1].status === 200) {
      yield* Console.log("  (the gateway fell back to another provider after the first attempt failed)")
    }
  })

const showContent = (data: Models.GenerationContentData) =>
  Effect.gen(function*() {
    if (data.input instanceof Models.GenerationContentPrompt) {
      yield* line("prompt", JSON.stringify(data.input.prompt))
    } else {
      for (const message of data.input.messages) yield* line("message", JSON.stringify(message))
    }
    yield* line("completion", data.output.completion === null ? null : JSON.stringify(data.output.completion))
    if (data.output.reasoning !== null) yield* line("reasoning", JSON.stringify(data.output.reasoning))
    if (data.error !== null) {
      yield* line("failed with", `${data.error.status} ${data.error.message} (${data.error.providerName})`)
      for (const earlier of data.error.previousErrors) {
        yield* line("  after", `${earlier.code} ${earlier.message} (${earlier.providerName})`)
      }
    }
  })

/** Every error the SDK can fail with, each handled by its tag. */
const explain = <A, R>(call: Effect.Effect<A, ModelGatesError.ModelGatesError, R>, onSuccess: (a: A) => string) =>
  call.pipe(
    Effect.map(onSuccess),
    Effect.catchTags({
      UnauthorizedResponseError: (e) => Effect.succeed(`401: the key was refused (${e.message})`),
      PaymentRequiredResponseError: (e) => Effect.succeed(`402: out of credits, retrying will not help (${e.message})`),
      ForbiddenResponseError: (e) => Effect.succeed(`403: this key may not read stored content (${e.message})`),
      NotFoundResponseError: (e) => Effect.succeed(`404: not found, not yet, or not logged (${e.message})`),
      TooManyRequestsResponseError: (e) =>
        Effect.succeed(
          `429: rate limited, asked to wait ${
            Option.match(e.retryAfter, { onNone: () => "?", onSome: Duration.format })
          }`
        ),
      InternalServerResponseError: (e) => Effect.succeed(`500: ${e.message}`),
      BadGatewayResponseError: (e) => Effect.succeed(`502: the provider failed (${e.message})`),
      EdgeNetworkTimeoutResponseError: (e) =>
        Effect.succeed(`524 from the edge network, ${e.code === null ? "an HTML page, no JSON envelope" : e.message}`),
      ProviderOverloadedResponseError: (e) => Effect.succeed(`529: the provider is overloaded (${e.message})`),
      ModelGatesDefaultError: (e) => Effect.succeed(`HTTP ${e.status}: ${e.message}`),
      ConnectionError: (e) => Effect.succeed(`no complete response: ${e.message}`),
      RequestTimeoutError: (e) => Effect.succeed(`timed out after ${Duration.format(e.timeout)}`),
      ResponseValidationError: (e) => Effect.succeed(`a ${e.status} body that is not the documented shape`),
      InvalidRequestError: (e) => Effect.succeed(`refused before sending (${e.field}): ${e.message}`)
    })
  )

const outcome = (label: string, result: string) => Console.log(`  ${label.padEnd(38)} → ${result}`)

// -----------------------------------------------------------------------------
// the walk-through
// -----------------------------------------------------------------------------

const metadataAndContent = (id: string) =>
  Effect.gen(function*() {
    yield* section("What a generation cost and how it ran (getGeneration)")
    const metadata = yield* Effect.either(Generations.getGeneration({ id }))
    if (metadata._tag === "Right") yield* showMetadata(metadata.right.data)
    else yield* outcome("getGeneration", yield* explain(Effect.fail(metadata.left), () => ""))

    yield* section("What went in and came out (listGenerationContent)")
    yield* Effect.either(Generations.listGenerationContent({ id })).pipe(
      Effect.flatMap((content) =>
        content._tag === "Right"
          ? showContent(content.right.data)
          : Effect.flatMap(
            explain(Effect.fail(content.left), () => ""),
            (text) => outcome("listGenerationContent", text)
          )
      )
    )
  })

const simulatorOnly = (simulator: ModelGatesSimulator.Service, memberKey: string) =>
  Effect.gen(function*() {
    const generations = yield* simulator.generations
    const byLabel = (label: string) => generations.find((generation) => generation.label === label)

    const failed = byLabel("failed")
    if (failed !== undefined) {
      yield* section("A generation that failed, with its stored error")
      yield* showMetadata(failed.data)
      yield* Console.log("")
      yield* showContent(yield* Effect.map(Generations.listGenerationContent({ id: failed.id }), (r) => r.data))
    }

    yield* section("Just finished: 404 until the record appears")
    const fresh = yield* simulator.add({ readyAfter: "1500 millis" })
    const start = yield* Clock.currentTimeMillis
    const found = yield* Generations.getGeneration({ id: fresh.id }).pipe(
      Effect.tapError((error) =>
        error._tag === "NotFoundResponseError"
          ? Console.log("  404, not there yet; asking again in 300 ms")
          : Effect.void
      ),
      Effect.retry({
        schedule: Schedule.spaced("300 millis"),
        while: (error) => error._tag === "NotFoundResponseError",
        times: 20
      })
    )
    const waited = (yield* Clock.currentTimeMillis) - start
    yield* Console.log(`  found ${found.data.id} after ${waited} ms (${found.data.model})`)

    yield* section("Rate limited: retried after Retry-After")
    const target = generations[0]
    yield* simulator.clearRequests
    yield* simulator.script(
      { id: target.id },
      ModelGatesSimulator.errorResponse(429, { headers: { "retry-after": "1" }, userId: "user_demo" })
    )
    const before = yield* Clock.currentTimeMillis
    yield* Generations.getGeneration({ id: target.id })
    const statuses = (yield* simulator.requests).map((entry) => entry.status)
    yield* Console.log(`  statuses seen: ${statuses.join(" → ")}; the default retry policy waited as asked`)
    yield* Console.log(`  succeeded after ${(yield* Clock.currentTimeMillis) - before} ms (Retry-After: 1)`)

    yield* section("Every failure is a typed error, handled with Effect.catchTags")
    const noRetries = { retryPolicy: RetryPolicy.none }
    const onSuccess = () => "succeeded"
    const notLogged = byLabel("regional") ?? byLabel("null-heavy") ?? target
    yield* outcome(
      "unknown id",
      yield* explain(Generations.getGeneration({ id: "gen-0000000000-unknown" }), onSuccess)
    )
    yield* outcome(
      "content that was not logged",
      yield* explain(Generations.listGenerationContent({ id: notLogged.id }), onSuccess)
    )
    yield* outcome(
      "content, with a member's key",
      yield* explain(
        Generations.listGenerationContent({ id: target.id }).pipe(
          Effect.provide(Layer.orDie(ModelGatesConfig.layer({ apiKey: memberKey, baseUrl: yield* baseUrl })))
        ),
        onSuccess
      )
    )
    yield* outcome(
      "a revoked key",
      yield* explain(
        Generations.getGeneration({ id: target.id }).pipe(
          Effect.provide(Layer.orDie(ModelGatesConfig.layer({ apiKey: "sk-mg-revoked", baseUrl: yield* baseUrl })))
        ),
        onSuccess
      )
    )
    const scripted = (fault: ModelGatesSimulator.Fault, options: Generations.CallOptions = noRetries) =>
      Effect.zipRight(simulator.script({ id: target.id }, fault), Generations.getGeneration({ id: target.id }, options))
    yield* outcome("no credits left", yield* explain(scripted(ModelGatesSimulator.errorResponse(402)), onSuccess))
    yield* outcome("edge network timeout", yield* explain(scripted(ModelGatesSimulator.edgePage(524)), onSuccess))
    yield* outcome(
      "a stalled body, 300 ms timeout",
      yield* explain(
        scripted(ModelGatesSimulator.deliver({ stallAfter: 40 }), { ...noRetries, timeout: "300 millis" }),
        onSuccess
      )
    )
    yield* outcome("a dropped connection", yield* explain(scripted(ModelGatesSimulator.drop()), onSuccess))
    yield* outcome(
      "a 200 that is an HTML page",
      yield* explain(scripted(ModelGatesSimulator.respond(200, { body: "<html>maintenance</html>" })), onSuccess)
    )
    yield* outcome(
      "a 529, retried by the default policy",
      yield* explain(
        scripted(ModelGatesSimulator.errorResponse(529), {}),
        () => "succeeded on the second attempt"
      )
    )
    yield* outcome("an empty id", yield* explain(Generations.getGeneration({ id: "" }), onSuccess))
  })

const baseUrl = Effect.map(ModelGatesConfig.ModelGatesConfig, (config) => config.baseUrl)

// -----------------------------------------------------------------------------
// where to run
// -----------------------------------------------------------------------------

const idArgument = (argv: ReadonlyArray<string>): string | undefined => {
  const at = argv.findIndex((arg) => arg === "--id" || arg.startsWith("--id="))
  if (at === -1) return undefined
  return argv[at].startsWith("--id=") ? argv[at].slice("--id=".length) : argv[at + 1]
}

/** `why` says why the demo runs against the simulator rather than the real service. */
const againstSimulator = (why: string) =>
  Effect.gen(function*() {
    const adminKey = "sk-mg-demo-admin"
    const memberKey = "sk-mg-demo-member"
    const server = yield* ModelGatesSimulatorServer.serve({
      seed: 42,
      keys: [adminKey, { key: memberKey, admin: false }]
    })
    yield* Console.log(`ModelGates simulator listening on ${server.url} (${why})`)
    const [first] = yield* server.simulator.generations
    const sdk = Layer.merge(
      FetchHttpClient.layer,
      ModelGatesConfig.layer({ apiKey: adminKey, baseUrl: server.url, appTitle: "ModelGates demo" })
    )
    yield* Effect.provide(
      Effect.zipRight(metadataAndContent(first.id), simulatorOnly(server.simulator, memberKey)),
      sdk
    )
  })

const againstService = (apiKey: Redacted.Redacted<string>, id: string) =>
  Effect.gen(function*() {
    const sdk: Layer.Layer<Sdk, unknown> = Layer.merge(
      FetchHttpClient.layer,
      ModelGatesConfig.layerConfig({ apiKey, appTitle: "ModelGates demo" })
    )
    yield* Effect.provide(
      Effect.gen(function*() {
        yield* Console.log(`Reading ${id} from ${yield* baseUrl}`)
        yield* metadataAndContent(id)
        yield* section("Typed errors, handled with Effect.catchTags")
        yield* outcome(
          "unknown id",
          yield* explain(Generations.getGeneration({ id: "gen-0000000000-unknown" }), () => "succeeded")
        )
        yield* outcome("an empty id", yield* explain(Generations.getGeneration({ id: "" }), () => "succeeded"))
        yield* Console.log("\n(The not-ready, rate-limit and fault walk-throughs need the simulator: unset the key.)")
      }),
      sdk
    )
  })

/** Why the demo runs against the simulator, given what the environment and the command line hold. */
const simulatorBecause = (apiKey: Option.Option<Redacted.Redacted<string>>, id: string | undefined): string =>
  Option.match(apiKey, {
    onNone: () =>
      id === undefined
        ? "no MODELGATES_API_KEY set"
        : `no MODELGATES_API_KEY set, so --id ${id} is not looked up on the real service`,
    onSome: (key) =>
      Redacted.value(key).trim() === ""
        ? "MODELGATES_API_KEY is empty"
        : "MODELGATES_API_KEY is set, but no --id gen-… was given: add one to read it from the real service"
  })

const main = Effect.gen(function*() {
  const apiKey = yield* Config.option(Config.redacted("MODELGATES_API_KEY"))
  const id = idArgument(process.argv.slice(2))
  const key = Option.filter(apiKey, (key) => Redacted.value(key).trim() !== "")
  if (Option.isSome(key) && id !== undefined) return yield* againstService(key.value, id)
  yield* againstSimulator(simulatorBecause(apiKey, id))
  yield* Console.log("\nDone.")
}).pipe(Effect.scoped)

NodeRuntime.runMain(main)
