import { assert, describe, expect, it } from "@effect/vitest"
import { Config, ConfigError, ConfigProvider, Duration, Effect, Layer, Redacted } from "effect"
import * as util from "node:util"
import { ModelGatesConfig, RetryPolicy } from "../src/index.js"
import { secretKey } from "./utils/MockHttp.js"

const build = <E>(layer: Layer.Layer<ModelGatesConfig.ModelGatesConfig, E>) =>
  Effect.provide(ModelGatesConfig.ModelGatesConfig, layer)

const refusal = (options: ModelGatesConfig.Options) =>
  Effect.map(Effect.flip(ModelGatesConfig.make(options)), (error) => String(error))

const fromEnv = (env: Record<string, string>) =>
  Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("ModelGatesConfig", () => {
  describe("layer", () => {
    it.effect("fills in the defaults", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layer({ apiKey: secretKey }))
        expect(Redacted.isRedacted(config.apiKey)).toBe(true)
        expect(Redacted.value(config.apiKey)).toBe(secretKey)
        expect(config.baseUrl).toBe("https://modelgates.ai/api/v1")
        expect(config.timeout).toEqual(Duration.seconds(30))
        expect(config.retryPolicy).toBe(RetryPolicy.defaultPolicy)
        expect(config.httpReferer).toBeUndefined()
        expect(config.appTitle).toBeUndefined()
        expect(config.appCategories).toBeUndefined()
      }))

    it.effect("takes the key as a string or a Redacted, and never shows it", () =>
      Effect.gen(function*() {
        const fromString = yield* build(ModelGatesConfig.layer({ apiKey: secretKey }))
        const fromRedacted = yield* build(ModelGatesConfig.layer({ apiKey: Redacted.make(secretKey) }))
        expect(Redacted.value(fromRedacted.apiKey)).toBe(secretKey)
        for (const config of [fromString, fromRedacted]) {
          expect(util.inspect(config, { depth: 10 })).not.toContain(secretKey)
          expect(JSON.stringify(config)).not.toContain(secretKey)
          expect(String(config.apiKey)).not.toContain(secretKey)
        }
      }))

    it.effect("takes every option", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layer({
          apiKey: secretKey,
          baseUrl: "https://eu.modelgates.example/api/v1/",
          httpReferer: "https://notes.example.app/",
          appTitle: "Notes",
          appCategories: "cli-agent",
          userAgent: "notes/2.3",
          timeout: 2500,
          retryPolicy: RetryPolicy.none
        }))
        expect(config.baseUrl).toBe("https://eu.modelgates.example/api/v1")
        expect(config.httpReferer).toBe("https://notes.example.app/")
        expect(config.appTitle).toBe("Notes")
        expect(config.appCategories).toBe("cli-agent")
        expect(config.userAgent).toBe("notes/2.3")
        expect(config.timeout).toEqual(Duration.millis(2500))
        expect(config.retryPolicy).toBe(RetryPolicy.none)
      }))

    it.effect("accepts plain http on loopback only", () =>
      Effect.gen(function*() {
        for (
          const baseUrl of [
            "http://localhost:8787/api/v1",
            "http://127.0.0.1:1/api/v1",
            "http://127.9.8.7",
            "http://[::1]:8787"
          ]
        ) {
          const config = yield* ModelGatesConfig.make({ apiKey: secretKey, baseUrl })
          expect(config.baseUrl.startsWith("http://")).toBe(true)
        }
        const refused = yield* refusal({ apiKey: secretKey, baseUrl: "http://modelgates.ai/api/v1" })
        expect(refused).toContain("baseUrl")
        expect(refused).toContain("clear text")
        const allowed = yield* ModelGatesConfig.make({
          apiKey: secretKey,
          baseUrl: "http://gateway.internal/api/v1",
          allowInsecureHttp: true
        })
        expect(allowed.baseUrl).toBe("http://gateway.internal/api/v1")
        expect(yield* refusal({ apiKey: secretKey, baseUrl: "http://127.0.0.1.evil.example/" })).toContain("clear text")
      }))

    it.effect("refuses a base URL that is not an absolute http(s) URL, with a clear message", () =>
      Effect.gen(function*() {
        for (
          const baseUrl of ["modelgates.ai/api/v1", "/api/v1", "", "ftp://modelgates.ai/api", "file:///etc/passwd"]
        ) {
          const message = yield* refusal({ apiKey: secretKey, baseUrl })
          expect(message).toContain("baseUrl")
          expect(message).toMatch(/absolute http\(s\) URL|https/)
        }
        expect(yield* refusal({ apiKey: secretKey, baseUrl: "https://user:pw@modelgates.ai/api/v1" })).toContain(
          "credentials"
        )
        expect(yield* refusal({ apiKey: secretKey, baseUrl: "https://modelgates.ai/api/v1?x=1" })).toContain("query")
      }))

    it.effect("refuses an unusable key without showing it", () =>
      Effect.gen(function*() {
        for (const apiKey of ["", "   ", `${secretKey}\n`, `Bearer ${secretKey}`, `${secretKey}\r\nX-Evil: 1`]) {
          const message = yield* refusal({ apiKey })
          expect(message).toContain("apiKey")
          expect(message).not.toContain(secretKey)
        }
      }))

    it.effect("refuses attribution headers with line breaks, and non-positive timeouts", () =>
      Effect.gen(function*() {
        expect(yield* refusal({ apiKey: secretKey, appTitle: "Notes\r\nX-Evil: 1" })).toContain("appTitle")
        expect(yield* refusal({ apiKey: secretKey, httpReferer: "https://a.example/\n" })).toContain("httpReferer")
        expect(yield* refusal({ apiKey: secretKey, appCategories: "a\u0007" })).toContain("appCategories")
        expect(yield* refusal({ apiKey: secretKey, timeout: 0 })).toContain("timeout")
        expect(yield* refusal({ apiKey: secretKey, timeout: -5 })).toContain("timeout")
      }))
  })

  describe("layerConfig", () => {
    it.effect("reads MODELGATES_* through Config", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(fromEnv({
            MODELGATES_API_KEY: secretKey,
            MODELGATES_BASE_URL: "http://127.0.0.1:8787/api/v1",
            MODELGATES_HTTP_REFERER: "https://notes.example.app/",
            MODELGATES_APP_TITLE: "Notes",
            MODELGATES_APP_CATEGORIES: "cli-agent,cloud-agent"
          }))
        )
        expect(Redacted.value(config.apiKey)).toBe(secretKey)
        expect(config.baseUrl).toBe("http://127.0.0.1:8787/api/v1")
        expect(config.httpReferer).toBe("https://notes.example.app/")
        expect(config.appTitle).toBe("Notes")
        expect(config.appCategories).toBe("cli-agent,cloud-agent")
      }))

    it.effect("needs only the key", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(fromEnv({ MODELGATES_API_KEY: secretKey }))
        )
        expect(config.baseUrl).toBe(ModelGatesConfig.defaultBaseUrl)
        expect(config.appTitle).toBeUndefined()
      }))

    it.effect("a missing key is a ConfigError that names the variable", () =>
      Effect.gen(function*() {
        const error = yield* build(ModelGatesConfig.layerConfig()).pipe(Effect.provide(fromEnv({})), Effect.flip)
        expect(ConfigError.isMissingDataOnly(error)).toBe(true)
        expect(String(error)).toContain("MODELGATES_API_KEY")
      }))

    it.effect("a bad base URL from the environment is refused when the layer is built", () =>
      Effect.gen(function*() {
        const error = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(
            fromEnv({ MODELGATES_API_KEY: secretKey, MODELGATES_BASE_URL: "http://modelgates.ai/api/v1" })
          ),
          Effect.flip
        )
        expect(String(error)).toContain("MODELGATES_BASE_URL")
        expect(String(error)).toContain("clear text")
        expect(String(error)).not.toContain(secretKey)
      }))

    it.effect("each refusal names the variable (or the option) once, in its path", () =>
      Effect.gen(function*() {
        const fromVariable = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(fromEnv({ MODELGATES_API_KEY: secretKey, MODELGATES_BASE_URL: "not a url" })),
          Effect.flip
        )
        assert(fromVariable._op === "InvalidData")
        expect(fromVariable.path).toEqual(["MODELGATES_BASE_URL"])
        expect(String(fromVariable).split("MODELGATES_BASE_URL")).toHaveLength(2)
        const fromTitle = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(fromEnv({ MODELGATES_API_KEY: secretKey, MODELGATES_APP_TITLE: "Notes\nX-Evil: 1" })),
          Effect.flip
        )
        assert(fromTitle._op === "InvalidData")
        expect(fromTitle.path).toEqual(["MODELGATES_APP_TITLE"])
        const fromOption = yield* build(ModelGatesConfig.layerConfig({ apiKey: secretKey, timeout: -1 })).pipe(
          Effect.flip
        )
        assert(fromOption._op === "InvalidData")
        expect(fromOption.path).toEqual(["timeout"])
        const emptyKey = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(fromEnv({ MODELGATES_API_KEY: " " })),
          Effect.flip
        )
        assert(emptyKey._op === "InvalidData")
        expect(emptyKey.path).toEqual(["MODELGATES_API_KEY"])
        const fromOwnConfig = yield* build(ModelGatesConfig.layerConfig({ apiKey: Config.redacted("MY_KEY") })).pipe(
          Effect.provide(fromEnv({ MY_KEY: "two words" })),
          Effect.flip
        )
        assert(fromOwnConfig._op === "InvalidData")
        expect(fromOwnConfig.path).toEqual(["apiKey"])
        expect(String(fromOwnConfig)).not.toContain("two words")
      }))

    it.effect("an empty variable reads as unset", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(fromEnv({ MODELGATES_API_KEY: secretKey, MODELGATES_BASE_URL: "", MODELGATES_APP_TITLE: " " }))
        )
        expect(config.baseUrl).toBe(ModelGatesConfig.defaultBaseUrl)
        expect(config.appTitle).toBeUndefined()
      }))

    it.effect("takes options as Configs or plain values", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layerConfig({
          apiKey: Config.redacted("MY_APP_KEY"),
          appTitle: "Notes",
          timeout: "5 seconds",
          retryPolicy: RetryPolicy.none
        })).pipe(Effect.provide(fromEnv({ MY_APP_KEY: secretKey, MODELGATES_APP_TITLE: "ignored" })))
        expect(Redacted.value(config.apiKey)).toBe(secretKey)
        expect(config.appTitle).toBe("Notes")
        expect(config.timeout).toEqual(Duration.seconds(5))
        expect(config.retryPolicy).toBe(RetryPolicy.none)
      }))
  })
})
