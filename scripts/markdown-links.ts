/**
 * The relative links of Markdown files, and whether they resolve among a set
 * of files: used by check-package.ts on the packed tarball, where a link to a
 * file that is not shipped is dead for every user.
 *
 * A link resolves when the file it names is in the set and, when it has a
 * fragment, that file (or the linking file itself, for `#fragment` alone) has
 * a heading with that anchor, as GitHub and npm make them, or an HTML element
 * with that `id` or `name`. Links inside code spans and fenced blocks are
 * code, not links. Absolute URLs (`https:`, `mailto:`, …) are not checked.
 */
import * as path from "node:path"

/** One link: where it is, and what it points to. */
export interface Link {
  readonly line: number
  readonly target: string
}

/** The lines of a Markdown text outside fenced code blocks, with their 1-based numbers. */
const proseLines = (text: string): Array<readonly [line: number, text: string]> => {
  const lines: Array<readonly [number, string]> = []
  let fence: string | undefined
  text.split(/\r?\n/).forEach((line, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
    if (fence === undefined && marker !== undefined) fence = marker
    else if (fence !== undefined && marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) {
      fence = undefined
    } else if (fence === undefined) lines.push([index + 1, line])
  })
  return lines
}

const captures = (text: string, pattern: RegExp): Array<string> =>
  [...text.matchAll(pattern)].flatMap((match) => match[1] === undefined ? [] : [match[1]])

/** `[text](target)` and `![alt](target)`, with an optional `<…>` around the target and a title after it. */
const inlineLink = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g
/** `[label]: target` */
const referenceDefinition = /^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/g
const htmlLink = /\s(?:href|src)="([^"]+)"/g

/** Every link of a Markdown text: inline links and images, reference definitions and HTML `href`/`src`. */
export const links = (text: string): Array<Link> =>
  proseLines(text).flatMap(([line, raw]) => {
    const prose = raw.replace(/`[^`]*`/g, "``")
    return [referenceDefinition, inlineLink, htmlLink].flatMap((pattern) => captures(prose, pattern))
      .map((target) => ({ line, target }))
  })

/** The anchor GitHub and npm give a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string): string =>
  heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-")

/** The anchors a Markdown text defines: one per heading (repeats numbered as GitHub does), and HTML ids and names. */
export const anchors = (text: string): ReadonlySet<string> => {
  const found = new Set<string>()
  const seen = new Map<string, number>()
  for (const [, prose] of proseLines(text)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(prose)?.[1]
    if (heading !== undefined) {
      const base = slug(heading)
      const count = seen.get(base) ?? 0
      seen.set(base, count + 1)
      found.add(count === 0 ? base : `${base}-${count}`)
    }
    for (const id of captures(prose, /\s(?:id|name)="([^"]+)"/g)) found.add(id)
  }
  return found
}

const isAbsolute = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")

/**
 * The relative links of the Markdown files among `files` (paths relative to
 * one root, with `/`) that do not resolve among them, as `file:line: target
 * (why)`. `read` gives a file's text.
 */
export const deadLinks = (files: ReadonlyArray<string>, read: (file: string) => string): Array<string> => {
  const shipped = new Set(files)
  const anchorsOf = new Map<string, ReadonlySet<string>>()
  const anchorsIn = (file: string) => {
    const known = anchorsOf.get(file) ?? anchors(read(file))
    anchorsOf.set(file, known)
    return known
  }
  return files.filter((file) => file.endsWith(".md")).flatMap((file) =>
    links(read(file)).flatMap(({ line, target }) => {
      if (isAbsolute(target)) return []
      const [pathPart = "", fragment] = target.split("#", 2)
      const resolved = pathPart === ""
        ? file
        : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(pathPart)))
      const dead = (why: string) => [`${file}:${line}: ${target} (${why})`]
      if (resolved.startsWith("../") || !shipped.has(resolved)) return dead(`${resolved} is not there`)
      if (fragment === undefined || fragment === "") return []
      if (!resolved.endsWith(".md")) return dead(`an anchor into ${resolved}, which is not Markdown`)
      return anchorsIn(resolved).has(decodeURIComponent(fragment)) ? [] : dead(`${resolved} has no #${fragment}`)
    })
  )
}
