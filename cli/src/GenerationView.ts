/**
 * One generation as a person reads it on a terminal: what it cost and how it
 * ran (`modelgates get`), and what went in and came out (`modelgates
 * content`). A field the API did not record reads "not recorded", never 0.
 */
import type * as Models from "@modelgates/effect/Models"
import * as DateTime from "effect/DateTime"
import * as Display from "./Display.js"

const notRecorded = "not recorded"

const orNotRecorded = <A>(value: A | null, show: (value: A) => string): string =>
  value === null ? notRecorded : show(value)

const yesNo = (value: boolean | null): string => value === null ? notRecorded : value ? "yes" : "no"

const attempt = (response: Models.ProviderResponse): string => {
  const status = response.status === null ? "no answer" : String(response.status)
  const latency = response.latency === undefined ? "" : `, ${Display.millis(response.latency)}`
  return `${response.providerName ?? "unknown provider"} (${status}${latency})`
}

const fallbacks = (responses: ReadonlyArray<Models.ProviderResponse> | null): string => {
  if (responses === null) return notRecorded
  if (responses.length <= 1) return "none"
  return `${responses.length - 1}: ${responses.map(attempt).join(" → ")}`
}

const cost = (data: Models.GenerationData): string => {
  const parts = [data.usage === data.totalCost ? undefined : `usage ${Display.dollars(data.usage)}`]
  if (data.cacheDiscount !== null) parts.push(`cache discount ${Display.dollars(data.cacheDiscount)}`)
  if (data.upstreamInferenceCost !== null) {
    parts.push(`upstream ${Display.dollars(data.upstreamInferenceCost)}${data.isByok ? " on your own key (BYOK)" : ""}`)
  } else if (data.isByok) {
    parts.push("BYOK, upstream cost not recorded")
  }
  const extra = parts.filter((part) => part !== undefined)
  return `${Display.dollars(data.totalCost)}${extra.length === 0 ? "" : ` (${extra.join(", ")})`}`
}

const count = (value: number | null): string => orNotRecorded(value, Display.count)

const nativeTokens = (data: Models.GenerationData): string => {
  const prompt = data.nativeTokensCached === null
    ? count(data.nativeTokensPrompt)
    : `${count(data.nativeTokensPrompt)} (${Display.count(data.nativeTokensCached)} cached)`
  const completion = data.nativeTokensReasoning === null
    ? count(data.nativeTokensCompletion)
    : `${count(data.nativeTokensCompletion)} (${Display.count(data.nativeTokensReasoning)} reasoning)`
  return `${prompt} prompt · ${completion} completion`
}

const latency = (data: Models.GenerationData): string => {
  const parts: Array<string> = []
  if (data.generationTime !== null) parts.push(`generation ${Display.millis(data.generationTime)}`)
  if (data.moderationLatency !== null) parts.push(`moderation ${Display.millis(data.moderationLatency)}`)
  return `${orNotRecorded(data.latency, Display.millis)}${parts.length === 0 ? "" : ` (${parts.join(", ")})`}`
}

/**
 * What `modelgates get` prints: cost, tokens, latency, provider, fallbacks
 * and where the generation came from.
 *
 * @since 0.1.0
 * @category rendering
 */
export const generation = (data: Models.GenerationData): string => {
  const pairs: Array<readonly [string, string]> = [
    ["model", data.model],
    ["provider", data.providerName ?? notRecorded],
    ["created", Display.instant(DateTime.formatIso(data.createdAt))],
    ["cost", cost(data)],
    ["tokens", `${count(data.tokensPrompt)} prompt · ${count(data.tokensCompletion)} completion`],
    ["native tokens", nativeTokens(data)],
    ["latency", latency(data)],
    ["fallbacks", fallbacks(data.providerResponses)],
    [
      "finish",
      `${data.finishReason ?? notRecorded}${
        data.nativeFinishReason === null ? "" : ` (native: ${data.nativeFinishReason})`
      }`
    ],
    ["streamed", yesNo(data.streamed)],
    ["cancelled", yesNo(data.cancelled)]
  ]
  const optional: ReadonlyArray<readonly [string, string | number | null]> = [
    ["api type", data.apiType],
    ["app", data.appId],
    ["user", data.externalUser],
    ["origin", data.origin === "" ? null : data.origin],
    ["service tier", data.serviceTier],
    ["data region", data.dataRegion],
    ["request", data.requestId ?? null],
    ["session", data.sessionId ?? null]
  ]
  for (const [label, value] of optional) {
    if (value !== null) pairs.push([label, String(value)])
  }
  return `${data.id}\n${Display.fields(pairs)}\n`
}

const section = (title: string, body: string): string => `── ${title} ──\n${body.replace(/\n*$/, "")}\n`

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

// A message's content is a string or a list of parts; text parts read as
// text, other parts by their type, anything else as JSON.
const messageContent = (content: unknown): string => {
  if (typeof content === "string") return content
  if (Array.isArray(content)) {
    return content.map((part) =>
      isRecord(part) && typeof part.text === "string"
        ? part.text
        : isRecord(part) && typeof part.type === "string"
        ? `[${part.type}]`
        : JSON.stringify(part)
    ).join("\n")
  }
  return JSON.stringify(content, null, 2)
}

const message = (value: unknown): string =>
  isRecord(value) && typeof value.role === "string"
    ? `[${value.role}] ${messageContent(value.content)}`
    : JSON.stringify(value, null, 2)

const storedError = (error: Models.GenerationContentError): string => {
  const line = (status: number | null, provider: string | null, text: string | null) =>
    `${status ?? "?"} ${provider ?? "unknown provider"}: ${text ?? "(no message)"}`
  return [
    line(error.status, error.providerName, error.message),
    ...error.previousErrors.map((attempt) => `earlier: ${line(attempt.code, attempt.providerName, attempt.message)}`)
  ].join("\n")
}

/**
 * What `modelgates content` prints: the prompt or the messages, the
 * reasoning, the completion and the stored error, each under a heading.
 *
 * @since 0.1.0
 * @category rendering
 */
export const content = (id: string, data: Models.GenerationContentData): string => {
  const sections = [
    "prompt" in data.input
      ? section("prompt", data.input.prompt)
      : section(`messages (${data.input.messages.length})`, data.input.messages.map(message).join("\n")),
    section("reasoning", data.output.reasoning ?? "(none stored)"),
    section("completion", data.output.completion ?? "(none stored)")
  ]
  if (data.error !== null) sections.push(section("error", storedError(data.error)))
  return `${id}\n${sections.join("")}`
}

/**
 * A decoded model as JSON: camelCase fields as the SDK names them, dates in
 * ISO 8601.
 *
 * @since 0.1.0
 * @category rendering
 */
export const json = (model: unknown): string => `${JSON.stringify(model, null, 2)}\n`
