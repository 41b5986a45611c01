/**
 * Checks the package as users get it, from the packed tarball:
 *
 * 1. builds dist/ (scripts/build.ts) and packs it with `npm pack`, and packs
 *    the simulator it depends on (`@modelgates/simulator`, simulator/dist);
 * 2. checks the tarball holds only what users need: the ESM and CommonJS
 *    builds with their declarations, package.json, README.md, LICENSE, the
 *    compiled bin, the guides in docs/; no sources, tests, fixtures or source
 *    maps; and that the README speaks to users (no `npm ci`, no `npm run`) and
 *    every relative link of the shipped Markdown resolves inside the tarball;
 * 3. runs publint (strict) and @arethetypeswrong/cli on the tarball;
 * 4. installs the tarball, with the simulator's and the pinned peers, into a fresh project in a
 *    temporary folder, offline from the npm cache (falling back to the
 *    registry when the cache lacks something), and there imports it from ESM
 *    and requires it from CommonJS (both run a call through the in-memory
 *    simulator and decode a fixture), runs the bin, and type-checks a small
 *    program under `moduleResolution` node16 (ESM and CommonJS) and bundler,
 *    with `strict`, `exactOptionalPropertyTypes` and `noUncheckedIndexedAccess`,
 *    with the pinned TypeScript 5.9 and with TypeScript 7 (the devDependency
 *    `typescript7`, an alias of an exact typescript@7).
 *
 * Run with `tsx scripts/check-package.ts`. The smoke programs live in
 * scripts/package-smoke/. Exits non-zero at the first failing step; the
 * temporary project is kept then, and its path printed.
 */
import { spawnSync } from "node:child_process"
import type { SpawnSyncOptions } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { deadLinks } from "./markdown-links.js"
import { exportTargets } from "./package-manifest.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const dist = path.join(root, "dist")
const packDir = path.join(root, "build", "pack")
const smokeSources = path.join(root, "scripts", "package-smoke")

class StepError extends Error {}

const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: SpawnSyncOptions & { readonly capture?: boolean } = {}
): string => {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    stdio: options.capture === true ? ["ignore", "pipe", "inherit"] : "inherit",
    ...options
  })
  if (result.error !== undefined) throw result.error
  if (result.status !== 0) {
    throw new StepError(`\`${[command, ...args].join(" ")}\` exited with ${result.status ?? result.signal}`)
  }
  return typeof result.stdout === "string" ? result.stdout : ""
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const bin = (name: string) => path.join(root, "node_modules", ".bin", name)

const step = (name: string, body: () => void) => {
  const started = process.hrtime.bigint()
  console.log(`\n=== check-package: ${name}`)
  body()
  console.log(`--- ${name}: ok (${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)}s)`)
}

interface PackResult {
  readonly filename: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

interface Manifest {
  readonly name: string
  readonly scripts?: unknown
  readonly devDependencies?: unknown
  readonly sideEffects?: unknown
  readonly bin?: Record<string, string>
  readonly exports: Record<string, unknown>
  readonly devDependencies_?: unknown
}

const allowed =
  /^(package\.json|README\.md|LICENSE|cjs\/package\.json|(esm|cjs)\/.+\.(js|d\.ts)|bin\/[^/]+\.js|docs\/.+\.md)$/

const main = () => {
  let tarball = ""
  // The SDK depends on @modelgates/simulator, which is not on the registry before its first release.
  let simulatorTarball = ""
  // The files in the tarball, as npm pack lists them.
  let tarballFiles: ReadonlyArray<string> = []
  let manifest: Manifest | undefined

  step("build", () => {
    run(process.execPath, ["--import", "tsx", path.join(root, "scripts", "build.ts")])
    run(process.execPath, ["--import", "tsx", path.join(root, "simulator", "scripts", "build.ts")])
  })

  step("pack", () => {
    fs.rmSync(packDir, { recursive: true, force: true })
    fs.mkdirSync(packDir, { recursive: true })
    const output = run(npm, ["pack", "--json", "--pack-destination", packDir], { cwd: dist, capture: true })
    const [packed]: ReadonlyArray<PackResult> = JSON.parse(output)
    tarball = path.join(packDir, packed.filename)
    const simulatorOutput = run(npm, ["pack", "--json", "--pack-destination", packDir], {
      cwd: path.join(root, "simulator", "dist"),
      capture: true
    })
    const [simulatorPacked]: ReadonlyArray<PackResult> = JSON.parse(simulatorOutput)
    simulatorTarball = path.join(packDir, simulatorPacked.filename)
    const files = packed.files.map((file) => file.path).sort()
    tarballFiles = files
    console.log(`${path.relative(root, tarball)}: ${files.length} files`)

    const unexpected = files.filter((file) => !allowed.test(file))
    if (unexpected.length > 0) {
      throw new StepError(`the tarball holds files users do not need:\n  ${unexpected.join("\n  ")}`)
    }
    const withMaps = files.filter((file) =>
      /\.(js|d\.ts)$/.test(file) && /sourceMappingURL=/.test(fs.readFileSync(path.join(dist, file), "utf8"))
    )
    if (withMaps.length > 0) {
      throw new StepError(`files point to source maps that are not shipped:\n  ${withMaps.join("\n  ")}`)
    }

    manifest = JSON.parse(fs.readFileSync(path.join(dist, "package.json"), "utf8"))
    if (manifest === undefined) throw new StepError("no dist/package.json")
    if (manifest.scripts !== undefined) throw new StepError("the published package.json has scripts")
    if (manifest.devDependencies !== undefined) throw new StepError("the published package.json has devDependencies")
    if (manifest.sideEffects !== false) {
      throw new StepError("the published package.json does not declare sideEffects: false")
    }
    if (manifest.exports["./internal/*"] !== null) throw new StepError("./internal/* is not closed in exports")
    const targets = [...Object.values(manifest.exports).flatMap(exportTargets), ...Object.values(manifest.bin ?? {})]
    const missing = targets.map((target) => target.replace(/^\.\//, "")).filter((file) => !files.includes(file))
    if (missing.length > 0) {
      throw new StepError(`exports or bin name files not in the tarball:\n  ${missing.join("\n  ")}`)
    }
  })

  step("the shipped README and guides", () => {
    const readme = fs.readFileSync(path.join(dist, "README.md"), "utf8")
    const forDevelopers = readme.split("\n").filter((line) => /\bnpm (ci|run)\b|repository only/.test(line))
    if (forDevelopers.length > 0) {
      throw new StepError(`the shipped README speaks to developers of the repository:\n  ${forDevelopers.join("\n  ")}`)
    }
    const dead = deadLinks(tarballFiles, (file) => fs.readFileSync(path.join(dist, file), "utf8"))
    if (dead.length > 0) throw new StepError(`links that do not resolve inside the tarball:\n  ${dead.join("\n  ")}`)
    const guides = tarballFiles.filter((file) => file.endsWith(".md"))
    console.log(`${guides.length} Markdown files, every relative link resolves`)
  })

  step("publint", () => {
    run(bin("publint"), ["run", "--strict", tarball])
  })

  step("arethetypeswrong", () => {
    run(bin("attw"), [tarball, "--format", "table", "--no-color"])
  })

  const project = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-smoke-"))
  step(`install into ${project}`, () => {
    const rootManifest: { devDependencies: Record<string, string> } = JSON.parse(
      fs.readFileSync(path.join(root, "package.json"), "utf8")
    )
    const pinned = ["effect", "@effect/platform", "typescript", "typescript7"].map((name) => {
      const version = rootManifest.devDependencies[name]
      if (version === undefined) throw new StepError(`package.json has no devDependency ${name} to pin`)
      return `${name}@${version}`
    })
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "modelgates-smoke", version: "0.0.0", private: true, type: "module" }, null, 2) + "\n"
    )
    for (const file of fs.readdirSync(smokeSources)) {
      fs.copyFileSync(path.join(smokeSources, file), path.join(project, file))
    }
    fs.copyFileSync(
      path.join(root, "test", "fixtures", "generation.full.json"),
      path.join(project, "generation.full.json")
    )
    const tsconfig = (compilerOptions: Record<string, unknown>, include: ReadonlyArray<string>) => ({
      compilerOptions: {
        target: "ES2022",
        lib: ["ES2022", "DOM"],
        // The strictest settings users compile with (check:docs holds the documentation's code to them too).
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
        ...compilerOptions
      },
      include
    })
    const write = (name: string, value: unknown) =>
      fs.writeFileSync(path.join(project, name), JSON.stringify(value, null, 2) + "\n")
    write(
      "tsconfig.node16.json",
      tsconfig({ module: "node16", moduleResolution: "node16" }, ["program.ts", "program.cts"])
    )
    write("tsconfig.bundler.json", tsconfig({ module: "preserve", moduleResolution: "bundler" }, ["program.ts"]))

    const args = ["install", "--no-audit", "--no-fund", "--no-package-lock", simulatorTarball, tarball, ...pinned]
    try {
      run(npm, [...args, "--offline"], { cwd: project })
    } catch (error) {
      if (!(error instanceof StepError)) throw error
      console.log("check-package: the npm cache lacks a package; installing from the registry instead")
      run(npm, [...args, "--prefer-offline"], { cwd: project })
    }
  })

  step("import from ESM", () => {
    run(process.execPath, ["esm.mjs"], { cwd: project })
  })

  step("require from CommonJS", () => {
    run(process.execPath, ["cjs.cjs"], { cwd: project })
  })

  if (manifest?.bin !== undefined) {
    for (const name of Object.keys(manifest.bin)) {
      step(`run the bin ${name} --help`, () => {
        const output = run(path.join(project, "node_modules", ".bin", name), ["--help"], {
          cwd: project,
          capture: true
        })
        if (!/Usage:/.test(output)) throw new StepError(`${name} --help printed no usage:\n${output}`)
        console.log(output.split("\n")[0])
      })
    }
  }

  // The pinned TypeScript, and the 7 line (`typescript7`, an npm alias of typescript@7, whose tsc runs its native
  // compiler) that users get from npm's latest.
  for (const typescript of ["typescript", "typescript7"]) {
    const tsc = path.join(project, "node_modules", typescript, "bin", "tsc")
    const version = run(process.execPath, [tsc, "--version"], { cwd: project, capture: true }).trim()
    step(`type-check under moduleResolution node16 (ESM and CommonJS), ${version}`, () => {
      run(process.execPath, [tsc, "-p", "tsconfig.node16.json"], { cwd: project })
    })

    step(`type-check under moduleResolution bundler, ${version}`, () => {
      run(process.execPath, [tsc, "-p", "tsconfig.bundler.json"], { cwd: project })
    })
  }

  fs.rmSync(project, { recursive: true, force: true })
  console.log(`\ncheck-package: ${path.relative(root, tarball)} passes`)
}

try {
  main()
} catch (error) {
  console.error(`\ncheck-package: FAILED: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
