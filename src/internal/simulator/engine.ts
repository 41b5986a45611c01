/**
 * The simulator itself, written once for both transports: a request comes in
 * as method, URL and headers; a `Reply` goes out, saying what to answer and
 * how to deliver it. `inMemory.ts` and `server.ts` only carry replies.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Models from "../../Models.js"
import type * as ModelGatesSimulator from "../../testing/ModelGatesSimulator.js"
import * as seed from "./seed.js"

// -----------------------------------------------------------------------------
// replies
// -----------------------------------------------------------------------------

/** How a response travels, resolved. */
export interface Timing {
  readonly delay: Duration.Duration
  readonly pause: Option.Option<{ readonly afterBytes: number; readonly duration: Duration.Duration }>
  readonly stallAfter: Option.Option<number>
  readonly truncateAfter: Option.Option<number>
}

/** A response to send: status, headers and body, and how to deliver them. */
export interface Respond {
  readonly _tag: "Respond"
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  readonly timing: Timing
}

/** What to send back for one request: a response, or a dropped connection. */
export type Reply = Respond | { readonly _tag: "Drop"; readonly delay: Duration.Duration }

/** A request as the simulator sees it; header names in lower case. */
export interface Incoming {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
}

/** The body was cut off on purpose. */
export class BodyCutOff extends Schema.TaggedError<BodyCutOff>()("BodyCutOff", {
  message: Schema.String
}) {}

const timingOf = (delivery: ModelGatesSimulator.Delivery): Timing => ({
  delay: Duration.decode(delivery.delay ?? 0),
  pause: Option.fromNullable(delivery.pause).pipe(
    Option.map((pause) => ({ afterBytes: pause.afterBytes, duration: Duration.decode(pause.duration) }))
  ),
  stallAfter: Option.fromNullable(delivery.stallAfter),
  truncateAfter: Option.fromNullable(delivery.truncateAfter)
})

const onTime = timingOf({})

/**
 * The body as it is delivered: paused, stalled or cut off as its timing says.
 * Both transports write exactly this stream.
 */
export const bodyStream = (reply: Respond): Stream.Stream<Uint8Array, BodyCutOff> => {
  const { body, timing } = reply
  const end = Option.match(timing.stallAfter, {
    onNone: () =>
      Option.match(timing.truncateAfter, {
        onNone: () => ({ upTo: body.length, then: Stream.empty }),
        onSome: (upTo) => ({
          upTo,
          then: Stream.fail(new BodyCutOff({ message: `body cut off after ${upTo} of ${body.length} bytes` }))
        })
      }),
    onSome: (upTo) => ({ upTo, then: Stream.never })
  })
  const upTo = Math.min(end.upTo, body.length)
  const sent = Option.match(timing.pause, {
    onNone: () => Stream.make(body.subarray(0, upTo)),
    onSome: (pause) => {
      const at = Math.min(pause.afterBytes, upTo)
      return Stream.make(body.subarray(0, at)).pipe(
        Stream.concat(Stream.execute(Effect.sleep(pause.duration))),
        Stream.concat(Stream.make(body.subarray(at, upTo)))
      )
    }
  })
  return Stream.concat(Stream.filter(sent, (chunk) => chunk.length > 0), end.then)
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

/** The API's error envelope for a status. */
export const errorEnvelope = (
  status: number,
  message?: string,
  metadata?: Readonly<Record<string, unknown>>,
  userId?: string
): Models.ErrorResponse =>
  new Models.ErrorResponse({
    error: new Models.ErrorResponseData({
      code: status,
      message: message ?? defaultMessages[status] ?? `HTTP ${status}`,
      metadata: metadata ?? null
    }),
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

const encodeJson = <A, I>(schema: Schema.Schema<A, I>, value: A): Effect.Effect<Uint8Array> =>
  Schema.encode(Schema.parseJson(schema))(value).pipe(
    Effect.map((json) => encoder.encode(json)),
    Effect.orDie
  )

const encodeBody = (body: ModelGatesSimulator.Body): Effect.Effect<Uint8Array> => {
  if (typeof body === "string") return Effect.succeed(encoder.encode(body))
  if (body instanceof Uint8Array) return Effect.succeed(body)
  if (body instanceof Models.ErrorResponse) return encodeJson(Models.ErrorResponse, body)
  if (body instanceof Models.GenerationResponse) return encodeJson(Models.GenerationResponse, body)
  return encodeJson(Models.GenerationContentResponse, body)
}

const contentTypeOf = (body: ModelGatesSimulator.Body): string =>
  typeof body === "string" || body instanceof Uint8Array ? "text/plain; charset=utf-8" : "application/json"

interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: ModelGatesSimulator.Body
}

const answer = (
  status: number,
  body: ModelGatesSimulator.Body,
  headers: Readonly<Record<string, string>> = {}
): Answer => ({ status, body, headers })

const failWith = (status: number, message?: string, userId?: string, headers?: Readonly<Record<string, string>>) =>
  answer(status, errorEnvelope(status, message, undefined, userId), headers)

const toReply = (answer: Answer, timing: Timing): Effect.Effect<Respond> =>
  Effect.map(encodeBody(answer.body), (body) => ({
    _tag: "Respond",
    status: answer.status,
    headers: { "content-type": contentTypeOf(answer.body), ...lowerCaseKeys(answer.headers) },
    body,
    timing
  }))

const lowerCaseKeys = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))

// -----------------------------------------------------------------------------
// the simulator
// -----------------------------------------------------------------------------

interface Key {
  readonly secret: Redacted.Redacted<string>
  readonly admin: boolean
  readonly userId: string
}

/** The key accepted when none are configured. */
export const defaultApiKey = "sk-mg-simulator-admin"

const keysOf = (options: ModelGatesSimulator.Options): ReadonlyArray<Key> =>
  (options.keys ?? [{ key: defaultApiKey }]).map((entry, i) => {
    const given = typeof entry === "string" || Redacted.isRedacted(entry) ? { key: entry } : entry
    return {
      secret: typeof given.key === "string" ? Redacted.make(given.key) : given.key,
      admin: given.admin ?? true,
      userId: given.userId ?? `user_sim${i + 1}`
    }
  })

const credentialHeaders: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key"
])

const redact = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, credentialHeaders.has(name) ? "<redacted>" : value])
  )

interface Window {
  readonly start: number
  readonly count: number
}

interface Queues {
  readonly byId: ReadonlyMap<string, ReadonlyArray<ModelGatesSimulator.Fault>>
  readonly byPath: ReadonlyMap<string, ReadonlyArray<ModelGatesSimulator.Fault>>
}

/** A running simulator: its control, and the entry points of the transports. */
export interface Simulator {
  readonly control: ModelGatesSimulator.Service
  readonly basePath: string
  /**
   * Logs the request, consumes a fault if one waits, and decides the reply.
   * The simulator's own endpoint (`listingPath`) is not logged: its `seq` is -1.
   */
  readonly handle: (request: Incoming) => Effect.Effect<{ readonly seq: number; readonly reply: Reply }>
  /** Records what became of a logged request. */
  readonly settle: (seq: number, outcome: ModelGatesSimulator.Outcome) => Effect.Effect<void>
}

/** A storm in progress, resolved from its options. */
interface Storm {
  readonly share: number
  readonly seed: number
  readonly retryAfter: Option.Option<Duration.Duration>
  /** How many requests it lasts for, if it ends on a count. */
  readonly requests: Option.Option<number>
  /** The `Clock` time it ends at, if it ends on time. */
  readonly until: Option.Option<number>
  /** How many requests it has seen so far. */
  readonly seen: number
}

const invalidStorm = (message: string) => new Cause.IllegalArgumentException(`ModelGatesSimulator.storm: ${message}`)

const durationOption = (name: string, input: Duration.DurationInput | undefined) =>
  input === undefined
    ? Effect.succeed(Option.none<Duration.Duration>())
    : Option.match(Duration.decodeUnknown(input), {
      onNone: () => Effect.fail(invalidStorm(`cannot read ${name} ${JSON.stringify(String(input))} as a duration`)),
      onSome: (duration) => Effect.succeed(Option.some(duration))
    })

/** Checks a storm's options, and resolves them for a storm that starts at `now`. */
const resolveStorm = Effect.fnUntraced(function*(
  options: ModelGatesSimulator.StormOptions,
  defaults: { readonly seed: number; readonly now: number }
) {
  const share = options.share ?? 1
  if (!(share >= 0 && share <= 1)) return yield* invalidStorm(`share must be from 0 to 1, got ${share}`)
  const requests = Option.fromNullable(options.requests)
  if (Option.exists(requests, (n) => !Number.isSafeInteger(n) || n < 1)) {
    return yield* invalidStorm(`requests must be a whole number from 1, got ${options.requests}`)
  }
  const retryAfter = yield* durationOption("retryAfter", options.retryAfter)
  const duration = yield* durationOption("duration", options.duration)
  const storm: Storm = {
    share,
    seed: options.seed ?? defaults.seed,
    retryAfter,
    requests,
    until: Option.map(duration, (duration) => defaults.now + Duration.toMillis(duration)),
    seen: 0
  }
  return storm
})

/** The storm's 429, with its `Retry-After` in seconds (rounded up) and in milliseconds. */
const stormAnswer = (storm: Storm): Answer =>
  failWith(
    429,
    "Rate limit exceeded",
    undefined,
    Option.match(storm.retryAfter, {
      onNone: () => ({}),
      onSome: (wait) => ({
        "retry-after": String(Math.ceil(Duration.toMillis(wait) / 1000)),
        "retry-after-ms": String(Duration.toMillis(wait))
      })
    })
  )

/** What the simulator lists at `/__simulator/generations`. */
const Listing = Schema.Struct({
  data: Schema.Array(Schema.Struct({
    id: Schema.String,
    label: Schema.String,
    ready: Schema.Boolean,
    readyAt: Schema.propertySignature(Schema.DateTimeUtc).pipe(Schema.fromKey("ready_at")),
    contentStored: Schema.propertySignature(Schema.Boolean).pipe(Schema.fromKey("content_stored"))
  }))
})

/** Where the simulator lists its generations, on its origin (outside the API's base path). */
export const listingPath = "/__simulator/generations"

const take = (
  queues: ReadonlyMap<string, ReadonlyArray<ModelGatesSimulator.Fault>>,
  key: string | null
): readonly [ModelGatesSimulator.Fault | undefined, ReadonlyMap<string, ReadonlyArray<ModelGatesSimulator.Fault>>] => {
  const queue = key === null ? undefined : queues.get(key)
  if (key === null || queue === undefined || queue.length === 0) return [undefined, queues]
  return [queue[0], new Map(queues).set(key, queue.slice(1))]
}

const append = (
  queues: ReadonlyMap<string, ReadonlyArray<ModelGatesSimulator.Fault>>,
  key: string,
  faults: ReadonlyArray<ModelGatesSimulator.Fault>
) => new Map(queues).set(key, [...(queues.get(key) ?? []), ...faults])

/** Builds a simulator; its seeded generations are in place, the fresh one ready after `readyAfter`. */
export const make = Effect.fnUntraced(function*(options: ModelGatesSimulator.Options) {
  const seedValue = options.seed ?? 1
  const basePath = (options.basePath ?? "/api/v1").replace(/\/+$/, "")
  const readyAfter = Duration.decode(options.readyAfter ?? "2 seconds")
  const keys = keysOf(options)
  const rateLimit = options.rateLimit === undefined ? undefined : {
    requests: options.rateLimit.requests,
    window: Duration.toMillis(options.rateLimit.window)
  }

  const startedAt = yield* Clock.currentTimeMillis
  const past = yield* seed.seeded(seedValue, options.generations ?? 12)
  const justFinished = yield* seed.fresh(seedValue, 0, startedAt)
  const stored = (generated: seed.Generated, readyAt: number): ModelGatesSimulator.StoredGeneration => ({
    ...generated,
    id: generated.data.id,
    readyAt
  })
  const store = yield* Ref.make<ReadonlyMap<string, ModelGatesSimulator.StoredGeneration>>(
    new Map(
      [
        ...past.map((generated) => stored(generated, 0)),
        stored(justFinished, startedAt + Duration.toMillis(readyAfter))
      ]
        .map((generation) => [generation.id, generation])
    )
  )
  const added = yield* Ref.make(1)
  const storm = yield* Ref.make(Option.none<Storm>())
  const queues = yield* Ref.make<Queues>({ byId: new Map(), byPath: new Map() })
  // By arrival number, in arrival order: appending and updating an entry
  // cost the same however long the log has grown (tests send 10,000 requests).
  const log = new Map<number, ModelGatesSimulator.LoggedRequest>()
  const arrivals = yield* Ref.make(0)
  const windows = yield* Ref.make<ReadonlyMap<string, Window>>(new Map())

  const updateEntry = (
    seq: number,
    f: (entry: ModelGatesSimulator.LoggedRequest) => ModelGatesSimulator.LoggedRequest
  ) =>
    Effect.sync(() => {
      const entry = log.get(seq)
      if (entry !== undefined) log.set(seq, f(entry))
    })

  const add = Effect.fn("ModelGatesSimulator.add")(function*(addOptions: ModelGatesSimulator.AddOptions = {}) {
    const now = yield* Clock.currentTimeMillis
    const n = yield* Ref.getAndUpdate(added, (n) => n + 1)
    const generated = yield* seed.fresh(seedValue, n, now)
    const data = new Models.GenerationData({
      ...generated.data,
      ...addOptions.data,
      ...(addOptions.id === undefined ? {} : { id: addOptions.id })
    })
    const stored: ModelGatesSimulator.StoredGeneration = {
      id: data.id,
      label: addOptions.label ?? "added",
      data,
      content: addOptions.content === undefined ? generated.content : addOptions.content,
      readyAt: now + Duration.toMillis(addOptions.readyAfter ?? readyAfter)
    }
    yield* Ref.update(store, (store) => new Map(store).set(stored.id, stored))
    return stored
  })

  const remove = Effect.fn("ModelGatesSimulator.remove")(function*(id: string) {
    return yield* Ref.modify(store, (store) => {
      if (!store.has(id)) return [false, store]
      const next = new Map(store)
      next.delete(id)
      return [true, next]
    })
  })

  const script = Effect.fn("ModelGatesSimulator.script")(
    function*(target: ModelGatesSimulator.Target, ...faults: ReadonlyArray<ModelGatesSimulator.Fault>) {
      yield* Ref.update(queues, (queues) =>
        "id" in target
          ? { ...queues, byId: append(queues.byId, target.id, faults) }
          : { ...queues, byPath: append(queues.byPath, target.path, faults) })
    }
  )

  const takeFault = (id: string | null, path: string | null) =>
    Ref.modify(queues, (queues): readonly [ModelGatesSimulator.Fault | undefined, Queues] => {
      const [byId, restById] = take(queues.byId, id)
      if (byId !== undefined) return [byId, { ...queues, byId: restById }]
      const [byPath, restByPath] = take(queues.byPath, path)
      return [byPath, { ...queues, byPath: restByPath }]
    })

  const authenticate = (authorization: string | undefined): Key | undefined => {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    return match === null ? undefined : keys.find((key) => Redacted.value(key.secret) === match[1])
  }

  /** Counts the request in its key's window; the wait left when over the limit. */
  const overLimit = (key: Key, now: number) =>
    Ref.modify(windows, (windows): readonly [Option.Option<number>, ReadonlyMap<string, Window>] => {
      if (rateLimit === undefined) return [Option.none(), windows]
      const current = windows.get(key.userId)
      const window = current === undefined || now - current.start >= rateLimit.window
        ? { start: now, count: 1 }
        : { start: current.start, count: current.count + 1 }
      const wait = window.count > rateLimit.requests
        ? Option.some(window.start + rateLimit.window - now)
        : Option.none()
      return [wait, new Map(windows).set(key.userId, window)]
    })

  const rateLimited = (key: Key, wait: number, now: number): Answer => {
    if (rateLimit === undefined) return failWith(429)
    const limits = {
      "X-RateLimit-Limit": String(rateLimit.requests),
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String(now + wait)
    }
    return answer(
      429,
      errorEnvelope(429, `Rate limit exceeded: ${rateLimit.requests} requests per ${rateLimit.window} ms`, {
        headers: limits
      }, key.userId),
      { ...limits, "retry-after": String(Math.max(1, Math.ceil(wait / 1000))), "retry-after-ms": String(wait) }
    )
  }

  const startStorm = Effect.fn("ModelGatesSimulator.storm")(function*(stormOptions: ModelGatesSimulator.StormOptions) {
    const now = yield* Clock.currentTimeMillis
    yield* Ref.set(storm, Option.some(yield* resolveStorm(stormOptions, { seed: seedValue, now })))
  })

  /** Counts a request of the API in the storm, if one is on; its 429 when the storm picks it. */
  const stormAnswers = (now: number) =>
    Effect.gen(function*() {
      const counted = yield* Ref.modify(storm, (current): readonly [Option.Option<Storm>, Option.Option<Storm>] => {
        if (Option.isNone(current)) return [current, current]
        const active = current.value
        const over = Option.exists(active.requests, (n) => active.seen >= n) ||
          Option.exists(active.until, (until) => now >= until)
        if (over) return [Option.none(), Option.none()]
        return [current, Option.some({ ...active, seen: active.seen + 1 })]
      })
      if (Option.isNone(counted)) return Option.none<Answer>()
      const active = counted.value
      // Drawn per request from a generator of its own, so the choice does not depend on how requests interleave.
      const picked = active.share >= 1 ||
        (yield* Random.next.pipe(
            Effect.withRandom(Random.make(`modelgates-simulator/${active.seed}/storm/${active.seen}`))
          )) < active.share
      return picked ? Option.some(stormAnswer(active)) : Option.none<Answer>()
    })

  const listing = Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    return {
      data: [...(yield* Ref.get(store)).values()].map((generation) => ({
        id: generation.id,
        label: generation.label,
        ready: now >= generation.readyAt,
        readyAt: DateTime.unsafeMake(generation.readyAt),
        contentStored: generation.content !== null
      }))
    }
  })

  /** The simulator's own endpoint: not the API, so not logged, faulted, limited or authenticated. */
  const listGenerations = Effect.fnUntraced(function*(request: Incoming) {
    if (request.method !== "GET") return yield* toReply(failWith(405, undefined, undefined, { allow: "GET" }), onTime)
    const body = yield* encodeJson(Listing, yield* listing)
    return yield* toReply(answer(200, body, { "content-type": "application/json" }), onTime)
  })

  const route = Effect.fnUntraced(function*(request: Incoming, path: string | null, id: string | null, now: number) {
    if (path !== "/generation" && path !== "/generation/content") return failWith(404, "Not Found")
    if (request.method !== "GET") return failWith(405, undefined, undefined, { allow: "GET" })
    const key = authenticate(request.headers["authorization"])
    if (key === undefined) {
      return failWith(401, request.headers["authorization"] === undefined ? undefined : "Invalid API key")
    }
    const wait = yield* overLimit(key, now)
    if (Option.isSome(wait)) return rateLimited(key, wait.value, now)
    if (id === null || id === "") return failWith(400, "Missing required query parameter: id", key.userId)
    if (path === "/generation/content" && !key.admin) return failWith(403, undefined, key.userId)
    const stored = (yield* Ref.get(store)).get(id)
    if (stored === undefined || now < stored.readyAt) return failWith(404)
    if (path === "/generation") return answer(200, new Models.GenerationResponse({ data: stored.data }))
    if (stored.content === null) {
      return failWith(404, "No stored content for this generation: input/output logging was off when it ran")
    }
    return answer(200, new Models.GenerationContentResponse({ data: stored.content }))
  })

  const handle = Effect.fnUntraced(function*(request: Incoming) {
    const now = yield* Clock.currentTimeMillis
    const pathname = request.url.pathname
    if (pathname === listingPath) return { seq: -1, reply: yield* listGenerations(request) }
    const path = pathname === basePath || pathname.startsWith(`${basePath}/`)
      ? pathname.slice(basePath.length)
      : null
    const id = request.url.searchParams.get("id")
    const seq = yield* Ref.getAndUpdate(arrivals, (n) => n + 1)
    yield* Effect.sync(() => {
      const entry: ModelGatesSimulator.LoggedRequest = {
        seq,
        at: now,
        method: request.method,
        path: pathname,
        query: Object.fromEntries(request.url.searchParams),
        headers: redact(request.headers),
        status: null,
        outcome: "pending"
      }
      log.set(seq, entry)
    })
    const fault = yield* takeFault(id, path)
    if (fault?._tag === "Drop") {
      return { seq, reply: { _tag: "Drop", delay: Duration.decode(fault.delay ?? 0) } satisfies Reply }
    }
    const stormy = fault === undefined && path !== null ? yield* stormAnswers(now) : Option.none<Answer>()
    const reply = fault?._tag === "Respond"
      ? yield* toReply(answer(fault.status, fault.body, fault.headers), timingOf(fault.delivery))
      : Option.isSome(stormy)
      ? yield* toReply(stormy.value, onTime)
      : yield* toReply(yield* route(request, path, id, now), fault === undefined ? onTime : timingOf(fault.delivery))
    yield* updateEntry(seq, (entry) => ({ ...entry, status: reply.status }))
    return { seq, reply }
  })

  const settle = (seq: number, outcome: ModelGatesSimulator.Outcome) =>
    updateEntry(seq, (entry) => entry.outcome === "pending" ? { ...entry, outcome } : entry)

  const service: ModelGatesSimulator.Service = {
    add,
    remove,
    generations: Effect.map(Ref.get(store), (store) => [...store.values()]),
    ids: Effect.map(Ref.get(store), (store) => [...store.keys()]),
    script,
    storm: startStorm,
    calm: Ref.set(storm, Option.none()),
    requests: Effect.sync(() => [...log.values()]),
    clearRequests: Effect.sync(() => log.clear())
  }
  const simulator: Simulator = { control: service, basePath, handle, settle }
  return simulator
})
