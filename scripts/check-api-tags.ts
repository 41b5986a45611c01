/**
 * Checks that every export of every public module (every module under src/
 * but src/internal/**) carries `@since` and `@category` in its JSDoc, as
 * Effect's own packages do. A namespace re-export in a barrel
 * (`export * as Generations from "./Generations.js"` in src/index.ts) needs
 * only `@since`: it is a module, and its members carry the categories.
 *
 * Run with `tsx scripts/check-api-tags.ts [package folder]`. Exits non-zero, naming the file
 * and line of each export that lacks a tag.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

// The package to check: the repository root, or the folder given (`effect4`).
const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."))
const toPosix = (p: string) => p.split(path.sep).join("/")

const walk = (dir: string): Array<string> =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "internal" ? [] : walk(full)
    return entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : []
  }).sort()

/** The node whose doc comment documents a declaration. */
const documented = (declaration: ts.Declaration): ts.Node => {
  if (ts.isVariableDeclaration(declaration)) return declaration.parent.parent
  if (ts.isNamespaceExport(declaration)) return declaration.parent
  if (ts.isExportSpecifier(declaration)) return declaration.parent.parent
  return declaration
}

const hasDocComment = (node: ts.Node): boolean => ts.getJSDocCommentsAndTags(node).some(ts.isJSDoc)

const tagsOf = (node: ts.Node): ReadonlySet<string> => {
  const names = new Set<string>()
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    const tags = ts.isJSDoc(doc) ? doc.tags ?? [] : [doc]
    for (const tag of tags) names.add(tag.tagName.text)
  }
  return names
}

const main = (): number => {
  const configFile = ts.readConfigFile(path.join(root, "tsconfig.build.json"), ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root)
  const modules = walk(path.join(root, "src"))
  const program = ts.createProgram(modules, { ...parsed.options, noEmit: true })
  const checker = program.getTypeChecker()

  const problems: Array<string> = []
  let checked = 0
  for (const file of modules) {
    const source = program.getSourceFile(file)
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source)
    if (source === undefined || moduleSymbol === undefined) {
      problems.push(`${toPosix(path.relative(root, file))}: not a module`)
      continue
    }
    for (const symbol of checker.getExportsOfModule(moduleSymbol)) {
      for (const declaration of symbol.declarations ?? []) {
        // Star re-exports are checked where they are declared.
        if (declaration.getSourceFile() !== source) continue
        // An overloaded function's implementation is not part of its signature.
        if (
          ts.isFunctionDeclaration(declaration) && declaration.body !== undefined &&
          (symbol.declarations ?? []).filter(ts.isFunctionDeclaration).length > 1
        ) continue
        const node = documented(declaration)
        const tags = tagsOf(node)
        const required = ts.isNamespaceExport(declaration) ? ["since"] : ["since", "category"]
        const missing = required.filter((tag) => !tags.has(tag))
        checked++
        if (missing.length > 0 || !hasDocComment(node)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source))
          const what = hasDocComment(node) ? missing.map((tag) => `@${tag}`).join(" and ") : "a doc comment"
          problems.push(`${toPosix(path.relative(root, file))}:${line + 1}: export ${symbol.name} lacks ${what}`)
        }
      }
    }
  }
  for (const problem of problems) console.error(problem)
  if (problems.length > 0) {
    console.error(`check-api-tags: ${problems.length} of ${checked} exports lack tags`)
    return 1
  }
  console.log(`check-api-tags: all ${checked} exports of ${modules.length} public modules have @since and @category`)
  return 0
}

process.exitCode = main()
