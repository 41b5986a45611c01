/**
 * Checks the simulator as users get it, from the packed tarball, as
 * scripts/check-package.ts checks the SDK:
 *
 * 1. builds simulator/dist (scripts/build.ts) and packs it with `npm pack`;
 * 2. checks the tarball holds only what users need (the ESM and CommonJS
 *    builds with their declarations, the compiled bin, package.json,
 *    README.md, LICENSE, CHANGELOG.md), that `exports` and `bin` name files in
 *    it, and that the README speaks to users;
 * 3. runs publint (strict) on the tarball;
 * 4. installs the tarball into a fresh project in a temporary folder (it has
 *    no dependencies), imports it from ESM and requires it from CommonJS,
 *    runs `modelgates-simulator --help`, then starts the bin on a free port
 *    and looks a generation up with plain `fetch`.
 *
 * Run with `tsx scripts/check-package.ts` from simulator/ (npm run
 * check:package -w simulator). Exits non-zero at the first failing step; the
 * temporary project is kept then, and its path printed.
 */
import { spawn, spawnSync } from "node:child_process"
import type { SpawnSyncOptions } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { exportTargets } from "../../scripts/package-manifest.js"

const simulator = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const root = path.resolve(simulator, "..")
const dist = path.join(simulator, "dist")
const packDir = path.join(simulator, "build", "pack")
const npm = process.platform === "win32" ? "npm.cmd" : "npm"

class StepError extends Error {}

const run = (command: string, args: ReadonlyArray<string>, options: SpawnSyncOptions = {}): string => {
  const result = spawnSync(command, args, { cwd: simulator, encoding: "utf8", stdio: "pipe", ...options })
  if (result.error !== undefined) throw result.error
  if (result.status !== 0) {
    throw new StepError(
      `\`${[command, ...args].join(" ")}\` exited with ${
        result.status ?? result.signal
      }\n${result.stdout}${result.stderr}`
    )
  }
  return typeof result.stdout === "string" ? result.stdout : ""
}

const step = async (name: string, body: () => void | Promise<void>) => {
  console.log(`\n=== check-package (simulator): ${name}`)
  await body()
  console.log(`--- ${name}: ok`)
}

const allowed =
  /^(package\.json|README\.md|LICENSE|CHANGELOG\.md|cjs\/package\.json|(esm|cjs)\/.+\.(js|d\.ts)|bin\/modelgates-simulator\.js)$/

const smoke = `
import * as Simulator from "@modelgates/simulator"
import { createRequire } from "node:module"
const required = createRequire(import.meta.url)("@modelgates/simulator/Engine")
const engine = Simulator.Engine.make({ seed: 3 })
if (engine.ids().join() !== required.make({ seed: 3 }).ids().join()) throw new Error("ESM and CommonJS differ")
const server = await Simulator.Server.serve({ seed: 3 })
const [id] = server.simulator.ids()
const response = await fetch(server.url + "/generation?id=" + id, {
  headers: { authorization: "Bearer " + Simulator.Engine.defaultApiKey }
})
const body = await response.json()
await server.close()
if (response.status !== 200 || body.data.id !== id) throw new Error("unexpected answer " + response.status)
console.log("imported from ESM, required from CommonJS, served " + id)
`

/** Starts the installed bin on a free port, looks a generation up with fetch, stops it with SIGINT. */
const runBin = (project: string) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(path.join(project, "node_modules", ".bin", "modelgates-simulator"), ["--port", "0"], {
      cwd: project,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    const fail = (message: string) => {
      child.kill("SIGKILL")
      reject(new StepError(`${message}; output:\n${output}`))
    }
    const timer = setTimeout(() => fail("no banner within 30 s"), 30_000)
    const onData = async (chunk: Buffer) => {
      output += chunk
      const url = /base URL: +(\S+)/.exec(output)?.[1]
      const id = /^ +(gen-\S+) +fallback/m.exec(output)?.[1]
      if (url === undefined || id === undefined || !output.includes("stops it.")) return
      child.stdout.off("data", onData)
      clearTimeout(timer)
      const response = await fetch(`${url}/generation?id=${id}`, {
        headers: { authorization: "Bearer sk-mg-simulator-admin" }
      })
      const body = await response.json()
      if (response.status !== 200 || body.data.id !== id) return fail(`GET /generation answered ${response.status}`)
      console.log(`modelgates-simulator at ${url} answered 200 for ${id}`)
      child.kill("SIGINT")
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", (chunk) => (output += chunk))
    child.on("exit", (code) => code === 0 ? resolve() : fail(`the bin exited with ${code}`))
  })

const main = async () => {
  let tarball = ""
  let files: ReadonlyArray<string> = []
  await step(
    "build",
    () => void run(process.execPath, ["--import", "tsx", path.join(simulator, "scripts", "build.ts")])
  )
  await step("pack", () => {
    fs.rmSync(packDir, { recursive: true, force: true })
    fs.mkdirSync(packDir, { recursive: true })
    const [packed] = JSON.parse(run(npm, ["pack", "--json", "--pack-destination", packDir], { cwd: dist }))
    tarball = path.join(packDir, packed.filename)
    files = packed.files.map((file: { readonly path: string }) => file.path).sort()
    console.log(`${path.relative(root, tarball)}: ${files.length} files`)
    const unexpected = files.filter((file) => !allowed.test(file))
    if (unexpected.length > 0) throw new StepError(`files users do not need:\n  ${unexpected.join("\n  ")}`)
    const manifest = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8"))
    if (manifest.scripts !== undefined || manifest.devDependencies !== undefined) {
      throw new StepError("the published package.json has scripts or devDependencies")
    }
    const targets = [...exportTargets(manifest.exports), ...Object.values(manifest.bin ?? {})]
    const missing = targets.map((target) => String(target).replace(/^\.\//, "")).filter((file) => !files.includes(file))
    if (missing.length > 0) throw new StepError(`exports or bin name files not in the tarball: ${missing.join(", ")}`)
    if (targets.some((target) => String(target).endsWith(".ts") && !String(target).endsWith(".d.ts"))) {
      throw new StepError("exports name TypeScript sources, which Node does not run from node_modules")
    }
    const readme = fs.readFileSync(path.join(dist, "README.md"), "utf8")
    if (/\bnpm (ci|run)\b|repository only/.test(readme)) throw new StepError("the README speaks to developers")
  })
  await step(
    "publint",
    () => void run(path.join(root, "node_modules", ".bin", "publint"), ["run", "--strict", tarball])
  )
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-simulator-smoke-"))
  await step(`install into ${project}`, () => {
    const manifest = { name: "simulator-smoke", version: "0.0.0", private: true, type: "module" }
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(manifest, null, 2) + "\n")
    fs.writeFileSync(path.join(project, "smoke.mjs"), smoke)
    run(npm, ["install", "--no-audit", "--no-fund", "--no-package-lock", "--offline", tarball], { cwd: project })
  })
  await step("import from ESM, require from CommonJS, serve", () => {
    console.log(run(process.execPath, ["smoke.mjs"], { cwd: project }).trim())
  })
  await step("modelgates-simulator --help", () => {
    const output = run(path.join(project, "node_modules", ".bin", "modelgates-simulator"), ["--help"], { cwd: project })
    if (!output.startsWith("Usage: modelgates-simulator")) throw new StepError(`no usage:\n${output}`)
  })
  await step("modelgates-simulator, and a request with fetch", () => runBin(project))
  fs.rmSync(project, { recursive: true, force: true })
  console.log(`\ncheck-package (simulator): ${path.relative(root, tarball)} passes`)
}

main().catch((error: unknown) => {
  console.error(`\ncheck-package (simulator): FAILED: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
