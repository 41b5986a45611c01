/**
 * What makes a configuration usable, whichever Effect line reads it: the
 * default base URL and the checks of each option. Each check answers with the
 * valid value or what is wrong with it, in words that do not repeat the
 * option's name (the line's config error names the option, or the
 * environment variable, once). No message ever includes the key.
 */
import { headerValueProblem } from "./Validation.js"

/** The production API, version path included. */
export const defaultBaseUrl = "https://modelgates.ai/api/v1"

/** A checked value, or the problem with it. */
export type Checked<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly problem: string }

const valid = <A>(value: A): Checked<A> => ({ ok: true, value })
const invalid = (problem: string): Checked<never> => ({ ok: false, problem })

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname)

/** A base URL: absolute http(s), without credentials, query or fragment. */
export const checkBaseUrl = (input: string): Checked<URL> => {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return invalid(`must be an absolute http(s) URL, got ${JSON.stringify(input)}`)
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return invalid(`must use https (or http on loopback), got ${url.protocol}`)
  }
  if (url.username !== "" || url.password !== "") {
    return invalid("must not carry credentials; give the API key as apiKey")
  }
  if (url.search !== "" || url.hash !== "") return invalid("must not have a query or a fragment")
  return valid(url)
}

/** The base URL as the SDK uses it (no trailing slash), unless it is plain http off loopback and not allowed. */
export const checkSecure = (url: URL, allowInsecureHttp: boolean): Checked<string> =>
  url.protocol === "http:" && !allowInsecureHttp && !isLoopback(url.hostname)
    ? invalid(
      `${url.origin} is plain http on a host that is not loopback: the API key would travel in clear text. ` +
        "Use https, or set allowInsecureHttp: true if you really mean it"
    )
    : valid(url.origin + url.pathname.replace(/\/+$/, ""))

/** An optional header value of the configuration. */
export const checkHeaderValue = (value: string | undefined): Checked<string | undefined> => {
  const found = value === undefined ? undefined : headerValueProblem(value)
  return found === undefined ? valid(value) : invalid(`contains a character an HTTP header cannot carry (${found})`)
}

/** The problem with an API key, read from its `Redacted` only for this check, or `undefined`. */
export const apiKeyProblem = (key: string): string | undefined => {
  if (key.trim() === "") return "is empty"
  if (headerValueProblem(key) !== undefined || /\s/.test(key)) {
    return "contains whitespace or a control character; check how it was read"
  }
  return undefined
}

/** The problem of a timeout that is not a positive duration. */
export const timeoutProblem = "must be a positive duration"

/** The variables `layerConfig` reads by default, by option. */
export const variables = {
  apiKey: "MODELGATES_API_KEY",
  baseUrl: "MODELGATES_BASE_URL",
  httpReferer: "MODELGATES_HTTP_REFERER",
  appTitle: "MODELGATES_APP_TITLE",
  appCategories: "MODELGATES_APP_CATEGORIES"
} as const
