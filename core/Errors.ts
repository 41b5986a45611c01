/**
 * The SDK's errors as facts: their tags, which HTTP status each one stands
 * for, which are worth retrying, and the sentences their messages are made of.
 * Each Effect line turns these into its own tagged error classes.
 */

/** The error of each status the API declares, by status. */
export const statusErrorTags = {
  401: "UnauthorizedResponseError",
  402: "PaymentRequiredResponseError",
  403: "ForbiddenResponseError",
  404: "NotFoundResponseError",
  429: "TooManyRequestsResponseError",
  500: "InternalServerResponseError",
  502: "BadGatewayResponseError",
  524: "EdgeNetworkTimeoutResponseError",
  529: "ProviderOverloadedResponseError"
} as const

/** A status the API declares for some operation. */
export type DeclaredStatus = keyof typeof statusErrorTags

/** The tag of an error that came with a declared status. */
export type StatusErrorTag = typeof statusErrorTags[DeclaredStatus]

/** The error of a status an operation does not declare. */
export const defaultErrorTag = "ModelGatesDefaultError"

/** The failures that come without a status, shared by every operation. */
export const transportErrorTags = [
  "ConnectionError",
  "RequestTimeoutError",
  "ResponseValidationError",
  "InvalidRequestError"
] as const

/** Every tag of the SDK's errors. */
export const errorTags = [
  ...Object.values(statusErrorTags),
  defaultErrorTag,
  ...transportErrorTags,
  "GenerationNotReadyError"
] as const

/** Any tag of the SDK's errors. */
export type ErrorTag = typeof errorTags[number]

const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504, 524, 529])

/** Whether an HTTP status is worth retrying: 408, 429, 500, 502, 503, 504, 524 and 529. */
export const isRetryableStatus = (status: number): boolean => retryableStatuses.has(status)

/**
 * Whether an error is worth retrying: by its status when it has one;
 * otherwise a connection failure or a timeout is, and nothing else.
 */
export const isRetryable = (error: { readonly _tag: string; readonly status?: number | undefined }): boolean => {
  switch (error._tag) {
    case "ConnectionError":
    case "RequestTimeoutError":
      return true
    case "ResponseValidationError":
    case "InvalidRequestError":
    case "GenerationNotReadyError":
      return false
    default:
      return error.status !== undefined && isRetryableStatus(error.status)
  }
}

// -----------------------------------------------------------------------------
// messages
// -----------------------------------------------------------------------------

/** The most of a response body an error keeps. */
export const maxBodyInError = 10_000

/** A body as an error keeps it: cut at {@link maxBodyInError} characters. */
export const cutBody = (body: string): string => body.length > maxBodyInError ? body.slice(0, maxBodyInError) : body

const ellipsis = (text: string, max: number): string => text.length > max ? `${text.slice(0, max)}…` : text

/** How a message names the call: `Generations.getGeneration("gen-…")`. */
export const describeCall = (operation: string, id: string): string =>
  `${operation}(${JSON.stringify(ellipsis(id, 120))})`

/** The start of a body, for a message: quoted, whitespace folded, or "an empty body". */
export const quoteStart = (body: string): string => {
  const text = body.replace(/\s+/g, " ").trim()
  return text === "" ? "an empty body" : JSON.stringify(ellipsis(text, 200))
}

/**
 * The message of an error status: the API's own message from the JSON
 * envelope when there is one, else the start of the body.
 */
export const statusMessage = (call: string, status: number, body: string, apiMessage: string | undefined): string =>
  `${call}: ${apiMessage === undefined ? `HTTP ${status}, with ${quoteStart(body)}` : `${status} ${apiMessage}`}`

/** The message of a successful status whose body does not decode; `path` is in wire names. */
export const validationMessage = (
  call: string,
  status: number,
  model: string,
  path: string,
  detail: string
): string => {
  const prefix = `${call}: the ${status} response body`
  const said = ellipsis(detail, 300)
  return path === "" ? `${prefix} is not a ${model}: ${said}` : `${prefix} does not match ${model} at ${path}: ${said}`
}

/** The message of a request that got no complete response. */
export const connectionMessage = (
  call: string,
  method: string,
  url: string,
  phase: "request" | "body",
  cause: string
): string =>
  `${call}: ${method} ${url}: ${
    phase === "request" ? "the request failed before a response arrived" : "the response body could not be read"
  }${cause === "" ? "" : ` (${cause})`}`

/** The message of a request the HTTP client refused to build. */
export const refusedMessage = (call: string, reason: string, cause: string): string =>
  `${call}: the platform refused the request (${reason})${cause === "" ? "" : ` (${cause})`}`

/** The message of an attempt that ran past its timeout; `timeout` as the line formats durations. */
export const timeoutMessage = (call: string, timeout: string): string =>
  `${call}: no complete response within ${timeout}`

/** The message of a wait that ran out of budget; `elapsed` as the line formats durations. */
export const notReadyMessage = (id: string, attempts: number, elapsed: string): string =>
  `Generations.waitForGeneration(${JSON.stringify(id)}): still not found after ${attempts} ${
    attempts === 1 ? "lookup" : "lookups"
  } in ${elapsed}`

/**
 * What an error's causes say, outermost first, at most four deep:
 * `fetch failed: connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)`.
 */
export const describeCause = (cause: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = cause
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = "code" in current && typeof current.code === "string" ? ` (${current.code})` : ""
    if (current.message !== "" || code !== "") parts.push(`${current.message}${code}`)
    current = current.cause
  }
  return parts.join(": ")
}

/** Response headers that carry credentials: redacted in errors whatever else is. */
export const credentialHeaders: ReadonlyArray<string> = ["set-cookie", "x-api-key", "proxy-authorization"]
