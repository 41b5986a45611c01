/**
 * @since 0.1.0
 */

/**
 * The Generations resource: `getGeneration` and `listGenerationContent`.
 *
 * @since 0.1.0
 */
export * as Generations from "./Generations.js"

/**
 * The configuration service and its layers.
 *
 * @since 0.1.0
 */
export * as ModelGatesConfig from "./ModelGatesConfig.js"

/**
 * The tagged errors and the per-operation unions.
 *
 * @since 0.1.0
 */
export * as ModelGatesError from "./ModelGatesError.js"

/**
 * The Schema models of the API's bodies.
 *
 * @since 0.1.0
 */
export * as Models from "./Models.js"

/**
 * Retry policies as `Schedule` values.
 *
 * @since 0.1.0
 */
export * as RetryPolicy from "./RetryPolicy.js"

/**
 * Cost and usage reports over generations: exact totals, token counts,
 * latency percentiles, breakdowns by model, provider, app, user and day.
 *
 * @since 0.1.0
 */
export * as Usage from "./Usage.js"
