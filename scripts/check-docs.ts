/**
 * Type-checks the code in the documentation, so it cannot rot.
 *
 * Every ```ts / ```typescript block of README.md and docs/**\/*.md, and every
 * such block inside the JSDoc of src/**\/*.ts (`@example`), is written to its
 * own file under build/docs-check/, and all of them are checked by one
 * `tsc -p` over a generated tsconfig that extends the root one with the
 * strictest settings users compile with (`strict`,
 * `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess`). The package
 * imports (`@modelgates/effect`, `@modelgates/effect/<Module>`) resolve
 * through `paths` to declarations emitted from src/ first, as a user's
 * compiler sees the package: the blocks are held to those settings, the
 * sources only to the repository's own. A block fenced as ```ts skip-check is
 * left out.
 *
 * It also reads every install line (`npm i`, `npm install`, `pnpm add`,
 * `yarn add`) of every Markdown file of the repository and refuses one that
 * leaves `effect` or an `@effect/*` package (or `vitest` beside
 * `@effect/vitest`) without a major: npm's `latest` of those is the Effect 4
 * line (scripts/install-lines.ts).
 *
 * Run with `tsx scripts/check-docs.ts`. Exits non-zero, naming the file and
 * line of each failing block or install line. Blocks that import
 * `@modelgates/effect4` are left to effect4/scripts/check-docs.ts, which
 * checks them against effect 4.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as InstallLines from "./install-lines.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const outDir = path.join(root, "build", "docs-check")
const blocksDir = path.join(outDir, "blocks")
const typesDir = path.join(outDir, "types")

/** One code block, and where it came from. */
interface Block {
  /** Source file, relative to the repository root. */
  readonly source: string
  /** 1-based line in the source file of the block's first code line. */
  readonly line: number
  readonly code: string
}

const isCheckedLanguage = (info: string): { readonly checked: boolean; readonly skip: boolean } => {
  const [language = "", ...flags] = info.trim().split(/\s+/)
  const checked = language === "ts" || language === "typescript"
  return { checked, skip: checked && flags.includes("skip-check") }
}

/**
 * The fenced blocks of a Markdown file. Fences may be indented (inside list
 * items) and may use more than three backticks or tildes; a block closes at a
 * fence of the same character at least as long as the one that opened it.
 */
const markdownBlocks = (source: string, text: string): Array<Block> => {
  const lines = text.split(/\r?\n/)
  const blocks: Array<Block> = []
  let open: { fence: string; indent: number; start: number; keep: boolean; body: Array<string> } | undefined
  lines.forEach((line, index) => {
    if (open === undefined) {
      const match = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(line)
      if (match !== null) {
        const { checked, skip } = isCheckedLanguage(match[3])
        open = { fence: match[2], indent: match[1].length, start: index + 2, keep: checked && !skip, body: [] }
      }
      return
    }
    const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line)
    if (close !== null && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
      if (open.keep) blocks.push({ source, line: open.start, code: open.body.join("\n") })
      open = undefined
      return
    }
    const indent = open.indent
    open.body.push(line.slice(Math.min(indent, line.length - line.trimStart().length)))
  })
  if (open !== undefined) {
    throw new Error(`${source}:${open.start - 1}: a code fence is never closed`)
  }
  return blocks
}

/** The fenced ts blocks inside the doc comments of a TypeScript file. */
const jsdocBlocks = (source: string, text: string): Array<Block> => {
  const lines = text.split(/\r?\n/)
  const blocks: Array<Block> = []
  let inComment = false
  let open: { start: number; keep: boolean; body: Array<string> } | undefined
  lines.forEach((line, index) => {
    if (!inComment) {
      if (/^\s*\/\*\*/.test(line) && !/\*\/\s*$/.test(line)) inComment = true
      return
    }
    if (/\*\/\s*$/.test(line)) {
      if (open !== undefined) {
        throw new Error(`${source}:${open.start - 1}: a code fence in a doc comment is never closed`)
      }
      inComment = false
      return
    }
    const content = line.replace(/^\s*\* ?/, "")
    if (open === undefined) {
      const match = /^```(.*)$/.exec(content)
      if (match !== null) {
        const { checked, skip } = isCheckedLanguage(match[1])
        open = { start: index + 2, keep: checked && !skip, body: [] }
      }
      return
    }
    if (/^```\s*$/.test(content)) {
      if (open.keep) blocks.push({ source, line: open.start, code: open.body.join("\n") })
      open = undefined
      return
    }
    open.body.push(content)
  })
  return blocks
}

const walk = (dir: string, accept: (file: string) => boolean): Array<string> => {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(full, accept)
    return entry.isFile() && accept(full) ? [full] : []
  }).sort()
}

const relative = (file: string) => path.relative(root, file).split(path.sep).join("/")

const collect = (): Array<Block> => {
  const markdown = [
    ...[path.join(root, "README.md")].filter((file) => fs.existsSync(file)),
    ...walk(path.join(root, "docs"), (file) => file.endsWith(".md"))
  ]
  const sources = walk(path.join(root, "src"), (file) => file.endsWith(".ts") && !file.endsWith(".d.ts"))
  // A block of the Effect 4 line is type-checked against effect 4 by effect4/scripts/check-docs.ts.
  return [
    ...markdown.flatMap((file) => markdownBlocks(relative(file), fs.readFileSync(file, "utf8"))),
    ...sources.flatMap((file) => jsdocBlocks(relative(file), fs.readFileSync(file, "utf8")))
  ].filter((block) => !block.code.includes("\"@modelgates/effect4"))
}

const toPosix = (p: string) => p.split(path.sep).join("/")

type ExportTarget = string | null | { readonly [condition: string]: ExportTarget }

const pickTarget = (target: ExportTarget): string | null => {
  if (target === null || typeof target === "string") return target
  for (const condition of ["types", "import", "default"]) {
    const picked = condition in target ? pickTarget(target[condition]) : null
    if (picked !== null) return picked
  }
  return null
}

/**
 * The package's own specifiers, mapped to files the way its `exports` map
 * maps them, so a block imports exactly what a user can import: a source
 * file `src/X.ts` is read as its emitted declaration `types/X.d.ts`. An
 * export closed with `null` (`./internal/*`) maps to a file that does not
 * exist.
 */
const packagePaths = (fromOut: (target: string) => string): Record<string, Array<string>> => {
  const manifest: { name?: string; exports?: ExportTarget } = JSON.parse(
    fs.readFileSync(path.join(root, "package.json"), "utf8")
  )
  const name = manifest.name ?? "@modelgates/effect"
  const exports: ExportTarget = manifest.exports ?? { ".": "./src/index.ts", "./*": "./src/*.ts" }
  const entries =
    typeof exports === "string" || exports === null || !Object.keys(exports).some((key) => key.startsWith("."))
      ? [[".", exports] as const]
      : Object.entries(exports)
  const paths: Record<string, Array<string>> = {}
  for (const [subpath, target] of entries) {
    const specifier = subpath === "." ? name : `${name}/${subpath.replace(/^\.\//, "")}`
    const file = pickTarget(target)
    const declaration = file?.replace(/^(\.\/)?src\/(.*)\.ts$/, "build/docs-check/types/src/$2.d.ts")
    paths[specifier] = [fromOut(declaration ?? "build/docs-check/not-exported")]
  }
  return paths
}

const main = (): number => {
  const blocks = collect()
  fs.rmSync(outDir, { recursive: true, force: true })
  fs.mkdirSync(blocksDir, { recursive: true })

  const generated = new Map<string, Block>()
  blocks.forEach((block, index) => {
    const name = `${String(index).padStart(3, "0")}-${block.source.replace(/[^A-Za-z0-9]+/g, "_")}-L${block.line}.ts`
    fs.writeFileSync(path.join(blocksDir, name), block.code + "\n")
    generated.set(toPosix(path.join("blocks", name)), block)
  })

  const fromOut = (target: string) => {
    const relativePath = toPosix(path.relative(outDir, path.join(root, target)))
    return relativePath.startsWith("../") ? relativePath : `./${relativePath}`
  }
  const tsconfig = {
    extends: fromOut("tsconfig.json"),
    compilerOptions: {
      noEmit: true,
      // A block is a module of its own, even without an import.
      moduleDetection: "force",
      // A fragment may show a value without using it.
      noUnusedLocals: false,
      noUnusedParameters: false,
      // The strictest settings users compile with, whatever the repository's own tsconfig says.
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      paths: packagePaths(fromOut)
    },
    include: ["blocks/**/*.ts"]
  }
  const tsconfigPath = path.join(outDir, "tsconfig.json")
  fs.writeFileSync(tsconfigPath, JSON.stringify(tsconfig, null, 2) + "\n")

  if (blocks.length === 0) {
    console.log("check-docs: no ts blocks found")
    return 0
  }

  const tsc = (args: ReadonlyArray<string>) => {
    const result = spawnSync(
      process.execPath,
      [createRequire(import.meta.url).resolve("typescript/bin/tsc"), ...args, "--pretty", "false"],
      { cwd: root, encoding: "utf8" }
    )
    if (result.error !== undefined) throw result.error
    return { status: result.status, output: `${result.stdout}${result.stderr}` }
  }

  const declarations = tsc([
    "-p",
    path.join(root, "tsconfig.build.json"),
    "--emitDeclarationOnly",
    "--outDir",
    typesDir
  ])
  if (declarations.status !== 0) {
    console.error(declarations.output.trimEnd())
    console.error("check-docs: the sources do not compile (npm run check says more), so the blocks cannot be checked")
    return 1
  }

  const result = tsc(["-p", tsconfigPath])
  const output = result.output

  // tsc reports "file(line,col): error TSxxxx: message"; continuation lines
  // are indented. Rewrite positions in generated files to the source's.
  const failing = new Set<Block>()
  const lines = output.split(/\r?\n/).filter((line) => line.trim() !== "").map((line) => {
    const match = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line)
    if (match === null) return line
    const file = toPosix(path.relative(outDir, path.resolve(root, match[1])))
    const block = generated.get(file)
    if (block === undefined) {
      return `${toPosix(path.relative(root, path.resolve(root, match[1])))}(${match[2]},${match[3]}): ${match[4]}`
    }
    failing.add(block)
    const line_ = block.line + Number(match[2]) - 1
    return `${block.source}:${line_}:${match[3]} (block at line ${block.line}, build/docs-check/${file}): ${match[4]}`
  })

  const sources = new Set(blocks.map((block) => block.source))
  if (result.status === 0) {
    console.log(`check-docs: ${blocks.length} blocks from ${sources.size} files compile`)
    return 0
  }
  for (const line of lines) console.error(line)
  console.error(
    `check-docs: ${failing.size} of ${blocks.length} blocks from ${sources.size} files do not compile` +
      (failing.size === 0 ? " (tsc failed outside the blocks, see above)" : "")
  )
  return 1
}

// Every Markdown file of the repository, packages included; not what is
// installed, built or hidden (.changeset, .git).
const markdownFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      return entry.name.startsWith(".") || ["node_modules", "dist", "build"].includes(entry.name)
        ? []
        : markdownFiles(full)
    }
    return entry.isFile() && entry.name.endsWith(".md") ? [full] : []
  }).sort()

const checkInstallLines = (): number => {
  const broken = InstallLines.selfCheck()
  const files = markdownFiles(root)
  const problems = [
    ...broken.map((message) => `scripts/install-lines.ts: the rule is wrong: ${message}`),
    ...files.flatMap((file) => InstallLines.check(relative(file), fs.readFileSync(file, "utf8")))
  ]
  if (problems.length === 0) {
    console.log(`check-docs: every install line of ${files.length} Markdown files pins its Effect packages`)
    return 0
  }
  for (const problem of problems) console.error(problem)
  return 1
}

process.exitCode = Math.max(checkInstallLines(), main())
