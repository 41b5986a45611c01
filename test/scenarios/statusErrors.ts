/**
 * The status scenarios both lines' tests run (Effect-free): each status, the
 * error it maps to on each operation, whether it is retryable, and the body
 * the API answers it with.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures")

/** status, the class on getGeneration, the class on listGenerationContent, retryable */
export const statusErrors: ReadonlyArray<readonly [number, string, string, boolean]> = [
  [401, "UnauthorizedResponseError", "UnauthorizedResponseError", false],
  [402, "PaymentRequiredResponseError", "ModelGatesDefaultError", false],
  [403, "ModelGatesDefaultError", "ForbiddenResponseError", false],
  [404, "NotFoundResponseError", "NotFoundResponseError", false],
  [408, "ModelGatesDefaultError", "ModelGatesDefaultError", true],
  [418, "ModelGatesDefaultError", "ModelGatesDefaultError", false],
  [429, "TooManyRequestsResponseError", "TooManyRequestsResponseError", true],
  [500, "InternalServerResponseError", "InternalServerResponseError", true],
  [502, "BadGatewayResponseError", "BadGatewayResponseError", true],
  [503, "ModelGatesDefaultError", "ModelGatesDefaultError", true],
  [504, "ModelGatesDefaultError", "ModelGatesDefaultError", true],
  [524, "EdgeNetworkTimeoutResponseError", "EdgeNetworkTimeoutResponseError", true],
  [529, "ProviderOverloadedResponseError", "ProviderOverloadedResponseError", true]
]

/** The body of a status: its fixture when the contract has one, else the JSON envelope. */
export const bodyFor = (status: number): string => {
  if (status === 524) return fs.readFileSync(path.join(fixtures, "error.524.html"), "utf8")
  if ([401, 402, 403, 404, 429, 500, 502, 529].includes(status)) {
    return fs.readFileSync(path.join(fixtures, `error.${status}.json`), "utf8")
  }
  return JSON.stringify({ error: { code: status, message: `Status ${status}` } })
}
