/**
 * Install lines that pin their Effect packages. npm's `latest` of `effect`
 * and of most `@effect/*` packages is the Effect 4 line, so an install line
 * of the documentation that names one of them without a major installs the
 * wrong line, or stops with ERESOLVE: `npm i -D vitest @effect/vitest`
 * fetches an `@effect/vitest` that needs effect 4.
 *
 * The rule is "pinned to a major", not "pinned to 3": a package of the
 * Effect 4 line documents `effect@4`. A 0.x package is pinned to its minor
 * (`@effect/platform@0.97`), since its minor is its major. `vitest` beside
 * `@effect/vitest` is held to the same rule: each `@effect/vitest` line
 * supports one vitest major.
 */

/** An install command of npm, pnpm, yarn or bun, and the text after it. */
const installCommand =
  /\b(?:npm\s+(?:i|install|add)|pnpm\s+(?:add|i|install)|yarn\s+(?:global\s+)?add|bun\s+add)\s+(.*)$/

// A version that names a major (and a minor for 0.x): 3, ^3.22.2, ~0.97.2, 0.30, 3.x, 4.0.0-beta.1.
const pinnedVersion = /^[\^~=]?v?(\d+)(?:\.(\d+|x|\*))?(?:\.(?:\d+|x|\*))?(?:[-+][\w.]+)?$/

const isPinned = (version: string | undefined): boolean => {
  if (version === undefined) return false
  const match = pinnedVersion.exec(version)
  if (match === null) return false
  return match[1] !== "0" || /^\d+$/.test(match[2] ?? "")
}

/** A package spec split into its name and version (`@effect/vitest@0.30` → `@effect/vitest`, `0.30`). */
const parseSpec = (spec: string): { readonly name: string; readonly version: string | undefined } => {
  const at = spec.indexOf("@", spec.startsWith("@") ? 1 : 0)
  return at === -1 ? { name: spec, version: undefined } : { name: spec.slice(0, at), version: spec.slice(at + 1) }
}

const isEffectPackage = (name: string): boolean => name === "effect" || name.startsWith("@effect/")

/**
 * The packages of one install command that must name a major and do not:
 * `effect`, every `@effect/*`, and `vitest` when `@effect/vitest` is there.
 */
export const unpinned = (line: string): Array<string> => {
  const match = installCommand.exec(line)
  if (match === null) return []
  // The command ends where the shell or the prose around it goes on.
  const args = match[1].split(/[`;|&),]/)[0].split(/\s+/).map((arg) => arg.replace(/^["']|["']$/g, ""))
  const specs = args.filter((arg) => arg !== "" && !arg.startsWith("-")).map(parseSpec)
  const withVitest = specs.some((spec) => spec.name === "@effect/vitest")
  return specs
    .filter((spec) => isEffectPackage(spec.name) || (withVitest && spec.name === "vitest"))
    .filter((spec) => !isPinned(spec.version))
    .map((spec) => spec.version === undefined ? spec.name : `${spec.name}@${spec.version}`)
}

/**
 * Every install line of a Markdown file that leaves an Effect package
 * unpinned, as `file:line: …`.
 */
export const check = (file: string, text: string): Array<string> =>
  text.split(/\r?\n/).flatMap((line, index) => {
    const found = unpinned(line)
    return found.length === 0
      ? []
      : [
        `${file}:${index + 1}: ${found.join(", ")} not pinned to a major ` +
        "(npm's latest is the Effect 4 line: write e.g. effect@3, @effect/platform@0.97, vitest@3 @effect/vitest@0.30)"
      ]
  })

// What the rule must refuse and what it must let pass, checked on every run,
// so a change to the patterns cannot quietly stop it from catching anything.
const mustRefuse: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["npm i -D vitest @effect/vitest", ["vitest", "@effect/vitest"]],
  ["npm install @modelgates/effect effect @effect/platform", ["effect", "@effect/platform"]],
  ["pnpm add effect@latest", ["effect@latest"]],
  ["yarn add @effect/platform-node@0 @effect/opentelemetry@>=0.64", [
    "@effect/platform-node@0",
    "@effect/opentelemetry@>=0.64"
  ]],
  ["`npm install --save-dev vitest@3 @effect/vitest`, then", ["@effect/vitest"]]
]

const mustPass: ReadonlyArray<string> = [
  "npm install @modelgates/effect effect@^3.22.2 @effect/platform@^0.97.2",
  "npm i -D vitest@3 @effect/vitest@0.30",
  "npm install @effect/opentelemetry@^0.64.1 @opentelemetry/api @opentelemetry/sdk-trace-base@^2",
  "npm install effect@4.0.0-beta.1 @effect/vitest@4",
  "npm install --global @modelgates/cli",
  "npm i vitest"
]

/**
 * The rule run on lines it must refuse and lines it must pass: the messages
 * of each case it gets wrong (none when it works).
 */
export const selfCheck = (): Array<string> => [
  ...mustRefuse.flatMap(([line, expected]) => {
    const found = unpinned(line)
    return found.join(" ") === expected.join(" ")
      ? []
      : [`${JSON.stringify(line)}: expected ${expected.join(", ")} refused, got ${found.join(", ") || "nothing"}`]
  }),
  ...mustPass.flatMap((line) => {
    const found = unpinned(line)
    return found.length === 0 ? [] : [`${JSON.stringify(line)}: expected to pass, refused ${found.join(", ")}`]
  })
]
