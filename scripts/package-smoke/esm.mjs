/* global console, URL */
/* eslint-disable no-console -- a program that reports */
// Runs in a fresh project where the packed tarball was installed: the ESM
// half of the package, imported by name, doing real work.
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"

import { Generations, ModelGatesConfig, ModelGatesError, Models, RetryPolicy } from "@modelgates/effect"
import * as GenerationsModule from "@modelgates/effect/Generations"
import { ModelGatesSimulator } from "@modelgates/effect/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

import { exercise } from "./exercise.cjs"

assert.match(import.meta.resolve("@modelgates/effect"), /\/node_modules\/@modelgates\/effect\/esm\/src\/index\.js$/)
assert.equal(GenerationsModule.getGeneration, Generations.getGeneration)

const fixture = JSON.parse(readFileSync(new URL("./generation.full.json", import.meta.url), "utf8"))
const outcome = await exercise({
  Effect,
  Generations,
  Layer,
  ModelGatesConfig,
  ModelGatesError,
  ModelGatesSimulator,
  Models,
  Redacted,
  RetryPolicy,
  Schema
}, fixture)

// Internals are closed.
await assert.rejects(import("@modelgates/effect/internal/client"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" })

console.log(`esm: ok (${outcome})`)
