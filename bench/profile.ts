/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): the frames with the
 * most self time, and self time per package (effect, @effect/platform,
 * undici, zod, this SDK's src, node internals…).
 *
 * Usage: `tsx bench/profile.ts <file.cpuprofile> [top]`, or through
 * `npm run bench -- --profile <client>`, which records one and prints this.
 */
import { readFileSync } from "node:fs"

interface ProfileNode {
  readonly id: number
  readonly callFrame: {
    readonly functionName: string
    readonly url: string
    readonly lineNumber: number
    readonly columnNumber: number
  }
  readonly children?: ReadonlyArray<number>
}

interface Profile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

const packageOf = (url: string): string => {
  if (url === "") return "(native/vm)"
  if (url.startsWith("node:")) return "node internals"
  const nodeModules = url.lastIndexOf("/node_modules/")
  if (nodeModules >= 0) {
    const rest = url.slice(nodeModules + "/node_modules/".length).split("/")
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  if (url.includes("/bench/")) return "bench (incl. bundled src)"
  return url
}

export const summarize = (file: string, top = 30): string => {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map<number, number>()
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt)
    total += dt
  }
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const keyOf = (node: ProfileNode): string => {
    const { columnNumber, functionName, lineNumber, url } = node.callFrame
    const short = url.replace(/^.*\/node_modules\//, "").replace(/^file:\/\/.*\/bench\//, "bench/")
    return `${functionName || "(anonymous)"}  ${short}:${lineNumber + 1}:${columnNumber + 1}`
  }
  // Inclusive time: each sample counts once for every distinct frame on its stack.
  const inclusive = new Map<string, number>()
  for (const [id, micros] of self) {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)
      if (node === undefined) break
      const key = keyOf(node)
      if (seen.has(key)) continue
      seen.add(key)
      inclusive.set(key, (inclusive.get(key) ?? 0) + micros)
    }
  }
  const byFrame = new Map<string, number>()
  const byPackage = new Map<string, number>()
  for (const [id, micros] of self) {
    const node = byId.get(id)
    if (node === undefined) continue
    const key = keyOf(node)
    const url = node.callFrame.url
    byFrame.set(key, (byFrame.get(key) ?? 0) + micros)
    const pkg = packageOf(url)
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros)
  }
  const pct = (micros: number) => `${((100 * micros) / total).toFixed(1).padStart(5)}%`
  const lines = [`${file}: ${(total / 1000).toFixed(0)} ms sampled`, "", "self time by package:"]
  for (const [name, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    lines.push(`  ${pct(micros)}  ${name}`)
  }
  lines.push("", `top ${top} frames by self time:`)
  for (const [name, micros] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${pct(micros)}  ${name}`)
  }
  lines.push("", `top ${top} frames by total (inclusive) time, outside effect's run loop:`)
  const loop = /fiberRuntime|core\.js|\(root\)|\(program\)|runMicrotasks|processTicksAndRejections/
  for (
    const [name, micros] of [...inclusive].filter(([name]) => !loop.test(name)).sort((a, b) => b[1] - a[1]).slice(
      0,
      top
    )
  ) {
    lines.push(`  ${pct(micros)}  ${name}`)
  }
  return lines.join("\n")
}

if (process.argv[1]?.endsWith("profile.ts") && process.argv[2] !== undefined) {
  console.log(summarize(process.argv[2], Number(process.argv[3] ?? 30)))
}
