/**
 * Builds the published simulator into simulator/dist/, laid out as the SDK's
 * dist/ is: ESM in dist/esm and CommonJS in dist/cjs, each with its
 * declarations (the domain core, `core/`, compiled beside the sources, in
 * `esm/core` and `cjs/core`); a dist/package.json written here, whose
 * `exports` name JavaScript (Node does not strip types in node_modules); the
 * compiled bin; README.md without its repository-only parts, LICENSE and
 * CHANGELOG.md. Publish with `npm publish ./dist` (from simulator/).
 *
 * Run with `tsx scripts/build.ts`.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describing } from "../../scripts/package-manifest.js"
import { packageReadme } from "../../scripts/package-readme.js"

const simulator = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const root = path.resolve(simulator, "..")
const dist = path.join(simulator, "dist")
const require = createRequire(import.meta.url)

/** The public modules: subpath => module of src/. */
const modules = [[".", "index"], ["./Engine", "Engine"], ["./Server", "Server"]] as const

const tsc = (project: string) => {
  const result = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", project], {
    cwd: simulator,
    stdio: "inherit"
  })
  if (result.status !== 0) throw new Error(`build: tsc -p ${project}: exit ${result.status ?? result.signal}`)
}

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n")
}

const entry = (module: string) => ({
  import: { types: `./esm/simulator/src/${module}.d.ts`, default: `./esm/simulator/src/${module}.js` },
  require: { types: `./cjs/simulator/src/${module}.d.ts`, default: `./cjs/simulator/src/${module}.js` }
})

const main = () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(simulator, "package.json"), "utf8"))
  fs.rmSync(dist, { recursive: true, force: true })
  tsc("tsconfig.build.esm.json")
  tsc("tsconfig.build.cjs.json")
  writeJson(path.join(dist, "cjs", "package.json"), { type: "commonjs" })

  const bin = path.join(dist, "bin", "modelgates-simulator.js")
  fs.mkdirSync(path.dirname(bin), { recursive: true })
  fs.writeFileSync(
    bin,
    "#!/usr/bin/env node\nimport { main } from \"../esm/simulator/src/Cli.js\"\n\nmain(process.argv.slice(2))\n",
    { mode: 0o755 }
  )

  writeJson(path.join(dist, "package.json"), {
    ...describing(manifest),
    type: "module",
    sideEffects: false,
    engines: manifest.engines,
    main: "./cjs/simulator/src/index.js",
    module: "./esm/simulator/src/index.js",
    types: "./cjs/simulator/src/index.d.ts",
    exports: {
      "./package.json": "./package.json",
      ...Object.fromEntries(modules.map(([subpath, module]) => [subpath, entry(module)]))
    },
    // Resolvers that predate `exports` (TypeScript's node10) find subpath types here.
    typesVersions: {
      "*": Object.fromEntries(
        modules.filter(([subpath]) => subpath !== ".").map((
          [subpath, module]
        ) => [subpath.slice(2), [`./cjs/simulator/src/${module}.d.ts`]])
      )
    },
    bin: { "modelgates-simulator": "./bin/modelgates-simulator.js" }
  })
  const readme = path.join(simulator, "README.md")
  fs.writeFileSync(path.join(dist, "README.md"), packageReadme(fs.readFileSync(readme, "utf8"), "simulator/README.md"))
  fs.copyFileSync(path.join(root, "LICENSE"), path.join(dist, "LICENSE"))
  if (fs.existsSync(path.join(simulator, "CHANGELOG.md"))) {
    fs.copyFileSync(path.join(simulator, "CHANGELOG.md"), path.join(dist, "CHANGELOG.md"))
  }
  console.log(`build: simulator/dist/ with ${modules.map(([subpath]) => subpath).join(", ")} and the bin`)
}

main()
