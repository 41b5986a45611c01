/**
 * Stands in for the SDK's own call decoder in `decode.ts`. When the `src`
 * under test has `src/internal/decoder.ts` and a file of it imports that
 * decoder (so calls use it), run.ts's build resolves
 * `./callDecoder.js` to that file instead, and `decode.ts` measures its
 * `fast(Models.GenerationResponse)` beside the model; this empty module means
 * "none: calls decode with the model itself".
 */
export {}
