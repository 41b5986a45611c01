/**
 * The simulator itself, with no transport: a request comes in as method, URL
 * and headers; a `Reply` goes out, saying what to answer and how to deliver
 * it. The HTTP server and any in-memory client only carry replies. Time is
 * read from the `now` a caller passes, else from the simulator's clock, so a
 * test clock can drive readiness, rate limits and storms.
 */
import * as Errors from "../../core/Errors.js"
import type * as Wire from "../../core/Wire.js"
import type { DurationInput } from "./Duration.js"
import * as Duration from "./Duration.js"
import * as Generations from "./Generations.js"
import * as Random from "./Random.js"

export type { WireObject } from "./Generations.js"
type WireObject = Generations.WireObject

/**
 * A model's value, in the SDK's field names, as its wire JSON (keys renamed,
 * date-times given as epoch milliseconds or ISO strings): for the adapter of
 * a client whose models do not encode to the wire themselves.
 */
export const toWire: (model: Wire.ModelName, value: { readonly [name: string]: unknown }) => WireObject =
  Generations.toWire

// -----------------------------------------------------------------------------
// options and models
// -----------------------------------------------------------------------------

/** An accepted API key. Admin keys may read stored content; other keys get 403 there. */
export interface KeyOptions {
  readonly key: string
  /** Default `true`. */
  readonly admin?: boolean | undefined
  /** The `user_id` of error envelopes answered to this key. Default `user_sim<n>`. */
  readonly userId?: string | undefined
}

/** A requests-per-window limit, counted per key in fixed windows. */
export interface RateLimitOptions {
  readonly requests: number
  readonly window: DurationInput
}

/** How a simulator behaves. Every option has a default. Durations: a bare number is seconds, or `500ms`, `2s`, … */
export interface Options {
  /** The seed of the generated store; the same seed gives the same generations. Default `1`. */
  readonly seed?: number | undefined
  /** How many past generations to seed, besides the one just finished. Default `12`. */
  readonly generations?: number | undefined
  /** The accepted keys. Default: {@link defaultApiKey} only, as an admin. */
  readonly keys?: ReadonlyArray<string | KeyOptions> | undefined
  /** How long a generation added "now" answers 404 before its record appears. Default 2 seconds. */
  readonly readyAfter?: DurationInput | undefined
  /** Off by default. */
  readonly rateLimit?: RateLimitOptions | undefined
  /** Where the API lives on the simulator's origin. Default `/api/v1`. */
  readonly basePath?: string | undefined
  /** The clock, in epoch milliseconds, when a call passes no time of its own. Default `Date.now`. */
  readonly now?: (() => number) | undefined
}

/** A generation the simulator knows, as wire JSON, and when (epoch milliseconds) its record appears. */
export interface StoredGeneration {
  readonly id: string
  /** What kind of generation it is: `fallback`, `failed`, `not-logged`, `fresh`, … */
  readonly label: string
  readonly data: WireObject
  /** The stored content; `null` when it was not logged. */
  readonly content: WireObject | null
  readonly readyAt: number
}

/** What {@link Simulator.add} accepts; anything not given is generated, like a generation just finished. */
export interface AddOptions {
  readonly id?: string | undefined
  readonly label?: string | undefined
  /** Wire fields over the generated metadata, or a function of the generated metadata. */
  readonly data?: WireObject | ((generated: WireObject) => WireObject) | undefined
  /** The stored content (wire JSON); `null` for a generation that was not logged. Default: generated. */
  readonly content?: WireObject | null | undefined
  /** Default: the simulator's `readyAfter`. */
  readonly readyAfter?: DurationInput | undefined
}

/** How a response travels. Without any of these a response is sent at once and whole. */
export interface Delivery {
  /** Wait this long before the status line and headers. */
  readonly delay?: DurationInput | undefined
  /** Send `afterBytes` of the body, wait `duration`, then send the rest. */
  readonly pause?: { readonly afterBytes: number; readonly duration: DurationInput } | undefined
  /** Send this many bytes of the body, then nothing more, leaving the connection open. */
  readonly stallAfter?: number | undefined
  /** Send this many bytes of the body, then close the connection (its length promised more). */
  readonly truncateAfter?: number | undefined
}

/** A body a fault answers with: text or bytes (sent as `text/plain`), or a JSON value (`application/json`). */
export type Body = string | Uint8Array | { readonly json: unknown }

/**
 * A scripted misbehaviour, consumed by one request: answer this instead
 * (`Respond`), give the real answer badly (`Deliver`), or close the
 * connection without answering (`Drop`).
 */
export type Fault =
  | {
    readonly _tag: "Respond"
    readonly status: number
    readonly body: Body
    readonly headers: Readonly<Record<string, string>>
    readonly delivery: Delivery
  }
  | { readonly _tag: "Deliver"; readonly delivery: Delivery }
  | { readonly _tag: "Drop"; readonly delay?: DurationInput | undefined }

/**
 * Which requests a fault waits for: every request for a generation id, or
 * every request to a path of the API below the base path. A request takes
 * the first fault queued for its id, else the first one queued for its path.
 */
export type Target = { readonly id: string } | { readonly path: string }

/**
 * A rate-limit storm: a share of all requests answered 429, until `requests`
 * requests or `duration` have passed, or {@link Simulator.calm}.
 */
export interface StormOptions {
  /** The wait each 429 asks for (`Retry-After` in whole seconds, rounded up, and `retry-after-ms`). */
  readonly retryAfter?: DurationInput | undefined
  readonly requests?: number | undefined
  readonly duration?: DurationInput | undefined
  /** From 0 to 1, default 1; which requests is drawn from `seed` and the request's place in the storm. */
  readonly share?: number | undefined
  /** Default: the simulator's seed. */
  readonly seed?: number | undefined
}

/** What became of a request. */
export type Outcome = "pending" | "complete" | "aborted" | "truncated" | "dropped"

/** One request as the simulator saw it; credentials in the headers read `<redacted>`. */
export interface LoggedRequest {
  /** Counts from 0 in arrival order. */
  readonly seq: number
  /** Arrival time, epoch milliseconds. */
  readonly at: number
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Readonly<Record<string, string>>
  /** The status answered, `null` before the answer or when the connection was dropped. */
  readonly status: number | null
  readonly outcome: Outcome
}

/** A request as the simulator sees it; header names in lower case. */
export interface Incoming {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
}

/** How a response travels, resolved; times in milliseconds. */
export interface Timing {
  readonly delay: number
  readonly pause: { readonly afterBytes: number; readonly duration: number } | undefined
  readonly stallAfter: number | undefined
  readonly truncateAfter: number | undefined
}

/** A response to send: status, headers and body, and how to deliver them. */
export interface Respond {
  readonly _tag: "Respond"
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  readonly timing: Timing
}

/** What to send back for one request: a response, or a dropped connection after `delay` milliseconds. */
export type Reply = Respond | { readonly _tag: "Drop"; readonly delay: number }

// -----------------------------------------------------------------------------
// durations
// -----------------------------------------------------------------------------

const millisOf = (name: string, input: DurationInput): number => {
  const millis = Duration.toMillis(input)
  if (millis === undefined) throw new RangeError(`cannot read ${name} ${JSON.stringify(String(input))} as a duration`)
  return millis
}

const timingOf = (delivery: Delivery): Timing => ({
  delay: millisOf("delay", delivery.delay ?? 0),
  pause: delivery.pause === undefined
    ? undefined
    : { afterBytes: delivery.pause.afterBytes, duration: millisOf("pause", delivery.pause.duration) },
  stallAfter: delivery.stallAfter,
  truncateAfter: delivery.truncateAfter
})

const onTime = timingOf({})

/**
 * The body as it is delivered: byte chunks and pauses (numbers, in
 * milliseconds), then how it ends: whole, stalled (nothing more, connection
 * left open) or truncated (connection closed). Every transport sends exactly
 * this.
 */
export interface BodyPlan {
  readonly parts: ReadonlyArray<Uint8Array | number>
  readonly end: "complete" | "stall" | "truncate"
}

/** The plan of a reply's body. */
export const bodyPlan = (reply: Respond): BodyPlan => {
  const { body, timing } = reply
  const end = timing.stallAfter !== undefined ? "stall" : timing.truncateAfter !== undefined ? "truncate" : "complete"
  const upTo = Math.min(timing.stallAfter ?? timing.truncateAfter ?? body.length, body.length)
  const at = timing.pause === undefined ? upTo : Math.min(timing.pause.afterBytes, upTo)
  const parts = timing.pause === undefined
    ? [body.subarray(0, upTo)]
    : [body.subarray(0, at), timing.pause.duration, body.subarray(at, upTo)]
  return { parts: parts.filter((part) => typeof part === "number" || part.length > 0), end }
}

// -----------------------------------------------------------------------------
// bodies
// -----------------------------------------------------------------------------

const defaultMessages: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "No auth credentials found",
  402: "Insufficient credits. Add more using https://modelgates.ai/credits",
  403: "Only organization admins can view stored content",
  404: "Generation not found",
  405: "Method not allowed",
  408: "Request timed out",
  429: "Rate limit exceeded",
  500: "Internal Server Error",
  502: "Provider returned error",
  503: "Service temporarily unavailable",
  504: "Gateway timeout",
  524: "Request timed out. Please try again later.",
  529: "Provider returned error"
}

/** The live service's message for an error status. */
export const defaultMessage = (status: number): string => defaultMessages[status] ?? `HTTP ${status}`

/** The API's error envelope for a status, as wire JSON. */
export const errorEnvelope = (
  status: number,
  message?: string,
  metadata?: Readonly<Record<string, unknown>>,
  userId?: string
): WireObject =>
  Generations.toWire("ErrorResponse", {
    error: { code: status, message: message ?? defaultMessage(status), metadata: metadata ?? null },
    userId: userId ?? null,
    modelgatesMetadata: null
  })

const edgeTitles: Readonly<Record<number, string>> = {
  502: "Bad gateway",
  503: "Service unavailable",
  504: "Gateway time-out",
  520: "Web server is returning an unknown error",
  522: "Connection timed out",
  524: "A timeout occurred"
}

/** The edge network's HTML error page, as in `error.524.html`. */
export const edgePageHtml = (status: number): string => {
  const title = edgeTitles[status] ?? "Something went wrong"
  return "<!DOCTYPE html>\n" +
    `<html><head><title>modelgates.ai | ${status}: ${title}</title></head>\n` +
    `<body><h1>${title}</h1><p>Error code ${status}</p>` +
    "<p>The origin web server timed out responding to this request.</p></body></html>\n"
}

const encoder = new TextEncoder()

const bytesOf = (body: Body): Uint8Array =>
  typeof body === "string" ? encoder.encode(body) : body instanceof Uint8Array ? body : encoder.encode(
    JSON.stringify(body.json)
  )

const contentTypeOf = (body: Body): string =>
  typeof body === "string" || body instanceof Uint8Array ? "text/plain; charset=utf-8" : "application/json"

interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Body
}

const answer = (status: number, body: Body, headers: Readonly<Record<string, string>> = {}): Answer => ({
  status,
  body,
  headers
})

const failWith = (status: number, message?: string, userId?: string, headers?: Readonly<Record<string, string>>) =>
  answer(status, { json: errorEnvelope(status, message, undefined, userId) }, headers)

const lowerCaseKeys = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))

const toReply = (answer: Answer, timing: Timing): Respond => ({
  _tag: "Respond",
  status: answer.status,
  headers: { "content-type": contentTypeOf(answer.body), ...lowerCaseKeys(answer.headers) },
  body: bytesOf(answer.body),
  timing
})

// -----------------------------------------------------------------------------
// faults
// -----------------------------------------------------------------------------

/** Answers with any status, body and headers. */
export const respond = (
  status: number,
  options: {
    readonly body?: Body | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly delivery?: Delivery | undefined
  } = {}
): Fault => ({
  _tag: "Respond",
  status,
  body: options.body ?? "",
  headers: options.headers ?? {},
  delivery: options.delivery ?? {}
})

/** Answers with the API's JSON error envelope, its `code` equal to the status. */
export const errorResponse = (
  status: number,
  options: {
    readonly message?: string | undefined
    readonly metadata?: Readonly<Record<string, unknown>> | undefined
    readonly userId?: string | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly delivery?: Delivery | undefined
  } = {}
): Fault =>
  respond(status, {
    body: { json: errorEnvelope(status, options.message, options.metadata, options.userId) },
    headers: options.headers,
    delivery: options.delivery
  })

/** Answers the way the edge network does when it gives up: an HTML page, no JSON envelope. Default 524. */
export const edgePage = (
  status = 524,
  options: {
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly delivery?: Delivery | undefined
  } = {}
): Fault =>
  respond(status, {
    body: edgePageHtml(status),
    headers: { "content-type": "text/html; charset=UTF-8", ...options.headers },
    delivery: options.delivery
  })

/** Gives the real answer, delivered as told: late, paused, stalled or cut off. */
export const deliver = (delivery: Delivery): Fault => ({ _tag: "Deliver", delivery })

/** Closes the connection without an answer, after an optional delay. */
export const drop = (options: { readonly delay?: DurationInput | undefined } = {}): Fault => ({
  _tag: "Drop",
  delay: options.delay
})

/** Redirects to `location`. Default status 307. */
export const redirect = (location: string, options: { readonly status?: number | undefined } = {}): Fault =>
  respond(options.status ?? 307, { headers: { location } })

// -----------------------------------------------------------------------------
// the simulator
// -----------------------------------------------------------------------------

/** The key accepted when none are configured: an admin's, so it may read stored content. */
export const defaultApiKey = "sk-mg-simulator-admin"

/** Where the simulator lists its generations, on its origin (outside the API's base path). */
export const listingPath = "/__simulator/generations"

interface Key {
  readonly secret: string
  readonly admin: boolean
  readonly userId: string
}

const keysOf = (options: Options): ReadonlyArray<Key> =>
  (options.keys ?? [defaultApiKey]).map((entry, i) => {
    const given = typeof entry === "string" ? { key: entry } : entry
    return { secret: given.key, admin: given.admin ?? true, userId: given.userId ?? `user_sim${i + 1}` }
  })

const credentialHeaders: ReadonlySet<string> = new Set(["authorization", "cookie", ...Errors.credentialHeaders])

const redact = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, credentialHeaders.has(name) ? "<redacted>" : value])
  )

interface Window {
  readonly start: number
  readonly count: number
}

/** A storm in progress, resolved from its options. */
interface Storm {
  readonly share: number
  readonly seed: number
  readonly retryAfter: number | undefined
  readonly requests: number | undefined
  /** The time it ends at, if it ends on time. */
  readonly until: number | undefined
  /** How many requests it has seen so far. */
  seen: number
}

const resolveStorm = (options: StormOptions, defaults: { readonly seed: number; readonly now: number }): Storm => {
  const share = options.share ?? 1
  if (!(share >= 0 && share <= 1)) throw new RangeError(`share must be from 0 to 1, got ${share}`)
  const requests = options.requests
  if (requests !== undefined && (!Number.isSafeInteger(requests) || requests < 1)) {
    throw new RangeError(`requests must be a whole number from 1, got ${requests}`)
  }
  const duration = options.duration === undefined ? undefined : millisOf("duration", options.duration)
  return {
    share,
    seed: options.seed ?? defaults.seed,
    retryAfter: options.retryAfter === undefined ? undefined : millisOf("retryAfter", options.retryAfter),
    requests,
    until: duration === undefined ? undefined : defaults.now + duration,
    seen: 0
  }
}

/** The storm's 429, with its `Retry-After` in seconds (rounded up) and in milliseconds. */
const stormAnswer = (storm: Storm): Answer =>
  failWith(
    429,
    "Rate limit exceeded",
    undefined,
    storm.retryAfter === undefined ? {} : {
      "retry-after": String(Math.ceil(storm.retryAfter / 1000)),
      "retry-after-ms": String(storm.retryAfter)
    }
  )

const enqueue = (queues: Map<string, Array<Fault>>, key: string, faults: ReadonlyArray<Fault>) =>
  queues.set(key, [...(queues.get(key) ?? []), ...faults])

/**
 * A running simulator: the store of generations, the faults and storm to
 * come, the request log, and `handle`, which answers one request.
 */
export class Simulator {
  readonly basePath: string
  readonly seed: number
  readonly readyAfter: number
  private readonly keys: ReadonlyArray<Key>
  readonly rateLimit: { readonly requests: number; readonly window: number } | undefined
  private readonly clock: () => number
  private readonly store = new Map<string, StoredGeneration>()
  private readonly byId = new Map<string, Array<Fault>>()
  private readonly byPath = new Map<string, Array<Fault>>()
  // By arrival number, in arrival order: appending and updating cost the same however long the log grows.
  private readonly log = new Map<number, LoggedRequest>()
  private readonly windows = new Map<string, Window>()
  private arrivals = 0
  private added = 1
  private storming: Storm | undefined = undefined

  constructor(options: Options = {}) {
    this.seed = options.seed ?? 1
    this.basePath = (options.basePath ?? "/api/v1").replace(/\/+$/, "")
    this.readyAfter = millisOf("readyAfter", options.readyAfter ?? 2)
    this.keys = keysOf(options)
    this.rateLimit = options.rateLimit === undefined ? undefined : {
      requests: options.rateLimit.requests,
      window: millisOf("rateLimit.window", options.rateLimit.window)
    }
    this.clock = options.now ?? Date.now
    const startedAt = this.clock()
    for (const generated of Generations.seeded(this.seed, options.generations ?? 12)) {
      this.put(generated, 0)
    }
    this.put(Generations.fresh(this.seed, 0, startedAt), startedAt + this.readyAfter)
  }

  private put(generated: Generations.Generated, readyAt: number, id?: string): StoredGeneration {
    const stored: StoredGeneration = {
      id: id ?? String(generated.data["id"]),
      label: generated.label,
      data: id === undefined ? generated.data : { ...generated.data, id },
      content: generated.content,
      readyAt
    }
    this.store.set(stored.id, stored)
    return stored
  }

  /** Adds a generation; it answers 404 until its `readyAfter` has passed, counted from `now`. */
  add(options: AddOptions = {}, now = this.clock()): StoredGeneration {
    const generated = Generations.fresh(this.seed, this.added++, now)
    const data = typeof options.data === "function"
      ? options.data(generated.data)
      : { ...generated.data, ...options.data }
    const readyAfter = options.readyAfter === undefined ? this.readyAfter : millisOf("readyAfter", options.readyAfter)
    return this.put(
      {
        label: options.label ?? "added",
        data,
        content: options.content === undefined ? generated.content : options.content
      },
      now + readyAfter,
      options.id ?? String(data["id"])
    )
  }

  /** Removes a generation; `false` when there was none with that id. */
  remove(id: string): boolean {
    return this.store.delete(id)
  }

  /** The generations in the store, in the order they were added, ready or not. */
  generations(): ReadonlyArray<StoredGeneration> {
    return [...this.store.values()]
  }

  /** The ids of {@link generations}, in the same order. */
  ids(): ReadonlyArray<string> {
    return [...this.store.keys()]
  }

  /**
   * Queues faults for the target, to be consumed one per request, in order.
   * Throws a `RangeError` for a duration it cannot read, rather than fail the request later.
   */
  script(target: Target, ...faults: ReadonlyArray<Fault>): void {
    for (const fault of faults) {
      if (fault._tag === "Drop") millisOf("delay", fault.delay ?? 0)
      else timingOf(fault.delivery)
    }
    if ("id" in target) enqueue(this.byId, target.id, faults)
    else enqueue(this.byPath, target.path, faults)
  }

  /** Starts a storm in place of any in progress; throws a `RangeError` when an option is out of range. */
  storm(options: StormOptions, now = this.clock()): void {
    this.storming = resolveStorm(options, { seed: this.seed, now })
  }

  /** Ends the storm in progress, if any. */
  calm(): void {
    this.storming = undefined
  }

  /** Every request received so far. */
  requests(): ReadonlyArray<LoggedRequest> {
    return [...this.log.values()]
  }

  /** Empties the request log. */
  clearRequests(): void {
    this.log.clear()
  }

  /**
   * Logs the request, consumes a fault if one waits, and decides the reply.
   * The simulator's own endpoint ({@link listingPath}) is not logged: its `seq` is -1.
   */
  handle(request: Incoming, now = this.clock()): { readonly seq: number; readonly reply: Reply } {
    const pathname = request.url.pathname
    if (pathname === listingPath) return { seq: -1, reply: this.listing(request, now) }
    const path = pathname === this.basePath || pathname.startsWith(`${this.basePath}/`)
      ? pathname.slice(this.basePath.length)
      : null
    const id = request.url.searchParams.get("id")
    const seq = this.arrivals++
    this.log.set(seq, {
      seq,
      at: now,
      method: request.method,
      path: pathname,
      query: Object.fromEntries(request.url.searchParams),
      headers: redact(request.headers),
      status: null,
      outcome: "pending"
    })
    const fault = this.takeFault(id, path)
    if (fault?._tag === "Drop") return { seq, reply: { _tag: "Drop", delay: millisOf("delay", fault.delay ?? 0) } }
    const stormy = fault === undefined && path !== null ? this.stormAnswer(now) : undefined
    const reply = fault?._tag === "Respond"
      ? toReply(answer(fault.status, fault.body, fault.headers), timingOf(fault.delivery))
      : stormy !== undefined
      ? toReply(stormy, onTime)
      : toReply(this.route(request, path, id, now), fault === undefined ? onTime : timingOf(fault.delivery))
    this.updateEntry(seq, (entry) => ({ ...entry, status: reply.status }))
    return { seq, reply }
  }

  /** Records what became of a logged request; the first outcome other than `pending` stays. */
  settle(seq: number, outcome: Outcome): void {
    this.updateEntry(seq, (entry) => entry.outcome === "pending" ? { ...entry, outcome } : entry)
  }

  private updateEntry(seq: number, f: (entry: LoggedRequest) => LoggedRequest): void {
    const entry = this.log.get(seq)
    if (entry !== undefined) this.log.set(seq, f(entry))
  }

  private takeFault(id: string | null, path: string | null): Fault | undefined {
    for (const [queues, key] of [[this.byId, id], [this.byPath, path]] as const) {
      const queue = key === null ? undefined : queues.get(key)
      if (queue !== undefined && queue.length > 0) return queue.shift()
    }
    return undefined
  }

  private authenticate(authorization: string | undefined): Key | undefined {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    return match === null ? undefined : this.keys.find((key) => key.secret === match[1])
  }

  /** Counts the request in its key's window; the wait left when over the limit. */
  private overLimit(key: Key, now: number): number | undefined {
    if (this.rateLimit === undefined) return undefined
    const current = this.windows.get(key.userId)
    const window = current === undefined || now - current.start >= this.rateLimit.window
      ? { start: now, count: 1 }
      : { start: current.start, count: current.count + 1 }
    this.windows.set(key.userId, window)
    return window.count > this.rateLimit.requests ? window.start + this.rateLimit.window - now : undefined
  }

  private rateLimited(key: Key, wait: number, now: number): Answer {
    if (this.rateLimit === undefined) return failWith(429)
    const limits = {
      "X-RateLimit-Limit": String(this.rateLimit.requests),
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String(now + wait)
    }
    const message = `Rate limit exceeded: ${this.rateLimit.requests} requests per ${this.rateLimit.window} ms`
    return answer(
      429,
      { json: errorEnvelope(429, message, { headers: limits }, key.userId) },
      { ...limits, "retry-after": String(Math.max(1, Math.ceil(wait / 1000))), "retry-after-ms": String(wait) }
    )
  }

  /** Counts a request of the API in the storm, if one is on; its 429 when the storm picks it. */
  private stormAnswer(now: number): Answer | undefined {
    const storm = this.storming
    if (storm === undefined) return undefined
    const over = (storm.requests !== undefined && storm.seen >= storm.requests) ||
      (storm.until !== undefined && now >= storm.until)
    if (over) {
      this.storming = undefined
      return undefined
    }
    storm.seen++
    // Drawn per request from a generator of its own, so the choice does not depend on how requests interleave.
    const picked = storm.share >= 1 ||
      Random.make(`modelgates-simulator/${storm.seed}/storm/${storm.seen}`).next() < storm.share
    return picked ? stormAnswer(storm) : undefined
  }

  /** The simulator's own endpoint: not the API, so not logged, faulted, limited or authenticated. */
  private listing(request: Incoming, now: number): Respond {
    if (request.method !== "GET") return toReply(failWith(405, undefined, undefined, { allow: "GET" }), onTime)
    const data = this.generations().map((generation) => ({
      id: generation.id,
      label: generation.label,
      ready: now >= generation.readyAt,
      ready_at: new Date(generation.readyAt).toISOString(),
      content_stored: generation.content !== null
    }))
    return toReply(answer(200, { json: { data } }), onTime)
  }

  private route(request: Incoming, path: string | null, id: string | null, now: number): Answer {
    if (path !== "/generation" && path !== "/generation/content") return failWith(404, "Not Found")
    if (request.method !== "GET") return failWith(405, undefined, undefined, { allow: "GET" })
    const authorization = request.headers["authorization"]
    const key = this.authenticate(authorization)
    if (key === undefined) return failWith(401, authorization === undefined ? undefined : "Invalid API key")
    const wait = this.overLimit(key, now)
    if (wait !== undefined) return this.rateLimited(key, wait, now)
    if (id === null || id === "") return failWith(400, "Missing required query parameter: id", key.userId)
    if (path === "/generation/content" && !key.admin) return failWith(403, undefined, key.userId)
    const stored = this.store.get(id)
    if (stored === undefined || now < stored.readyAt) return failWith(404)
    if (path === "/generation") return answer(200, { json: { data: stored.data } })
    if (stored.content === null) {
      return failWith(404, "No stored content for this generation: input/output logging was off when it ran")
    }
    return answer(200, { json: { data: stored.content } })
  }
}

/** Builds a simulator; its seeded generations are in place, the fresh one ready after `readyAfter`. */
export const make = (options: Options = {}): Simulator => new Simulator(options)
