/**
 * Builds the published package into dist/, the way Effect's own packages are
 * laid out: ESM in dist/esm, CommonJS in dist/cjs (each with its declarations
 * beside it, so either module system reads types of its own format), and a
 * dist/package.json written here, with one `exports` entry per public module
 * and `src/internal/**` closed (the Effect-free domain core, `core/`, is
 * compiled beside `src/`, in `esm/core` and `cjs/core`); README.md without its repository-only parts,
 * and the guides of docs/ in dist/docs, so its links resolve. Publish with
 * `npm publish ./dist`.
 *
 * The repository's own package.json keeps pointing at src/ for development;
 * nothing here changes it.
 *
 * Run with `tsx scripts/build.ts`.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describing, type Description } from "./package-manifest.js"
import { packageReadme } from "./package-readme.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const dist = path.join(root, "dist")
const require = createRequire(import.meta.url)

const toPosix = (p: string) => p.split(path.sep).join("/")

const run = (command: string, args: ReadonlyArray<string>): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit" })
    child.on("error", reject)
    child.on("exit", (code, signal) =>
      code === 0
        ? resolve()
        : reject(
          new Error(`${path.basename(args[0] ?? command)} ${args.slice(1).join(" ")}: ${signal ?? `exit ${code}`}`)
        ))
  })

const tsc = (project: string) => run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", project])

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n")
}

/**
 * The public modules: every .ts file under src/ but src/internal/**, as
 * subpath => module path without extension (`src/testing/index.ts` is
 * `./testing`, `src/index.ts` is `.`).
 */
const publicModules = (): Array<readonly [subpath: string, module: string]> => {
  const walk = (dir: string): Array<string> =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) return entry.name === "internal" ? [] : walk(full)
      return entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : []
    })
  return walk(path.join(root, "src"))
    .map((file) => toPosix(path.relative(path.join(root, "src"), file)).replace(/\.ts$/, ""))
    .map((module) => {
      const subpath = module === "index" ? "." : `./${module.replace(/\/index$/, "")}`
      return [subpath, module] as const
    })
    .sort(([a], [b]) => (a === "." ? -1 : b === "." ? 1 : a.localeCompare(b)))
}

interface Manifest extends Description {
  readonly engines?: Record<string, string>
  readonly peerDependencies?: Record<string, string>
  readonly peerDependenciesMeta?: unknown
  readonly dependencies?: Record<string, string>
  readonly bin?: Record<string, string>
}

const main = async () => {
  const manifest: Manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
  fs.rmSync(dist, { recursive: true, force: true })

  await Promise.all([tsc("tsconfig.build.esm.json"), tsc("tsconfig.build.cjs.json")])
  // dist/package.json says "module"; the CommonJS half says otherwise for its own folder.
  writeJson(path.join(dist, "cjs", "package.json"), { type: "commonjs" })

  const modules = publicModules()
  for (const [, module] of modules) {
    for (
      const file of [`esm/src/${module}.js`, `esm/src/${module}.d.ts`, `cjs/src/${module}.js`, `cjs/src/${module}.d.ts`]
    ) {
      if (!fs.existsSync(path.join(dist, file))) throw new Error(`build: dist/${file} was not emitted`)
    }
  }

  const exports: Record<string, unknown> = { "./package.json": "./package.json" }
  for (const [subpath, module] of modules) {
    exports[subpath] = {
      import: { types: `./esm/src/${module}.d.ts`, default: `./esm/src/${module}.js` },
      require: { types: `./cjs/src/${module}.d.ts`, default: `./cjs/src/${module}.js` }
    }
  }
  exports["./internal/*"] = null

  // Resolvers that predate `exports` (TypeScript's node10) find subpath types here.
  const typesVersions = {
    "*": Object.fromEntries(
      modules.filter(([subpath]) => subpath !== ".").map((
        [subpath, module]
      ) => [subpath.slice(2), [`./cjs/src/${module}.d.ts`]])
    )
  }

  const bin = buildBin(manifest)

  const published = {
    ...describing(manifest),
    type: "module",
    sideEffects: false,
    engines: manifest.engines,
    main: "./cjs/src/index.js",
    module: "./esm/src/index.js",
    types: "./cjs/src/index.d.ts",
    exports,
    typesVersions,
    bin,
    dependencies: publishedDependencies(manifest),
    peerDependencies: manifest.peerDependencies,
    peerDependenciesMeta: manifest.peerDependenciesMeta
  }
  writeJson(path.join(dist, "package.json"), published)

  fs.writeFileSync(
    path.join(dist, "README.md"),
    packageReadme(fs.readFileSync(path.join(root, "README.md"), "utf8"), "README.md")
  )
  fs.copyFileSync(path.join(root, "LICENSE"), path.join(dist, "LICENSE"))
  const guides = markdownFiles(path.join(root, "docs"))
  for (const guide of guides) {
    const target = path.join(dist, "docs", guide)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.copyFileSync(path.join(root, "docs", guide), target)
  }
  console.log(`build: dist/ with ${modules.length} public modules: ${modules.map(([subpath]) => subpath).join(", ")}`)
  console.log(`build: dist/README.md and ${guides.length} guides in dist/docs`)
}

/**
 * The dependencies as users install them. The simulator is a workspace of
 * this repository (`simulator/`): the SDK names the very version beside it,
 * exactly, and nothing may point at a path.
 */
const publishedDependencies = (manifest: Manifest): Record<string, string> | undefined => {
  const simulator: Manifest = JSON.parse(fs.readFileSync(path.join(root, "simulator", "package.json"), "utf8"))
  const dependencies = manifest.dependencies
  if (dependencies?.[simulator.name] !== simulator.version) {
    throw new Error(
      `build: ${manifest.name} depends on ${simulator.name}@${dependencies?.[simulator.name]}, ` +
        `not on the workspace's ${simulator.version}`
    )
  }
  for (const [name, range] of Object.entries(dependencies)) {
    if (/^(file|link|workspace):/.test(range)) {
      throw new Error(`build: dependency ${name} is ${range}, which users cannot install`)
    }
  }
  return dependencies
}

/** The Markdown files under a folder, relative to it, with `/`: the guides shipped in dist/docs. */
const markdownFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
    .map((entry) => toPosix(path.relative(dir, path.join(entry.parentPath, entry.name))))
    .sort()

/**
 * The published bins. A bin of the repository (bin/*.mjs) runs the
 * TypeScript sources through tsx and calls the `main(argv)` of the module it
 * imports from src/; the published one is plain JavaScript that calls the
 * same `main` of the ESM build.
 */
const buildBin = (manifest: Manifest): Record<string, string> | undefined => {
  if (manifest.bin === undefined) return undefined
  const bins: Record<string, string> = {}
  for (const [name, file] of Object.entries(manifest.bin)) {
    const source = fs.readFileSync(path.join(root, file), "utf8")
    const match = /["']\.\.\/src\/([\w/.-]+)\.ts["']/.exec(source)
    if (match === null || !/\bmain\(/.test(source)) {
      throw new Error(`build: ${file} does not import a module of src/ and call its main(argv)`)
    }
    const module = match[1]
    if (!fs.existsSync(path.join(dist, "esm", "src", `${module}.js`))) {
      throw new Error(`build: dist/esm/src/${module}.js is missing`)
    }
    const target = path.join(dist, "bin", `${name}.js`)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(
      target,
      [
        "#!/usr/bin/env node",
        `import { main } from "../esm/src/${module}.js"`,
        "",
        "main(process.argv.slice(2))",
        ""
      ].join("\n"),
      { mode: 0o755 }
    )
    bins[name] = `./bin/${name}.js`
  }
  return bins
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
