/**
 * Checks shared by the configuration and the per-call input: small, pure and
 * free of the request pipeline, so the config module does not load it.
 */

/**
 * Describes the first character that cannot stand in an HTTP header value
 * (a control character, or one outside ISO-8859-1), or `undefined`.
 */
export const headerValueProblem = (value: string): string | undefined => {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) {
      return `U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${i}`
    }
    if (code > 0xff) {
      return `U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${i}, outside ISO-8859-1`
    }
  }
  return undefined
}
