/**
 * What a call records, by name: the SDK's metrics and the attributes of its
 * spans. Both Effect lines record the same names, so a dashboard built on one
 * reads the other. Never the key: only the operation, the generation id,
 * statuses, counts, error tags and what the generation itself says.
 */

/** The SDK's metrics: name, description and (for the histogram) its exponential boundaries. */
export const metrics = {
  requests: {
    name: "modelgates.client.requests",
    description: "ModelGates SDK calls, by operation and outcome (ok or the error's tag)"
  },
  duration: {
    name: "modelgates.client.duration",
    description: "ModelGates SDK call duration in milliseconds, retries included, by operation",
    boundaries: { start: 1, factor: 2, count: 18 }
  },
  retries: {
    name: "modelgates.client.retries",
    description: "ModelGates SDK retries (attempts after the first), by operation"
  }
} as const

/** The metrics' attributes (tags). */
export const metricAttributes = { operation: "operation", outcome: "outcome" } as const

/** The outcome of a call that succeeded; a failure's outcome is its error's tag, a defect's `Defect`. */
export const okOutcome = "ok"

/** The outcome of a call that died. */
export const defectOutcome = "Defect"

/** The attributes of a call's span. */
export const spanAttributes = {
  generationId: "modelgates.generation.id",
  errorTag: "modelgates.error.tag",
  status: "http.response.status_code",
  attempts: "modelgates.attempts"
} as const

/** What a generation says about itself on the span of the call that found it. */
export interface DescribedGeneration {
  readonly model: string
  readonly totalCost: number
  readonly providerName: string | null
  readonly tokensPrompt: number | null
  readonly tokensCompletion: number | null
}

/** The span attributes of a found generation: model and cost, then provider and tokens when recorded. */
export const generationAttributes = ({ data }: { readonly data: DescribedGeneration }): Record<string, unknown> => {
  const attributes: Record<string, unknown> = {
    "modelgates.generation.model": data.model,
    "modelgates.generation.total_cost": data.totalCost
  }
  if (data.providerName !== null) attributes["modelgates.generation.provider"] = data.providerName
  if (data.tokensPrompt !== null) attributes["modelgates.generation.tokens_prompt"] = data.tokensPrompt
  if (data.tokensCompletion !== null) attributes["modelgates.generation.tokens_completion"] = data.tokensCompletion
  return attributes
}
