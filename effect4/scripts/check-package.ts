/**
 * Checks @modelgates/effect4 as users get it, on Node 24:
 * 1. builds dist/ (scripts/build.ts) and packs it with `npm pack`;
 * 2. runs publint (strict) and @arethetypeswrong/cli (ESM only) on the tarball;
 * 3. installs the tarball with effect@4.1.5, and the tarball of the simulator
 *    it depends on (`@modelgates/simulator`, simulator/dist, not on the
 *    registry before its first release), into a fresh project in a temporary
 *    folder, and fails on any peer dependency warning;
 * 4. runs a call of the installed package against a loopback server and
 *    against the testing entry's simulators, and type-checks a program under
 *    node16 and bundler resolution.
 *
 * Run with Node 24: `node scripts/check-package.ts` (`npm run check:package:effect4` at the root).
 */
import { spawnSync } from "node:child_process"
import type { SpawnSyncOptions } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const repository = path.resolve(root, "..")
const smoke = path.join(root, "scripts", "package-smoke")
const bin = (name: string) => path.join(repository, "node_modules", ".bin", name)

const run = (command: string, args: ReadonlyArray<string>, options: SpawnSyncOptions = {}): string => {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    ...options
  })
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`
  if (result.error !== undefined) throw result.error
  if (result.status !== 0) {
    throw new Error(`\`${[command, ...args].join(" ")}\` exited with ${result.status}\n${output}`)
  }
  return output
}

const step = (name: string, body: () => string | void) => {
  console.log(`\n=== check-package (effect4): ${name}`)
  const output = body()
  if (typeof output === "string" && output.trim() !== "") console.log(output.trim())
}

const pinned = (name: string): string => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
  const rootManifest = JSON.parse(fs.readFileSync(path.join(repository, "package.json"), "utf8"))
  const version = manifest.devDependencies[name] ?? rootManifest.devDependencies[name]
  if (version === undefined) throw new Error(`no devDependency ${name} to pin`)
  return `${name}@${version}`
}

const main = () => {
  let tarball = ""
  let simulatorTarball = ""
  step("build", () => run(process.execPath, ["scripts/build.ts"]))
  step("build and pack @modelgates/simulator", () => {
    run(process.execPath, ["--import", "tsx", path.join(repository, "simulator", "scripts", "build.ts")], {
      cwd: repository
    })
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-simulator-pack-"))
    const [packed] = JSON.parse(
      run("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: path.join(repository, "simulator", "dist") })
    )
    simulatorTarball = path.join(packDir, packed.filename)
    return path.basename(simulatorTarball)
  })
  step("pack", () => {
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-effect4-pack-"))
    const [packed] = JSON.parse(
      run("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: path.join(root, "dist") })
    )
    tarball = path.join(packDir, packed.filename)
    return packed.files.map((file: { path: string }) => file.path).join("\n")
  })
  step("publint", () => run(bin("publint"), ["run", "--strict", tarball]))
  step(
    "arethetypeswrong",
    () => run(bin("attw"), [tarball, "--profile", "esm-only", "--format", "table", "--no-color"])
  )

  const project = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-effect4-smoke-"))
  step(`install with ${pinned("effect")} into ${project}`, () => {
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "smoke", private: true, type: "module" })
    )
    for (const file of fs.readdirSync(smoke)) fs.copyFileSync(path.join(smoke, file), path.join(project, file))
    fs.copyFileSync(
      path.join(repository, "test/fixtures/generation.full.json"),
      path.join(project, "generation.full.json")
    )
    const output = run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--no-package-lock",
      simulatorTarball,
      tarball,
      pinned("effect"),
      pinned("typescript")
    ], { cwd: project })
    if (/peer|ERESOLVE/i.test(output)) throw new Error(`npm warned about peer dependencies:\n${output}`)
    return output
  })
  step(
    "run a call against a loopback server and the testing entry's simulators",
    () => run(process.execPath, ["run.mjs"], { cwd: project })
  )
  for (const [module, moduleResolution] of [["node16", "node16"], ["preserve", "bundler"]]) {
    step(`type-check under moduleResolution ${moduleResolution}`, () => {
      const tsconfig = `tsconfig.${moduleResolution}.json`
      fs.writeFileSync(
        path.join(project, tsconfig),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            lib: ["ES2022", "DOM"],
            module,
            moduleResolution,
            strict: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            skipLibCheck: false,
            noEmit: true,
            types: []
          },
          include: ["program.ts"]
        })
      )
      return run(process.execPath, [path.join(project, "node_modules/typescript/bin/tsc"), "-p", tsconfig], {
        cwd: project
      })
    })
  }
  fs.rmSync(project, { recursive: true, force: true })
  console.log(`\ncheck-package (effect4): ${path.basename(tarball)} passes`)
}

try {
  main()
} catch (error) {
  console.error(`\ncheck-package (effect4): FAILED: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
