/**
 * Stands in for the effect4 SDK's call decoder in `effect4/decode.ts`. When
 * the effect4 workspace has `src/internal/decoder.ts`, effect4Build.ts
 * resolves `./callDecoder.js` to that file instead, and `decode.ts` measures
 * its `GenerationResponseFromJson` (JSON text to models); this empty module
 * means "none".
 */
export {}
