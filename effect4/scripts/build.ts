/**
 * Builds the published package into effect4/dist: ESM JavaScript with its
 * declarations in dist/esm (this package's src/ in esm/effect4/src, the
 * Effect-free domain core beside it in esm/core), and a dist/package.json
 * written here with one `exports` entry per public module and
 * `src/internal/**` closed; README.md and LICENSE beside it. Node does not
 * strip types inside node_modules, so what is published is JavaScript.
 * Publish with `npm publish ./dist`.
 *
 * Run with Node 24 (it runs TypeScript as it is): `node scripts/build.ts`.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const dist = path.join(root, "dist")
const require = createRequire(import.meta.url)

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n")
}

/**
 * The public modules: the .ts files of src/ and src/testing/, without
 * extension (`index` is `.`, `testing/index` is `./testing`); src/internal/**
 * is not public.
 */
const publicModules = (): Array<string> =>
  ["", "testing/"].flatMap((folder) =>
    fs.readdirSync(path.join(root, "src", folder), { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
      .map((entry) => `${folder}${entry.name.replace(/\.ts$/, "")}`)
  ).sort((a, b) => (a === "index" ? -1 : b === "index" ? 1 : a.localeCompare(b)))

const subpathOf = (module: string): string => module === "index" ? "." : `./${module.replace(/\/index$/, "")}`

/**
 * The dependencies as users install them: the simulator of the testing
 * entry is a workspace of this repository, named at the very version beside
 * it, exactly, and nothing may point at a path.
 */
const publishedDependencies = (manifest: { readonly dependencies?: Record<string, string> }) => {
  const simulator = JSON.parse(fs.readFileSync(path.join(root, "..", "simulator", "package.json"), "utf8"))
  const dependencies = manifest.dependencies ?? {}
  if (dependencies[simulator.name] !== simulator.version) {
    throw new Error(`build: depends on ${simulator.name}@${dependencies[simulator.name]}, not ${simulator.version}`)
  }
  for (const [name, range] of Object.entries(dependencies)) {
    if (/^(file|link|workspace):/.test(range)) throw new Error(`build: dependency ${name} is ${range}`)
  }
  return dependencies
}

const main = () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
  fs.rmSync(dist, { recursive: true, force: true })
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: "inherit"
  })
  if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.build.json: exit ${tsc.status}`)

  const exports: Record<string, unknown> = { "./package.json": "./package.json" }
  for (const module of publicModules()) {
    const base = `./esm/effect4/src/${module}`
    for (const file of [`${base}.js`, `${base}.d.ts`]) {
      if (!fs.existsSync(path.join(dist, file))) throw new Error(`build: dist/${file} was not emitted`)
    }
    exports[subpathOf(module)] = { types: `${base}.d.ts`, default: `${base}.js` }
  }
  exports["./internal/*"] = null

  writeJson(path.join(dist, "package.json"), {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    license: manifest.license,
    type: "module",
    sideEffects: false,
    engines: manifest.engines,
    dependencies: publishedDependencies(manifest),
    peerDependencies: manifest.peerDependencies,
    exports
  })
  fs.copyFileSync(path.join(root, "README.md"), path.join(dist, "README.md"))
  fs.copyFileSync(path.join(root, "..", "LICENSE"), path.join(dist, "LICENSE"))
  console.log(`build: dist/ holds ${manifest.name}@${manifest.version}, ${publicModules().length} public modules`)
}

main()
