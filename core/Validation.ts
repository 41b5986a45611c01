/**
 * What the SDK checks before anything is sent: a generation id and the values
 * of the headers it writes. Each check answers the first problem as a sentence,
 * or `undefined`.
 */
import { describeCall } from "./Errors.js"

/** The longest id accepted: a real one is about 40 characters. */
export const maxIdLength = 1000

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** The first problem with a generation id. */
export const idProblem = (id: unknown): string | undefined => {
  if (typeof id !== "string") return `id must be a string, got ${typeof id}`
  if (id.length === 0) return "id is empty; pass the generation id (gen-…)"
  if (id.trim() === "") return "id is only whitespace; pass the generation id (gen-…)"
  if (id.length > maxIdLength) return `id is ${id.length} characters long; at most ${maxIdLength} are accepted`
  if (loneSurrogate.test(id)) return "id contains a lone UTF-16 surrogate and cannot be encoded"
  return undefined
}

const codePoint = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, "0")}`

/**
 * The first character that cannot stand in an HTTP header value (a control
 * character, or one outside ISO-8859-1).
 */
export const headerValueProblem = (value: string): string | undefined => {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return `${codePoint(code)} at index ${i}`
    if (code > 0xff) return `${codePoint(code)} at index ${i}, outside ISO-8859-1`
  }
  return undefined
}

/** A problem with a call's input: the offending field and the whole message. */
export interface RequestProblem {
  readonly field: string
  readonly message: string
}

/** The attribution headers a call may bring, by the name of its option. */
export const perCallHeaders = ["httpReferer", "appTitle", "appCategories"] as const

/**
 * The first problem with a call's id and attribution headers, or `undefined`.
 * The message names the call (`Generations.getGeneration("gen-1")`).
 */
export const requestProblem = (
  operation: string,
  input: {
    readonly id: string
    readonly httpReferer?: string | undefined
    readonly appTitle?: string | undefined
    readonly appCategories?: string | undefined
  }
): RequestProblem | undefined => {
  const problem = idProblem(input.id)
  if (problem !== undefined) return { field: "id", message: `${operation}: ${problem}` }
  for (const field of perCallHeaders) {
    const value = input[field]
    const found = value === undefined ? undefined : headerValueProblem(value)
    if (found !== undefined) {
      return {
        field,
        message: `${describeCall(operation, input.id)}: ${field} contains a character a header cannot carry (${found})`
      }
    }
  }
  return undefined
}
