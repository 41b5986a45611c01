/**
 * `npm run demo`, run as the user runs it: a real process, against the
 * simulator on a real port on 127.0.0.1. (The `modelgates-simulator` command's
 * own tests are in simulator/test.)
 */
import { describe, expect, it } from "@effect/vitest"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { exitWithin, outputMatching, start } from "../simulator/test/utils/Process.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

describe("npm run demo", () => {
  const demo = (env: NodeJS.ProcessEnv, ...args: ReadonlyArray<string>) => {
    const withoutKey = { ...process.env }
    delete withoutKey["MODELGATES_API_KEY"]
    return start([path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "examples/demo.ts", ...args], {
      cwd: root,
      env: { ...withoutKey, ...env }
    })
  }

  it("says once why it runs against the simulator", async () => {
    const cases: ReadonlyArray<readonly [NodeJS.ProcessEnv, ReadonlyArray<string>, string]> = [
      [{ MODELGATES_API_KEY: "sk-mg-not-used" }, [], "MODELGATES_API_KEY is set, but no --id gen-… was given"],
      [{ MODELGATES_API_KEY: " " }, ["--id", "gen-1"], "MODELGATES_API_KEY is empty"],
      [{}, ["--id=gen-1"], "no MODELGATES_API_KEY set, so --id gen-1 is not looked up on the real service"]
    ]
    const runs = cases.map(([env, args]) => demo(env, ...args))
    try {
      const reasons = await Promise.all(
        runs.map((run) => outputMatching(run, /^ModelGates simulator listening on \S+ \((.*)\)$/m, 60_000))
      )
      cases.forEach(([, , why], i) => {
        expect(reasons[i][1]).toContain(why)
        // Said once, and nothing says the opposite.
        expect(runs[i].output().match(/MODELGATES_API_KEY/g)?.length ?? 0).toBe(1)
      })
    } finally {
      for (const run of runs) run.child.kill("SIGKILL")
    }
  }, 90_000)

  it("walks through the SDK against the simulator and exits 0", async () => {
    const run = demo({})
    try {
      expect(await exitWithin(run, 40_000)).toBe(0)
      const output = run.output()
      for (
        const expected of [
          "ModelGates simulator listening on http://127.0.0.1:",
          "What a generation cost and how it ran",
          "What went in and came out",
          "A generation that failed, with its stored error",
          "404, not there yet",
          "statuses seen: 429 → 200",
          "403: this key may not read stored content",
          "524 from the edge network",
          "timed out after 300ms",
          "refused before sending (id)",
          "Done."
        ]
      ) {
        expect(output).toContain(expected)
      }
    } finally {
      run.child.kill("SIGKILL")
    }
  }, 60_000)
})
