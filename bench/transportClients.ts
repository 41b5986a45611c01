/**
 * The clients with no Effect in them, shared by the Effect 3 children
 * (`clients.ts`) and the Effect 4 children (`effect4/clients.ts`), and what
 * every client has in common: the call's shape, the id it must return, the key.
 *
 * - `undici`: undici's `request` + `body.json()`: the transport's limit.
 * - `fetch`: the global `fetch` + `JSON.parse` of the text.
 * - `official`: `@openrouter/sdk`, `client.generations.getGeneration({ id })`.
 */

/** The id of the generation in `test/fixtures/generation.full.json`. */
export const generationId = "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs"

export const apiKey = "sk-mg-bench-0000000000000000"

/**
 * One client under test: `call` makes the GET and resolves with the
 * generation's id (checked by the driver, so no client can skip the work).
 */
export interface Client {
  readonly call: () => Promise<string>
  readonly close: () => Promise<void>
}

export type Make = (origin: string) => Promise<Client>

export const idOf = (body: unknown): string => (body as { readonly data: { readonly id: string } }).data.id

const undiciClient: Make = async (origin) => {
  const { Agent, request } = await import("undici")
  const dispatcher = new Agent()
  const path = `/api/v1/generation?id=${encodeURIComponent(generationId)}`
  const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json" }
  return {
    call: async () => {
      const response = await request(origin + path, { method: "GET", headers, dispatcher })
      return idOf(await response.body.json())
    },
    close: () => dispatcher.close()
  }
}

const fetchClient: Make = async (origin) => {
  const url = `${origin}/api/v1/generation?id=${encodeURIComponent(generationId)}`
  const headers = { authorization: `Bearer ${apiKey}`, accept: "application/json" }
  return {
    call: async () => {
      const response = await fetch(url, { headers })
      return idOf(JSON.parse(await response.text()))
    },
    close: async () => {}
  }
}

const officialClient: Make = async (origin) => {
  const { OpenRouter } = await import("@openrouter/sdk")
  const client = new OpenRouter({ apiKey, serverURL: `${origin}/api/v1` })
  return {
    call: async () => {
      const response = await client.generations.getGeneration({ id: generationId })
      return response.data.id
    },
    close: async () => {}
  }
}

export const transportClients: Record<string, Make> = {
  "undici": undiciClient,
  "fetch": fetchClient,
  "official": officialClient
}
