/**
 * `@modelgates/simulator`: a local ModelGates Generations API, for tests and
 * demos of any client. {@link Engine} answers requests without a transport
 * (in memory, in a browser too); {@link Server} serves it over HTTP on
 * loopback (Node only).
 */
export * as Engine from "./Engine.js"
export * as Server from "./Server.js"
