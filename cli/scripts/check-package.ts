/* eslint-disable no-console -- a check script reports on the console */
/**
 * Checks the CLI as users get it, from packed tarballs, as
 * scripts/check-package.ts checks the SDK:
 *
 * 1. builds the SDK (scripts/build.ts), the simulator it depends on
 *    (simulator/scripts/build.ts) and the CLI (cli/scripts/build.ts),
 *    and packs them with `npm pack`;
 * 2. checks the CLI's tarball holds only what users need (package.json,
 *    README.md, LICENSE, the compiled bin) and that its package.json names
 *    the SDK by version, with no scripts or devDependencies, and that its
 *    README speaks to users (no clone-only text) with no link outside it;
 * 3. runs publint (strict) on it. @arethetypeswrong/cli does not apply: the
 *    package has no entry point to import, only a bin, so no types;
 * 4. installs the tarballs into a fresh project in a temporary folder,
 *    offline from the npm cache (falling back to the registry when the cache
 *    lacks something), and there runs `modelgates --help`, a report over the
 *    bundled simulator as JSON and as HTML (the chart library found where npm
 *    put it), and a command without a key (exit code 2).
 *
 * Run with `tsx scripts/check-package.ts` from cli/ (npm run check:package
 * -w cli). Exits non-zero at the first failing step; the temporary project is
 * kept then, and its path printed.
 */
import { spawnSync } from "node:child_process"
import type { SpawnSyncOptions } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { deadLinks } from "../../scripts/markdown-links.js"

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const root = path.resolve(cli, "..")
const packDir = path.join(cli, "build", "pack")

class StepError extends Error {}

interface Ran {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

const spawn = (command: string, args: ReadonlyArray<string>, options: SpawnSyncOptions = {}): Ran => {
  const result = spawnSync(command, args, { cwd: cli, encoding: "utf8", ...options })
  if (result.error !== undefined) throw result.error
  return { status: result.status, stdout: String(result.stdout ?? ""), stderr: String(result.stderr ?? "") }
}

const run = (command: string, args: ReadonlyArray<string>, options: SpawnSyncOptions = {}): string => {
  const ran = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"], ...options })
  if (ran.status !== 0) throw new StepError(`\`${[command, ...args].join(" ")}\` exited with ${ran.status}`)
  return ran.stdout
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const bin = (name: string) => path.join(root, "node_modules", ".bin", name)

const step = (name: string, body: () => void) => {
  const started = process.hrtime.bigint()
  console.log(`\n=== check-package (cli): ${name}`)
  body()
  console.log(`--- ${name}: ok (${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)}s)`)
}

interface PackResult {
  readonly filename: string
  readonly files: ReadonlyArray<{ readonly path: string; readonly mode: number }>
}

const pack = (dir: string): PackResult => {
  const [packed]: ReadonlyArray<PackResult> = JSON.parse(
    run(npm, ["pack", "--json", "--pack-destination", packDir], { cwd: dir })
  )
  return packed
}

interface Manifest {
  readonly name: string
  readonly version: string
  readonly scripts?: unknown
  readonly devDependencies?: unknown
  readonly dependencies?: Record<string, string>
  readonly bin?: Record<string, string>
}

const allowed = new Set(["package.json", "README.md", "LICENSE", "bin/modelgates.js"])

const main = () => {
  let sdkTarball = ""
  // The SDK depends on @modelgates/simulator, packed here too until it is on the registry.
  let simulatorTarball = ""
  let cliTarball = ""
  let cliFiles: ReadonlyArray<string> = []

  step("build the SDK and the CLI", () => {
    run(process.execPath, ["--import", "tsx", path.join(root, "scripts", "build.ts")], { stdio: "inherit" })
    run(process.execPath, ["--import", "tsx", path.join(root, "simulator", "scripts", "build.ts")], {
      stdio: "inherit"
    })
    run(process.execPath, ["--import", "tsx", path.join(cli, "scripts", "build.ts")], { stdio: "inherit" })
  })

  step("pack", () => {
    fs.rmSync(packDir, { recursive: true, force: true })
    fs.mkdirSync(packDir, { recursive: true })
    sdkTarball = path.join(packDir, pack(path.join(root, "dist")).filename)
    simulatorTarball = path.join(packDir, pack(path.join(root, "simulator", "dist")).filename)
    const packed = pack(path.join(cli, "dist"))
    cliTarball = path.join(packDir, packed.filename)
    const files = packed.files.map((file) => file.path).sort()
    cliFiles = files
    console.log(`${path.relative(root, cliTarball)}: ${files.join(", ")}`)
    const unexpected = files.filter((file) => !allowed.has(file))
    const missing = [...allowed].filter((file) => !files.includes(file))
    if (unexpected.length > 0 || missing.length > 0) {
      throw new StepError(`the tarball holds ${unexpected.join(", ") || "nothing extra"}; lacks ${missing.join(", ")}`)
    }
    const binMode = packed.files.find((file) => file.path === "bin/modelgates.js")?.mode ?? 0
    if ((binMode & 0o111) === 0) throw new StepError("bin/modelgates.js is not executable in the tarball")

    const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(cli, "dist", "package.json"), "utf8"))
    const sdk: Manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
    if (manifest.scripts !== undefined) throw new StepError("the published package.json has scripts")
    if (manifest.devDependencies !== undefined) throw new StepError("the published package.json has devDependencies")
    if (manifest.bin?.modelgates !== "./bin/modelgates.js") {
      throw new StepError("bin.modelgates is not ./bin/modelgates.js")
    }
    const range = manifest.dependencies?.[sdk.name]
    if (range !== sdk.version) throw new StepError(`${sdk.name} is ${range}, not ${sdk.version}`)
    const local = Object.entries(manifest.dependencies ?? {}).filter(([, value]) =>
      /^(file|link|workspace):/.test(value)
    )
    if (local.length > 0) throw new StepError(`dependencies users cannot install: ${local.map(([name]) => name)}`)
    const source = fs.readFileSync(path.join(cli, "dist", "bin", "modelgates.js"), "utf8")
    if (!source.startsWith("#!/usr/bin/env node\n")) throw new StepError("the bin has no #!/usr/bin/env node line")
    if (/^import .* from "\.\.?\//m.test(source) || /\.ts"/.test(source)) {
      throw new StepError("the bin imports a relative module or a .ts file: the command was not bundled")
    }
  })

  step("the shipped README", () => {
    const readme = fs.readFileSync(path.join(cli, "dist", "README.md"), "utf8")
    const forDevelopers = readme.split("\n").filter((line) => /\bnpm (ci|run|test)\b|repository only/.test(line))
    if (forDevelopers.length > 0) {
      throw new StepError(`the shipped README speaks to developers of the repository:\n  ${forDevelopers.join("\n  ")}`)
    }
    const dead = deadLinks(cliFiles, (file) => fs.readFileSync(path.join(cli, "dist", file), "utf8"))
    if (dead.length > 0) throw new StepError(`links that do not resolve inside the tarball:\n  ${dead.join("\n  ")}`)
  })

  step("publint", () => {
    run(bin("publint"), ["run", "--strict", cliTarball], { stdio: "inherit" })
  })

  console.log("\n=== check-package (cli): arethetypeswrong: not applicable (a bin, no entry point, no types)")

  const project = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-cli-smoke-"))
  const modelgates = path.join(project, "node_modules", ".bin", "modelgates")
  // A user's environment, without this machine's MODELGATES_* variables.
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? project }

  step(`install the tarballs into ${project}`, () => {
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "modelgates-cli-smoke", version: "0.0.0", private: true }, null, 2) + "\n"
    )
    const args = ["install", "--no-audit", "--no-fund", "--no-package-lock", simulatorTarball, sdkTarball, cliTarball]
    try {
      run(npm, [...args, "--offline"], { cwd: project, stdio: "inherit" })
    } catch (error) {
      if (!(error instanceof StepError)) throw error
      console.log("check-package: the npm cache lacks a package; installing from the registry instead")
      run(npm, [...args, "--prefer-offline"], { cwd: project, stdio: "inherit" })
    }
  })

  step("modelgates --help", () => {
    const output = run(modelgates, ["--help"], { cwd: project, env })
    for (const expected of ["USAGE", "- get ", "- content ", "- report "]) {
      if (!output.includes(expected)) throw new StepError(`--help printed no ${JSON.stringify(expected)}:\n${output}`)
    }
  })

  step("modelgates report --simulator --format json", () => {
    const { report } = JSON.parse(run(modelgates, ["report", "--simulator", "--format", "json"], { cwd: project, env }))
    if (!(report.count > 0)) throw new StepError(`the report counts ${report.count} generations`)
    console.log(`${report.count} generations, $${report.totalCost}`)
  })

  step("modelgates report --simulator --format html --out report.html", () => {
    run(modelgates, ["report", "--simulator", "--format", "html", "--out", "report.html"], { cwd: project, env })
    const html = fs.readFileSync(path.join(project, "report.html"), "utf8")
    if (!html.includes("Chart.js v4") || !html.includes("chart-cost-by-model")) {
      throw new StepError("report.html lacks the chart library or its charts")
    }
  })

  step("modelgates get without a key: exit 2", () => {
    const ran = spawn(modelgates, ["get", "gen-1"], { cwd: project, env })
    if (ran.status !== 2 || !ran.stderr.includes("MODELGATES_API_KEY is not set")) {
      throw new StepError(`expected exit 2 naming MODELGATES_API_KEY, got ${ran.status}: ${ran.stderr}`)
    }
  })

  fs.rmSync(project, { recursive: true, force: true })
  console.log(`\ncheck-package (cli): ${path.relative(root, cliTarball)} passes`)
}

try {
  main()
} catch (error) {
  console.error(`\ncheck-package (cli): FAILED: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
