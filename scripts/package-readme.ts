/**
 * The README users get on npm: the repository's, without the parts that speak
 * to someone working in a clone (`npm ci && npm run demo`, developing the
 * package, links to files the tarball does not carry), which it marks with
 * `repository only` comments. Both packages' builds (scripts/build.ts,
 * cli/scripts/build.ts) write their README through it.
 */

const repositoryOnly = { start: "<!-- repository only: start -->", end: "<!-- repository only: end -->" }

/**
 * The README without its repository-only parts. `file` names it in the error
 * thrown for a marker that is not paired.
 */
export const packageReadme = (readme: string, file: string): string => {
  const kept: Array<string> = []
  let skipping = false
  readme.split("\n").forEach((line, index) => {
    const marker = line.trim()
    if (marker === repositoryOnly.start || marker === repositoryOnly.end) {
      if (skipping === (marker === repositoryOnly.start)) {
        throw new Error(`build: ${file}:${index + 1}: ${marker} is not paired`)
      }
      skipping = !skipping
      return
    }
    if (!skipping) kept.push(line)
  })
  if (skipping) throw new Error(`build: ${file}: ${repositoryOnly.start} is never closed`)
  return kept.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n"
}
