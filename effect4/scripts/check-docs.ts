/**
 * Type-checks the Effect 4 line's documentation code against effect 4, so it
 * cannot rot: every ```ts block of effect4/README.md, of the repository's
 * README.md and docs/**\/*.md that imports `@modelgates/effect4`, and every
 * `@example` in the JSDoc of effect4/src. Each block becomes a file under
 * effect4/build/docs-check/, checked by one `tsc -p` (strict,
 * exactOptionalPropertyTypes); `@modelgates/effect4` resolves to src/. The
 * repository's own docs check (scripts/check-docs.ts) leaves these blocks
 * out. A block fenced as ```ts skip-check is left out.
 *
 * Run with Node 24: `node scripts/check-docs.ts`.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const repository = path.resolve(root, "..")
const outDir = path.join(root, "build", "docs-check")
const require = createRequire(import.meta.url)

interface Block {
  readonly source: string
  readonly line: number
  readonly code: string
}

/** The ```ts blocks of a text, after `strip` took any comment prefix off each line. */
const blocksOf = (source: string, text: string, strip: (line: string) => string): Array<Block> => {
  const blocks: Array<Block> = []
  let open: { start: number; keep: boolean; body: Array<string> } | undefined
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = strip(raw)
    if (open === undefined) {
      const fence = /^```(ts|typescript)\b(.*)$/.exec(line.trim())
      if (fence !== null) open = { start: index + 2, keep: !/skip-check/.test(fence[2]), body: [] }
      return
    }
    if (/^```\s*$/.test(line.trim())) {
      if (open.keep) blocks.push({ source, line: open.start, code: open.body.join("\n") })
      open = undefined
      return
    }
    open.body.push(line)
  })
  return blocks
}

const markdown = (file: string) => blocksOf(path.relative(repository, file), fs.readFileSync(file, "utf8"), (l) => l)

const jsdoc = (file: string) =>
  blocksOf(path.relative(repository, file), fs.readFileSync(file, "utf8"), (line) => line.replace(/^\s*\* ?/, ""))

const filesUnder = (dir: string, suffix: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()

const collect = (): Array<Block> => [
  ...markdown(path.join(root, "README.md")),
  ...[path.join(repository, "README.md"), ...filesUnder(path.join(repository, "docs"), ".md")]
    .flatMap(markdown)
    .filter((block) => block.code.includes("\"@modelgates/effect4")),
  ...filesUnder(path.join(root, "src"), ".ts").flatMap(jsdoc)
]

const main = (): number => {
  const blocks = collect()
  fs.rmSync(outDir, { recursive: true, force: true })
  fs.mkdirSync(path.join(outDir, "blocks"), { recursive: true })
  const byFile = new Map<string, Block>()
  blocks.forEach((block, index) => {
    const name = `blocks/${String(index).padStart(3, "0")}-${block.source.replace(/[^A-Za-z0-9]+/g, "_")}.ts`
    fs.writeFileSync(path.join(outDir, name), `${block.code}\nexport {}\n`)
    byFile.set(name, block)
  })
  fs.writeFileSync(
    path.join(outDir, "tsconfig.json"),
    JSON.stringify({
      extends: "../../tsconfig.json",
      compilerOptions: {
        noEmit: true,
        noUnusedLocals: false,
        paths: {
          "@modelgates/effect4": ["../../src/index.ts"],
          "@modelgates/effect4/testing": ["../../src/testing/index.ts"],
          "@modelgates/effect4/*": ["../../src/*.ts"]
        }
      },
      include: ["blocks"]
    })
  )
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", outDir], { encoding: "utf8" })
  const output = `${tsc.stdout}${tsc.stderr}`.replace(
    /build\/docs-check\/(blocks\/[^(]+\.ts)\((\d+),/g,
    (_, file, l) => {
      const block = byFile.get(file)
      return block === undefined ? `${file}(${l},` : `${block.source}(${block.line + Number(l) - 1},`
    }
  )
  if (tsc.status !== 0) {
    console.error(output)
    console.error(`check-docs (effect4): ${blocks.length} blocks, some do not type-check`)
    return 1
  }
  console.log(`check-docs (effect4): ${blocks.length} blocks type-check against effect 4`)
  return 0
}

process.exitCode = main()
