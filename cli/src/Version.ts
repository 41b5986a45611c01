/**
 * The version of the command, from its package.json (inlined into the
 * published build).
 */
import manifest from "../package.json" with { type: "json" }

/**
 * @since 0.1.0
 * @category constants
 */
export const version: string = manifest.version
