import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as util from "node:util"
import { ModelGatesConfig, RetryPolicy } from "../src/index.js"
import { testKey } from "./utils/MockHttp.js"

const build = <E>(layer: Layer.Layer<ModelGatesConfig.ModelGatesConfig, E>) =>
  Effect.provide(Effect.service(ModelGatesConfig.ModelGatesConfig), layer)

const fromEnv = (env: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env }))

/** The refusal's text, and how many times it names `name`. */
const refusal = <E>(layer: Layer.Layer<ModelGatesConfig.ModelGatesConfig, E>, env: Record<string, string> = {}) =>
  Effect.map(Effect.flip(build(layer).pipe(Effect.provide(fromEnv(env)))), (error) => String(error))

const times = (text: string, name: string) => text.split(name).length - 1

describe("ModelGatesConfig", () => {
  describe("layer", () => {
    it.effect("fills in the defaults", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layer({ apiKey: testKey }))
        expect(Redacted.value(config.apiKey)).toBe(testKey)
        expect(config.baseUrl).toBe("https://modelgates.ai/api/v1")
        expect(config.timeout).toEqual(Duration.seconds(30))
        expect(config.retryPolicy).toBe(RetryPolicy.defaultPolicy)
        expect(config.httpReferer).toBeUndefined()
      }))

    it.effect("takes the key as a string or a Redacted, and never shows it", () =>
      Effect.gen(function*() {
        const fromString = yield* build(ModelGatesConfig.layer({ apiKey: testKey }))
        const fromRedacted = yield* build(ModelGatesConfig.layer({ apiKey: Redacted.make(testKey) }))
        for (const config of [fromString, fromRedacted]) {
          expect(util.inspect(config, { depth: 10 })).not.toContain(testKey)
          expect(JSON.stringify(config)).not.toContain(testKey)
          expect(String(config.apiKey)).not.toContain(testKey)
        }
      }))

    it.effect("takes every option; a plain number is milliseconds", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layer({
          apiKey: testKey,
          baseUrl: "https://eu.modelgates.example/api/v1/",
          httpReferer: "https://notes.example.app/",
          appTitle: "Notes",
          appCategories: "cli-agent",
          userAgent: "notes/2.3",
          timeout: 2500,
          retryPolicy: RetryPolicy.none
        }))
        expect(config.baseUrl).toBe("https://eu.modelgates.example/api/v1")
        expect(config.userAgent).toBe("notes/2.3")
        expect(config.timeout).toEqual(Duration.millis(2500))
        expect(config.retryPolicy).toBe(RetryPolicy.none)
      }))

    it.effect("refuses unusable options with a Config.ConfigError naming the option, never the key", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<readonly [ModelGatesConfig.Options, string, string]> = [
          [{ apiKey: " " }, "apiKey", "is empty"],
          [{ apiKey: `${testKey}\n` }, "apiKey", "whitespace"],
          [{ apiKey: testKey, baseUrl: "not a url" }, "baseUrl", "absolute http(s) URL"],
          [{ apiKey: testKey, baseUrl: "http://modelgates.ai/api/v1" }, "baseUrl", "clear text"],
          [{ apiKey: testKey, appTitle: "a\r\nb" }, "appTitle", "cannot carry"],
          [{ apiKey: testKey, timeout: 0 }, "timeout", "positive duration"]
        ]
        for (const [options, option, problem] of cases) {
          const error = yield* Effect.flip(ModelGatesConfig.make(options))
          assert.instanceOf(error, Config.ConfigError)
          expect(String(error)).toContain(option)
          expect(String(error)).toContain(problem)
          expect(String(error)).not.toContain(testKey)
        }
      }))

    it.effect("accepts plain http on loopback, or anywhere with allowInsecureHttp", () =>
      Effect.gen(function*() {
        for (const baseUrl of ["http://127.0.0.1:8787/api/v1", "http://localhost/api/v1", "http://[::1]:1/api"]) {
          const config = yield* ModelGatesConfig.make({ apiKey: testKey, baseUrl })
          expect(config.baseUrl.startsWith("http://")).toBe(true)
        }
        const insecure = yield* ModelGatesConfig.make({
          apiKey: testKey,
          baseUrl: "http://gateway.internal/api/v1",
          allowInsecureHttp: true
        })
        expect(insecure.baseUrl).toBe("http://gateway.internal/api/v1")
      }))
  })

  describe("layerConfig", () => {
    it.effect("reads MODELGATES_* from the ambient ConfigProvider", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(fromEnv({
            MODELGATES_API_KEY: testKey,
            MODELGATES_BASE_URL: "http://127.0.0.1:8787/api/v1",
            MODELGATES_HTTP_REFERER: "https://notes.example.app/",
            MODELGATES_APP_TITLE: "Notes",
            MODELGATES_APP_CATEGORIES: "cli-agent,cloud-agent"
          }))
        )
        expect(Redacted.value(config.apiKey)).toBe(testKey)
        expect(config.baseUrl).toBe("http://127.0.0.1:8787/api/v1")
        expect(config.httpReferer).toBe("https://notes.example.app/")
        expect(config.appTitle).toBe("Notes")
        expect(config.appCategories).toBe("cli-agent,cloud-agent")
      }))

    it.effect("a missing MODELGATES_API_KEY is named in Cause.pretty", () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(build(ModelGatesConfig.layerConfig()).pipe(Effect.provide(fromEnv({}))))
        assert(Exit.isFailure(exit))
        expect(Cause.pretty(exit.cause)).toContain("MODELGATES_API_KEY")
      }))

    it.effect("each refusal names the variable (or the option) once", () =>
      Effect.gen(function*() {
        const fromVariable = yield* refusal(ModelGatesConfig.layerConfig(), {
          MODELGATES_API_KEY: testKey,
          MODELGATES_BASE_URL: "http://modelgates.ai/api/v1"
        })
        expect(times(fromVariable, "MODELGATES_BASE_URL")).toBe(1)
        expect(fromVariable).toContain("clear text")
        expect(fromVariable).not.toContain(testKey)
        const fromTitle = yield* refusal(ModelGatesConfig.layerConfig(), {
          MODELGATES_API_KEY: testKey,
          MODELGATES_APP_TITLE: "Notes\nX-Evil: 1"
        })
        expect(times(fromTitle, "MODELGATES_APP_TITLE")).toBe(1)
        const fromOption = yield* refusal(ModelGatesConfig.layerConfig({ apiKey: testKey, timeout: -1 }))
        expect(fromOption).toContain("timeout")
        const emptyKey = yield* refusal(ModelGatesConfig.layerConfig(), { MODELGATES_API_KEY: " " })
        expect(times(emptyKey, "MODELGATES_API_KEY")).toBe(1)
        const fromOwnConfig = yield* refusal(ModelGatesConfig.layerConfig({ apiKey: Config.Redacted("MY_KEY") }), {
          MY_KEY: "two words"
        })
        expect(fromOwnConfig).toContain("apiKey")
        expect(fromOwnConfig).not.toContain("two words")
      }))

    it.effect("an empty variable reads as unset", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layerConfig()).pipe(
          Effect.provide(fromEnv({ MODELGATES_API_KEY: testKey, MODELGATES_BASE_URL: "", MODELGATES_APP_TITLE: " " }))
        )
        expect(config.baseUrl).toBe(ModelGatesConfig.defaultBaseUrl)
        expect(config.appTitle).toBeUndefined()
      }))

    it.effect("takes options as Configs or plain values", () =>
      Effect.gen(function*() {
        const config = yield* build(ModelGatesConfig.layerConfig({
          apiKey: Config.Redacted("MY_APP_KEY"),
          appTitle: "Notes",
          timeout: "5 seconds",
          retryPolicy: RetryPolicy.none
        })).pipe(Effect.provide(fromEnv({ MY_APP_KEY: testKey, MODELGATES_APP_TITLE: "ignored" })))
        expect(Redacted.value(config.apiKey)).toBe(testKey)
        expect(config.appTitle).toBe("Notes")
        expect(config.timeout).toEqual(Duration.seconds(5))
        expect(config.retryPolicy).toBe(RetryPolicy.none)
      }))

    it("layer and layerConfig are layers with no requirements", () => {
      const fromValues: Layer.Layer<ModelGatesConfig.ModelGatesConfig, Config.ConfigError, never> = ModelGatesConfig
        .layer({ apiKey: testKey })
      const fromConfig: Layer.Layer<ModelGatesConfig.ModelGatesConfig, Config.ConfigError, never> = ModelGatesConfig
        .layerConfig()
      expect(Layer.isLayer(fromValues) && Layer.isLayer(fromConfig)).toBe(true)
    })
  })
})
