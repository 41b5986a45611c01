/**
 * What the retry policies choose, as plain data both lines' tests run
 * (Effect-free): a policy, a run of failures, and the waits it plans for
 * them, stepping the schedule by hand as if each wait had been taken. The
 * list of waits ends where the policy gives up.
 */

/** A failure handed to the policy. Durations are milliseconds. */
export type FailureSpec =
  | { readonly _tag: "Status"; readonly status: number; readonly retryAfter?: number }
  | { readonly _tag: "Connection" }
  | { readonly _tag: "Timeout" }
  | { readonly _tag: "InvalidRequest" }

/** `RetryPolicy.backoff`'s options, plain numbers as milliseconds in both lines. */
export interface BackoffSpec {
  readonly initialInterval?: number
  readonly exponent?: number
  readonly maxInterval?: number
  readonly maxRetries?: number
  readonly maxElapsedTime?: number
  readonly maxRetryAfter?: number
  readonly jitter?: boolean
  readonly retryConnectionErrors?: boolean
}

export type PolicySpec = "defaultPolicy" | "none" | { readonly backoff: BackoffSpec }

/** A planned wait: exactly this many milliseconds, or a jittered one, 80% to 120% of its nominal value. */
export type Wait = number | { readonly jittered: number }

export interface PolicyCase {
  readonly name: string
  readonly policy: PolicySpec
  readonly failures: ReadonlyArray<FailureSpec>
  readonly waits: ReadonlyArray<Wait>
}

const status = (code: number, retryAfter?: number): FailureSpec =>
  retryAfter === undefined ? { _tag: "Status", status: code } : { _tag: "Status", status: code, retryAfter }

const times = (n: number, failure: FailureSpec): ReadonlyArray<FailureSpec> => Array.from({ length: n }, () => failure)

/** The default backoff's nominal waits: from 500 ms, by 1.5. */
const nominal = [500, 750, 1125, 1687.5, 2531.25]

export const policyCases: ReadonlyArray<PolicyCase> = [
  {
    name: "defaultPolicy retries a retryable error 5 times, backing off from 500 ms by 1.5 with jitter",
    policy: "defaultPolicy",
    failures: times(20, status(500)),
    waits: nominal.map((jittered) => ({ jittered }))
  },
  ...[400, 401, 402, 403, 404, 418].map((code): PolicyCase => ({
    name: `defaultPolicy does not retry a ${code}`,
    policy: "defaultPolicy",
    failures: times(5, status(code)),
    waits: []
  })),
  ...[408, 429, 500, 502, 503, 504, 524, 529].map((code): PolicyCase => ({
    name: `defaultPolicy retries a ${code}`,
    policy: "defaultPolicy",
    failures: [status(code)],
    waits: [{ jittered: 500 }]
  })),
  {
    name: "defaultPolicy does not retry an invalid request",
    policy: "defaultPolicy",
    failures: [{ _tag: "InvalidRequest" }],
    waits: []
  },
  {
    name: "defaultPolicy retries a connection error and a timeout",
    policy: "defaultPolicy",
    failures: [{ _tag: "Connection" }, { _tag: "Timeout" }],
    waits: [{ jittered: 500 }, { jittered: 750 }]
  },
  {
    name: "defaultPolicy stops at the first error that is not worth retrying",
    policy: "defaultPolicy",
    failures: [status(500), status(502), status(401), status(500)],
    waits: [{ jittered: 500 }, { jittered: 750 }]
  },
  {
    name: "defaultPolicy honours Retry-After when it is longer than the backoff",
    policy: "defaultPolicy",
    failures: [status(429, 3000), status(429, 100)],
    waits: [3000, { jittered: 750 }]
  },
  {
    name: "defaultPolicy waits a Retry-After of 60 seconds",
    policy: "defaultPolicy",
    failures: [status(429, 60_000)],
    waits: [60_000]
  },
  ...[61_000, 3 * 3_600_000].map((retryAfter): PolicyCase => ({
    name: `defaultPolicy fails at once when the server asks to wait ${retryAfter / 1000} seconds`,
    policy: "defaultPolicy",
    failures: [status(429, retryAfter)],
    waits: []
  })),
  {
    name: "defaultPolicy never plans a wait that ends past 2 minutes",
    policy: "defaultPolicy",
    failures: times(5, status(429, 50_000)),
    waits: [50_000, 50_000]
  },
  { name: "none never retries", policy: "none", failures: times(3, status(500)), waits: [] },
  {
    name: "backoff takes the official clients' knobs, plain numbers as milliseconds",
    policy: { backoff: { initialInterval: 1000, exponent: 2, maxInterval: 5000, maxRetries: 4 } },
    failures: times(10, status(503)),
    waits: [{ jittered: 1000 }, { jittered: 2000 }, { jittered: 4000 }, 5000]
  },
  {
    name: "backoff honours a Retry-After up to maxRetryAfter, whatever maxInterval is",
    policy: { backoff: { maxRetryAfter: 10_000, maxInterval: 2000 } },
    failures: [status(429, 8000)],
    waits: [8000]
  },
  {
    name: "backoff fails at once on a Retry-After past maxRetryAfter",
    policy: { backoff: { maxRetryAfter: 10_000, maxInterval: 2000 } },
    failures: [status(429, 11_000)],
    waits: []
  },
  {
    name: "backoff: maxInterval does not cut a Retry-After",
    policy: { backoff: { maxInterval: 2000 } },
    failures: [status(429, 50_000)],
    waits: [50_000]
  },
  {
    name: "backoff with jitter: false plans the nominal waits",
    policy: { backoff: { jitter: false } },
    failures: times(10, status(500)),
    waits: nominal
  },
  {
    name: "backoff: a wait that would end past maxElapsedTime is not planned",
    policy: { backoff: { initialInterval: 4000, exponent: 1, jitter: false, maxElapsedTime: 11_999 } },
    failures: times(10, status(500)),
    waits: [4000, 4000]
  },
  {
    name: "backoff: the last wait may end at maxElapsedTime",
    policy: { backoff: { initialInterval: 4000, exponent: 1, jitter: false, maxElapsedTime: 12_000 } },
    failures: times(10, status(500)),
    waits: [4000, 4000, 4000]
  },
  ...(["Connection", "Timeout"] as const).map((_tag): PolicyCase => ({
    name: `backoff with retryConnectionErrors: false does not retry a ${_tag.toLowerCase()} error`,
    policy: { backoff: { retryConnectionErrors: false } },
    failures: [{ _tag }],
    waits: []
  })),
  {
    name: "backoff with retryConnectionErrors: false still retries a 500",
    policy: { backoff: { retryConnectionErrors: false } },
    failures: [status(500)],
    waits: [{ jittered: 500 }]
  }
]

/**
 * Why `actual` (the waits a policy planned) does not match `expected`, or
 * `undefined` when it does. Exact waits match to a microsecond.
 */
export const wrongWaits = (actual: ReadonlyArray<number>, expected: ReadonlyArray<Wait>): string | undefined => {
  if (actual.length !== expected.length) {
    return `planned ${actual.length} waits (${actual.join(", ")} ms), expected ${expected.length}`
  }
  for (let i = 0; i < actual.length; i++) {
    const want = expected[i]
    const got = actual[i]
    const ok = typeof want === "number"
      ? Math.abs(got - want) <= 1e-3
      : got >= want.jittered * 0.8 - 1e-6 && got <= want.jittered * 1.2 + 1e-6
    if (!ok) {
      return `wait ${i + 1} is ${got} ms, expected ${typeof want === "number" ? want : `${want.jittered} ± 20%`}`
    }
  }
  return undefined
}

/** A line's `RetryPolicy` module, as far as the table needs it. */
export interface PolicyModule<P> {
  readonly defaultPolicy: P
  readonly none: P
  readonly backoff: (options: BackoffSpec) => P
}

/** The policy a case names, from a line's `RetryPolicy` module. */
export const policyFrom = <P>(policy: PolicySpec, module: PolicyModule<P>): P =>
  policy === "defaultPolicy" ? module.defaultPolicy : policy === "none" ? module.none : module.backoff(policy.backoff)

/** How a line makes each kind of failure. */
export interface FailureMakers<E> {
  readonly status: (status: number, retryAfterMillis: number | undefined) => E
  readonly connection: () => E
  readonly timeout: () => E
  readonly invalidRequest: () => E
}

/** The failure a case names, made by a line's error classes. */
export const failureFrom = <E>(failure: FailureSpec, make: FailureMakers<E>): E => {
  switch (failure._tag) {
    case "Status":
      return make.status(failure.status, failure.retryAfter)
    case "Connection":
      return make.connection()
    case "Timeout":
      return make.timeout()
    case "InvalidRequest":
      return make.invalidRequest()
  }
}
