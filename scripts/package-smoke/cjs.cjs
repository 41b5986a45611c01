/* global __dirname, console, process, require */
/* eslint-disable @typescript-eslint/no-require-imports, no-console -- a CommonJS program that reports */
// Runs in a fresh project where the packed tarball was installed: the
// CommonJS half of the package, required by name, doing real work.
const assert = require("node:assert/strict")
const fs = require("node:fs")
const path = require("node:path")

const { Generations, ModelGatesConfig, ModelGatesError, Models, RetryPolicy } = require("@modelgates/effect")
const GenerationsModule = require("@modelgates/effect/Generations")
const { ModelGatesSimulator } = require("@modelgates/effect/testing")
const Effect = require("effect/Effect")
const Layer = require("effect/Layer")
const Redacted = require("effect/Redacted")
const Schema = require("effect/Schema")
const { exercise } = require("./exercise.cjs")

const main = async () => {
  assert.match(
    require.resolve("@modelgates/effect"),
    /[/\\]node_modules[/\\]@modelgates[/\\]effect[/\\]cjs[/\\]src[/\\]index\.js$/
  )
  assert.equal(GenerationsModule.getGeneration, Generations.getGeneration)

  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "generation.full.json"), "utf8"))
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

  assert.throws(() => require("@modelgates/effect/internal/client"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" })

  console.log(`cjs: ok (${outcome})`)
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
