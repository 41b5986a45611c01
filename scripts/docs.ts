/**
 * Generates the API reference, docs/api/, from the JSDoc of the public
 * modules (every module under src/ but src/internal/** and the `index`
 * barrels), with TypeDoc and typedoc-plugin-markdown (options in
 * typedoc.json): one Markdown page per module, grouped by `@category`.
 *
 * TypeDoc takes a file's first comment as the module's documentation only
 * when it carries `@module`; ours, like Effect's, carry just `@since`. So
 * TypeDoc reads a copy of src/ (build/docs-src/) in which each public
 * module's first comment gains `@module <name>`, the name being the module's
 * export subpath (`Generations`, `testing/ModelGatesSimulator`).
 *
 * The `@example` blocks end up in docs/api as ```ts fences, which
 * scripts/check-docs.ts type-checks with every other block under docs/.
 *
 * `tsx scripts/docs.ts` writes docs/api; `tsx scripts/docs.ts --check`
 * writes to build/docs-api instead and fails when docs/api differs from it,
 * so a committed reference cannot go stale.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const committed = path.join(root, "docs", "api")
const copy = path.join(root, "build", "docs-src")
const check = process.argv.includes("--check")
const out = check ? path.join(root, "build", "docs-api") : committed

const toPosix = (p: string) => p.split(path.sep).join("/")

const walk = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return walk(full)
    return entry.isFile() ? [full] : []
  }).sort()

/** Public modules, as paths relative to src/ without `.ts`: `Generations`, `testing/ModelGatesSimulator`. */
const publicModules = (): Array<string> =>
  walk(path.join(root, "src"))
    .map((file) => toPosix(path.relative(path.join(root, "src"), file)))
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.startsWith("internal/"))
    .map((file) => file.replace(/\.ts$/, ""))
    .filter((module) => module !== "index" && !module.endsWith("/index"))

/** Adds `@module <name>` to the first doc comment of a module, when it opens the file. */
const withModuleTag = (text: string, name: string): string => {
  const match = /^\s*\/\*\*[\s\S]*?\*\//.exec(text)
  if (match === null) return text
  const comment = match[0]
  const tagged = comment.replace(/\s*\*\/$/, `\n * @module ${name}\n */`)
  return tagged + text.slice(comment.length)
}

const main = (): number => {
  const modules = publicModules()
  fs.rmSync(copy, { recursive: true, force: true })
  for (const file of walk(path.join(root, "src"))) {
    const relative = toPosix(path.relative(path.join(root, "src"), file))
    const target = path.join(copy, "src", relative)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    const text = fs.readFileSync(file, "utf8")
    const module = relative.replace(/\.ts$/, "")
    fs.writeFileSync(target, modules.includes(module) ? withModuleTag(text, module) : text)
  }
  // src/ imports the Effect-free core beside it
  fs.cpSync(path.join(root, "core"), path.join(copy, "core"), { recursive: true })
  fs.writeFileSync(
    path.join(copy, "tsconfig.json"),
    JSON.stringify({ extends: "../../tsconfig.json", compilerOptions: { noEmit: true }, include: ["src"] }, null, 2)
  )

  fs.rmSync(out, { recursive: true, force: true })
  const typedoc = path.join(
    path.dirname(createRequire(import.meta.url).resolve("typedoc/package.json")),
    "bin",
    "typedoc"
  )
  const result = spawnSync(process.execPath, [
    typedoc,
    "--options",
    path.join(root, "typedoc.json"),
    "--tsconfig",
    path.join(copy, "tsconfig.json"),
    "--out",
    out,
    "--logLevel",
    "Warn",
    "--treatWarningsAsErrors",
    ...modules.flatMap((module) => ["--entryPoints", path.join(copy, "src", `${module}.ts`)])
  ], { cwd: root, stdio: "inherit" })
  if (result.error !== undefined) throw result.error
  if (result.status !== 0) {
    console.error(`docs: typedoc exited with ${result.status ?? result.signal}`)
    return 1
  }

  if (!check) {
    console.log(`docs: API reference of ${modules.length} modules in ${toPosix(path.relative(root, out))}/`)
    return 0
  }
  const read = (dir: string) =>
    new Map(
      fs.existsSync(dir)
        ? walk(dir).map((file) => [toPosix(path.relative(dir, file)), fs.readFileSync(file, "utf8")] as const)
        : []
    )
  const expected = read(out)
  const actual = read(committed)
  const stale = [...new Set([...expected.keys(), ...actual.keys()])].sort().filter((file) =>
    expected.get(file) !== actual.get(file)
  )
  if (stale.length > 0) {
    console.error(
      `docs: docs/api is not what the code generates (${stale.join(", ")}); run \`npm run docs\` and commit docs/api`
    )
    return 1
  }
  console.log(`docs: docs/api is up to date (${expected.size} pages, ${modules.length} modules)`)
  return 0
}

process.exitCode = main()
