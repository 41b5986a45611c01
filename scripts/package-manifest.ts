/**
 * What every published package.json of the repository carries over from the
 * package's own (scripts/build.ts, simulator/scripts/build.ts,
 * cli/scripts/build.ts), and the files an `exports` map names (for the
 * check:package scripts).
 */

/** The fields of a package.json that describe the package. */
export interface Description {
  readonly name: string
  readonly version: string
  readonly description?: string | undefined
  readonly license?: string | undefined
  readonly keywords?: ReadonlyArray<string> | undefined
  readonly repository?: unknown
  readonly homepage?: string | undefined
  readonly bugs?: unknown
}

/** The describing fields of a manifest, in the order npm shows them. */
export const describing = (manifest: Description): Description => ({
  name: manifest.name,
  version: manifest.version,
  description: manifest.description,
  license: manifest.license,
  keywords: manifest.keywords,
  repository: manifest.repository,
  homepage: manifest.homepage,
  bugs: manifest.bugs
})

/** Every file an `exports` target names. */
export const exportTargets = (target: unknown): Array<string> =>
  typeof target === "string"
    ? [target]
    : target !== null && typeof target === "object"
    ? Object.values(target).flatMap(exportTargets)
    : []
