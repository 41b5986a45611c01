/**
 * The examples of cli/README.md, run: each `$ modelgates …` line of a `sh`
 * block runs in this process (against `--simulator`, as the examples say),
 * and what the block shows under it must be what the command prints on
 * stdout. A line `…` in the shown output stands for any number of lines.
 * `printf '…' |` before the command is its stdin.
 *
 * The root README's section on the command shows the three commands without
 * their output: each runs, and succeeds.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { runCli } from "./utils/runCli.js"

interface Example {
  readonly command: string
  readonly stdin: string | undefined
  readonly expected: ReadonlyArray<string>
}

const readme = fs.readFileSync(new URL("../README.md", import.meta.url), "utf8")

const examples: ReadonlyArray<Example> = Array.from(readme.matchAll(/```sh\n([\s\S]*?)```/g), ([, body]) => body)
  .filter((body) => body.startsWith("$ "))
  .map((body) => {
    const [first, ...rest] = body.trimEnd().split("\n")
    const piped = /^\$ printf '([^']*)' \| (.*)$/.exec(first)
    return {
      command: (piped === null ? first.slice(2) : piped[2]).replace(/^npx /, ""),
      stdin: piped === null ? undefined : piped[1].replace(/\\n/g, "\n"),
      expected: rest
    }
  })

/** Whether the lines match the shown ones, where `…` (alone on a line) matches any run of lines. */
const matches = (actual: ReadonlyArray<string>, expected: ReadonlyArray<string>): boolean => {
  if (expected.length === 0) return actual.length === 0
  const [head, ...tail] = expected
  if (head === "…") return actual.some((_, i) => matches(actual.slice(i), tail)) || matches([], tail)
  if (head.endsWith("…")) {
    return actual.length > 0 && actual[0].startsWith(head.slice(0, -1)) && matches(actual.slice(1), tail)
  }
  return actual.length > 0 && actual[0] === head && matches(actual.slice(1), tail)
}

describe("cli/README.md", () => {
  it("has examples of the three commands", () => {
    const commands = new Set(examples.map((example) => example.command.split(" ")[1]))
    expect([...commands].sort()).toEqual(["content", "get", "report"])
  })

  for (const example of examples) {
    it.live(example.command, () =>
      Effect.gen(function*() {
        const [name, ...argv] = example.command.split(/\s+/)
        expect(name).toBe("modelgates")
        const ran = yield* runCli(argv, example.stdin === undefined ? {} : { stdin: example.stdin })
        const fails = example.expected.some((line) => line.startsWith("failed,") || line.startsWith("Failed:"))
        expect(ran.code, ran.err).toBe(fails ? 1 : 0)
        if (example.expected.length > 0) {
          const actual = ran.out.replace(/\r\n/g, "\n").trimEnd().split("\n")
          expect(matches(actual, example.expected), `${example.command} printed:\n${ran.out}`).toBe(true)
        } else {
          expect(ran.out.length).toBeGreaterThan(0)
        }
      }))
  }
})

describe("README.md, the section on the modelgates command", () => {
  const rootReadme = fs.readFileSync(new URL("../../README.md", import.meta.url), "utf8")
  const section = /## The `modelgates` command\n([\s\S]*?)\n## /.exec(rootReadme)?.[1] ?? ""
  const commands = Array.from(section.matchAll(/^modelgates (.*?)\s*(?:#.*)?$/gm), ([, args]) => args.split(/\s+/))

  it("shows the three commands", () => {
    expect(commands.map(([command]) => command)).toEqual(["get", "content", "report"])
  })

  for (const argv of commands) {
    it.live(argv.join(" "), () =>
      Effect.gen(function*() {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "modelgates-readme-"))
        // A file the example writes goes to a temporary folder.
        const out = argv.indexOf("--out")
        const args = out === -1 ? argv : argv.map((arg, i) => i === out + 1 ? path.join(dir, arg) : arg)
        const ran = yield* runCli(args)
        expect(ran.code, ran.err).toBe(0)
        if (out === -1) expect(ran.out.length).toBeGreaterThan(0)
        else expect(fs.readFileSync(args[out + 1], "utf8")).toMatch(/^<!doctype html>/)
        fs.rmSync(dir, { recursive: true, force: true })
      }))
  }
})
