/**
 * `npx tsx bench/paste-results.ts [results.md]`: puts the results of the last
 * `npm run bench` (bench/build/results.md) into docs/benchmarks.md, replacing
 * everything between the `bench-results:start` and `bench-results:end`
 * markers. Nothing else in the page changes; the results carry their own
 * date and commit. Fails, changing nothing, when a marker is missing.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const benchDir = dirname(fileURLToPath(import.meta.url))
const page = join(benchDir, "..", "docs", "benchmarks.md")
const results = resolve(process.argv[2] ?? join(benchDir, "build", "results.md"))
const start = "<!-- bench-results:start -->"
const end = "<!-- bench-results:end -->"

const text = readFileSync(page, "utf8")
const from = text.indexOf(start)
const to = text.indexOf(end)
if (from < 0 || to < from) throw new Error(`${page}: the markers ${start} and ${end} are missing or out of order`)
const pasted = readFileSync(results, "utf8").trim()
writeFileSync(page, `${text.slice(0, from + start.length)}\n\n${pasted}\n\n${text.slice(to)}`)
console.log(`pasted ${results} into ${page}`)
