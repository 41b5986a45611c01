/**
 * Test support, a separate entry point (`@modelgates/effect4/testing`) so that
 * production bundles do not carry it.
 *
 * @since 0.1.0
 */

/**
 * A local ModelGates: an in-memory `HttpClient` layer, or a real HTTP server
 * on loopback, that speaks the Generations API and fails on request.
 *
 * @since 0.1.0
 */
export * as ModelGatesSimulator from "./ModelGatesSimulator.js"
