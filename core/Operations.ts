/**
 * The operations of the API: where each one lives, what it answers with, and
 * which error each declared status maps to. Adding an endpoint starts here.
 */
import type { DeclaredStatus, StatusErrorTag } from "./Errors.js"
import { statusErrorTags } from "./Errors.js"

/** One operation of the API. */
export interface Operation<Declared extends DeclaredStatus = DeclaredStatus> {
  /** The SDK's name of it, as spans, metrics and messages say it. */
  readonly name: string
  readonly method: "GET"
  /** Under the base URL. */
  readonly path: string
  /** The query parameter that carries the request's id. */
  readonly idParam: string
  /** The name of its success body's model. */
  readonly model: string
  /** The statuses it declares; any other error status is the default error. */
  readonly declared: ReadonlyArray<Declared>
}

const operation = <const Declared extends DeclaredStatus>(op: Operation<Declared>): Operation<Declared> => op

/** `GET /generation?id=…`: what a generation cost and how it ran. */
export const getGeneration = operation({
  name: "Generations.getGeneration",
  method: "GET",
  path: "/generation",
  idParam: "id",
  model: "GenerationResponse",
  declared: [401, 402, 404, 429, 500, 502, 524, 529]
})

/** `GET /generation/content?id=…`: what went in and came out of a generation. */
export const listGenerationContent = operation({
  name: "Generations.listGenerationContent",
  method: "GET",
  path: "/generation/content",
  idParam: "id",
  model: "GenerationContentResponse",
  declared: [401, 403, 404, 429, 500, 502, 524, 529]
})

/** The tags of the errors an operation's declared statuses map to. */
export type DeclaredErrorTag<O> = O extends Operation<infer Declared> ? typeof statusErrorTags[Declared] : never

/**
 * The tag of the error a status maps to for an operation: its declared
 * error, or `ModelGatesDefaultError`.
 */
export const errorTagOf = <Declared extends DeclaredStatus>(
  op: Operation<Declared>,
  status: number
): typeof statusErrorTags[Declared] | "ModelGatesDefaultError" =>
  (op.declared as ReadonlyArray<number>).includes(status)
    ? statusErrorTags[status as Declared]
    : "ModelGatesDefaultError"

export type { StatusErrorTag }

/** The app attribution headers every operation may send, by the SDK's option name. */
export const attributionHeaders = {
  httpReferer: "HTTP-Referer",
  appTitle: "X-OpenRouter-Title",
  appCategories: "X-OpenRouter-Categories"
} as const
