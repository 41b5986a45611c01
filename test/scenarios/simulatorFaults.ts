/**
 * The scripted faults both lines' loopback tests run against the simulator's
 * server (Effect-free): each fault sequence, the setup it runs with, the
 * error tag or success it ends in, the attempts it takes and what the server
 * saw become of each request. A line passes its `ModelGatesSimulator`
 * module, whose fault constructors build its own faults.
 */

/** A duration both lines' `Duration` inputs read. */
type Millis = `${number} millis`

/** The fault constructors of a line's `ModelGatesSimulator` module, as this table uses them. */
export interface FaultMakers<F> {
  readonly errorResponse: (status: number, options?: { readonly headers?: Readonly<Record<string, string>> }) => F
  readonly edgePage: (status?: number) => F
  readonly respond: (status: number, options?: { readonly body?: string }) => F
  readonly deliver: (delivery: {
    readonly delay?: Millis
    readonly pause?: { readonly afterBytes: number; readonly duration: Millis }
    readonly stallAfter?: number
    readonly truncateAfter?: number
  }) => F
  readonly drop: (options?: { readonly delay?: Millis }) => F
}

/** How a case's SDK is set up: retries of the retryable errors, the timeout of each attempt. */
export interface FaultSetup {
  readonly retries?: number
  readonly timeout?: Millis
}

export interface FaultCase<F> {
  readonly name: string
  readonly faults: ReadonlyArray<F>
  readonly setup?: FaultSetup
  readonly expected: string
  readonly attempts: number
  /** What the server saw become of each request, when it matters. */
  readonly outcomes?: ReadonlyArray<"pending" | "complete" | "aborted" | "truncated" | "dropped">
  /** Milliseconds the call takes at the least (a timeout's, a pause's); upper bounds are the outcomes the server saw. */
  readonly atLeast?: number
}

export const faultCases = <F>(faults: FaultMakers<F>): ReadonlyArray<FaultCase<F>> => [
  {
    name: "500 twice, then the answer",
    faults: [faults.errorResponse(500), faults.errorResponse(500)],
    setup: { retries: 3 },
    expected: "Success",
    attempts: 3
  },
  {
    name: "502 without retries",
    faults: [faults.errorResponse(502)],
    expected: "BadGatewayResponseError",
    attempts: 1
  },
  {
    name: "529, then the answer",
    faults: [faults.errorResponse(529)],
    setup: { retries: 2 },
    expected: "Success",
    attempts: 2
  },
  {
    name: "402 is never retried",
    faults: [faults.errorResponse(402)],
    setup: { retries: 3 },
    expected: "PaymentRequiredResponseError",
    attempts: 1
  },
  {
    name: "429 with retry-after-ms, then the answer after the wait",
    faults: [faults.errorResponse(429, { headers: { "retry-after-ms": "150" } })],
    setup: { retries: 2 },
    expected: "Success",
    attempts: 2,
    atLeast: 150
  },
  {
    name: "429 asking for an hour fails at once",
    faults: [faults.errorResponse(429, { headers: { "retry-after": "3600" } })],
    setup: { retries: 3 },
    expected: "TooManyRequestsResponseError",
    attempts: 1
  },
  {
    name: "524 edge page every time",
    faults: [faults.edgePage(), faults.edgePage(), faults.edgePage()],
    setup: { retries: 2 },
    expected: "EdgeNetworkTimeoutResponseError",
    attempts: 3
  },
  {
    name: "503 HTML page from the edge",
    faults: [faults.edgePage(503)],
    expected: "ModelGatesDefaultError",
    attempts: 1
  },
  {
    name: "a 200 that is not JSON is not retried",
    faults: [faults.respond(200, { body: "<html>maintenance</html>" })],
    setup: { retries: 3 },
    expected: "ResponseValidationError",
    attempts: 1
  },
  {
    name: "headers late, within the timeout",
    faults: [faults.deliver({ delay: "60 millis" })],
    expected: "Success",
    attempts: 1,
    atLeast: 60
  },
  {
    name: "headers later than the timeout, every time",
    faults: [faults.deliver({ delay: "2000 millis" }), faults.deliver({ delay: "2000 millis" })],
    setup: { retries: 1, timeout: "60 millis" },
    expected: "RequestTimeoutError",
    attempts: 2,
    outcomes: ["aborted", "aborted"],
    atLeast: 120
  },
  {
    name: "headers later than the timeout, then in time on the retry",
    faults: [faults.deliver({ delay: "2000 millis" })],
    setup: { retries: 1, timeout: "60 millis" },
    expected: "Success",
    attempts: 2,
    outcomes: ["aborted", "complete"],
    atLeast: 60
  },
  {
    name: "body paused mid-way, then finished",
    faults: [faults.deliver({ pause: { afterBytes: 64, duration: "60 millis" } })],
    expected: "Success",
    attempts: 1,
    outcomes: ["complete"],
    atLeast: 60
  },
  {
    name: "body stalled past the timeout",
    faults: [faults.deliver({ stallAfter: 64 })],
    setup: { timeout: "80 millis" },
    expected: "RequestTimeoutError",
    attempts: 1,
    outcomes: ["aborted"]
  },
  {
    name: "body cut off",
    faults: [faults.deliver({ truncateAfter: 64 })],
    expected: "ConnectionError",
    attempts: 1,
    outcomes: ["truncated"]
  },
  {
    name: "body cut off once, then whole",
    faults: [faults.deliver({ truncateAfter: 64 })],
    setup: { retries: 1 },
    expected: "Success",
    attempts: 2,
    outcomes: ["truncated", "complete"]
  },
  {
    name: "connection dropped",
    faults: [faults.drop()],
    expected: "ConnectionError",
    attempts: 1,
    outcomes: ["dropped"]
  },
  {
    name: "connection dropped twice, then the answer",
    faults: [faults.drop(), faults.drop({ delay: "20 millis" })],
    setup: { retries: 2 },
    expected: "Success",
    attempts: 3,
    outcomes: ["dropped", "dropped", "complete"]
  }
]
