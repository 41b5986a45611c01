/**
 * The esbuild plugin that points a bench file's imports of `../src/…` at
 * another copy of `src` (a patched one in /tmp), so that copies can be
 * measured side by side in one run.
 */
import * as esbuild from "esbuild"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const benchDir = dirname(fileURLToPath(import.meta.url))
export const rootDir = resolve(benchDir, "..")

export const srcAlias = (srcDir: string): esbuild.Plugin => ({
  name: "src-alias",
  setup(build) {
    build.onResolve({ filter: /^(\.\.\/)+src\// }, (resolveArgs) => {
      if (!resolveArgs.importer.startsWith(benchDir)) return undefined
      const target = resolve(dirname(resolveArgs.importer), resolveArgs.path)
      const inSrc = relative(join(rootDir, "src"), target)
      return { path: join(srcDir, inSrc.replace(/\.js$/, ".ts")) }
    })
  }
})

/** Bundles one bench entry for Node into `outfile`, its `../src/…` imports taken from `srcDir`. */
export const bundleAgainst = async (entry: string, outfile: string, srcDir: string): Promise<string> => {
  await esbuild.build({
    entryPoints: [join(benchDir, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    plugins: [srcAlias(srcDir)]
  })
  return outfile
}
