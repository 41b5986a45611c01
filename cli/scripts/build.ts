/* eslint-disable no-console -- a build script reports on the console */
/**
 * Builds the published CLI into cli/dist/: the command's TypeScript bundled
 * by esbuild into one ES module, bin/modelgates.js, that imports its
 * dependencies (the SDK, Effect, @effect/cli, Chart.js) from node_modules;
 * and a dist/package.json written here, with the package's dependencies (the
 * SDK at the version beside it), and the README without its repository-only
 * parts. Publish with `npm publish ./dist` (from
 * cli/).
 *
 * The command has no library API: the package exports nothing but its
 * package.json, so it has no types to publish.
 *
 * Run with `tsx scripts/build.ts`.
 */
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describing, type Description } from "../../scripts/package-manifest.js"
import { packageReadme } from "../../scripts/package-readme.js"

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const root = path.resolve(cli, "..")
const dist = path.join(cli, "dist")

interface Manifest extends Description {
  readonly engines?: Record<string, string>
  readonly dependencies?: Record<string, string>
}

const readManifest = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n")
}

/**
 * The dependencies as users install them. The SDK is a workspace of this
 * repository: the CLI names the very version beside it (changesets keeps the
 * two in step), and nothing may point at a path.
 */
const publishedDependencies = (manifest: Manifest, sdk: Manifest): Record<string, string> => {
  const dependencies = manifest.dependencies ?? {}
  if (dependencies[sdk.name] !== sdk.version) {
    throw new Error(`build: ${manifest.name} depends on ${sdk.name}@${dependencies[sdk.name]}, not ${sdk.version}`)
  }
  for (const [name, range] of Object.entries(dependencies)) {
    if (/^(file|link|workspace):/.test(range)) {
      throw new Error(`build: dependency ${name} is ${range}, which users cannot install`)
    }
  }
  return dependencies
}

/** src/Version.ts reads package.json: the bundle gets its version, not the whole manifest. */
const versionOnly = (version: string): esbuild.Plugin => ({
  name: "version-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/package\.json$/ }, (args) => ({ path: args.path, namespace: "manifest" }))
    build.onLoad({ filter: /.*/, namespace: "manifest" }, () => ({
      contents: `export default ${JSON.stringify({ version })}`,
      loader: "js"
    }))
  }
})

const main = async () => {
  const manifest = readManifest(cli)
  const sdk = readManifest(root)
  fs.rmSync(dist, { recursive: true, force: true })

  const bin = path.join(dist, "bin", "modelgates.js")
  await esbuild.build({
    stdin: {
      contents: `import { main } from "./src/main.ts"\nmain(process.argv.slice(2))\n`,
      resolveDir: cli,
      sourcefile: "modelgates.ts",
      loader: "ts"
    },
    outfile: bin,
    bundle: true,
    // Every package stays an import of node_modules; only the command's own modules are bundled.
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    legalComments: "inline",
    logLevel: "warning",
    plugins: [versionOnly(manifest.version)]
  })
  fs.chmodSync(bin, 0o755)

  writeJson(path.join(dist, "package.json"), {
    ...describing(manifest),
    type: "module",
    engines: manifest.engines,
    bin: { modelgates: "./bin/modelgates.js" },
    exports: { "./package.json": "./package.json" },
    dependencies: publishedDependencies(manifest, sdk)
  })
  fs.writeFileSync(
    path.join(dist, "README.md"),
    packageReadme(fs.readFileSync(path.join(cli, "README.md"), "utf8"), "cli/README.md")
  )
  fs.copyFileSync(path.join(root, "LICENSE"), path.join(dist, "LICENSE"))
  console.log(`build: ${path.relative(root, bin)} (${(fs.statSync(bin).size / 1024).toFixed(0)} KiB)`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
