/**
 * The Effect 4 children of `npm run bench` (issue 19): whether they can run
 * here, and their build. They run on a pinned Node 24 (effect 4's undici
 * layer needs Node >= 22.19) and import effect 4 from the effect4 workspace's
 * `node_modules`, where npm puts it beside the root's effect 3.
 */
import * as esbuild from "esbuild"
import { existsSync, readFileSync } from "node:fs"
import { join, resolve } from "node:path"

export interface Effect4Setup {
  /** The effect4 workspace: its `node_modules` and its source. */
  readonly dir: string
  /** The Node 24 binary the Effect 4 rows run on. */
  readonly node: string
}

/** Why the Effect 4 rows cannot run here, or `undefined` when they can. */
export const effect4Missing = ({ dir, node }: Effect4Setup): string | undefined => {
  if (!existsSync(node)) return `no Node 24 at ${node}`
  const manifest = join(dir, "node_modules", "effect", "package.json")
  if (!existsSync(manifest)) return `no effect in ${join(dir, "node_modules")} (is effect4/ installed?)`
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { readonly version: string }
  return version.startsWith("4.") ? undefined : `effect ${version} in ${join(dir, "node_modules")}, not 4.x`
}

/**
 * The entry of `@modelgates/effect4`'s source: its package.json's `exports["."]`
 * when that names a file, else `src/index.ts`; `undefined` when there is none.
 */
export const sdk4Entry = (dir: string): string | undefined => {
  const manifestPath = join(dir, "package.json")
  const manifest = existsSync(manifestPath)
    ? JSON.parse(readFileSync(manifestPath, "utf8")) as { readonly exports?: Record<string, unknown> }
    : {}
  const dot = manifest.exports?.["."]
  const candidates = [typeof dot === "string" ? dot : undefined, "./src/index.ts"]
  return candidates.map((path) => (path === undefined ? undefined : resolve(dir, path))).find((path) =>
    path !== undefined && existsSync(path) && path.endsWith(".ts")
  )
}

/**
 * Resolves effect 4 for the children: `effect` and `@effect/*` from the
 * workspace (left external, at their absolute path, so they load from there
 * and not from the root's effect 3), `@modelgates/effect4` to its source
 * (bundled in) or to an empty module, `./callDecoder.js` of `effect4/decode.ts`
 * to the SDK's call decoder when there is one, and any other package external.
 */
const effect4Resolution = (dir: string): esbuild.Plugin => ({
  name: "effect4-resolution",
  setup(build) {
    const sdk = sdk4Entry(dir)
    build.onResolve(
      { filter: /^@modelgates\/effect4$/ },
      () => sdk === undefined ? { path: "@modelgates/effect4", namespace: "sdk4-missing" } : { path: sdk }
    )
    build.onLoad({ filter: /.*/, namespace: "sdk4-missing" }, () => ({ contents: "export {}", loader: "js" }))
    const callDecoder = join(dir, "src", "internal", "decoder.ts")
    build.onResolve(
      { filter: /^\.\/callDecoder\.js$/ },
      (args) =>
        existsSync(callDecoder) && args.importer.endsWith(join("effect4", "decode.ts"))
          ? { path: callDecoder }
          : undefined
    )
    build.onResolve({ filter: /^(effect|@effect\/[^/]+)(\/.*)?$/ }, async (args) => {
      if ((args.pluginData as { readonly inner?: boolean } | undefined)?.inner === true) return undefined
      const found = await build.resolve(args.path, { kind: args.kind, resolveDir: dir, pluginData: { inner: true } })
      if (found.errors.length > 0) return { errors: found.errors }
      return { path: found.path, external: true }
    })
    build.onResolve(
      { filter: /^[^./]/ },
      (args) =>
        (args.pluginData as { readonly inner?: boolean } | undefined)?.inner === true
          ? undefined
          : { path: args.path, external: true }
    )
  }
})

/** Builds the entries of `bench/effect4/` named in `names` into `outdir`, as `<name>.mjs`. */
export const buildEffect4Entries = async (
  benchDir: string,
  outdir: string,
  dir: string,
  names: ReadonlyArray<string>
): Promise<void> => {
  await esbuild.build({
    entryPoints: names.map((name) => ({ in: join(benchDir, "effect4", `${name}.ts`), out: name })),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [effect4Resolution(dir)]
  })
}

/** Builds `effect4/client.ts` and `effect4/decode.ts` into `outdir`. */
export const buildEffect4Children = (benchDir: string, outdir: string, dir: string): Promise<void> =>
  buildEffect4Entries(benchDir, outdir, dir, ["client", "decode"])
