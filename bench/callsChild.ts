/**
 * The body of the processes that `instructions.ts` runs under callgrind:
 * `node <script> <client> <origin> <calls>` makes exactly `calls` calls of
 * one client, 32 at a time, checks each result's id, and exits.
 */
import { generationId, type Make } from "./transportClients.js"

export const runCalls = async (clients: Record<string, Make>): Promise<never> => {
  const [name, origin, calls] = process.argv.slice(2)
  const make = clients[name]
  if (make === undefined) throw new Error(`no client named ${name}`)
  const client = await make(origin)
  let started = 0
  const worker = async () => {
    while (started < Number(calls)) {
      started++
      const id = await client.call()
      if (id !== generationId) throw new Error(`${name} returned ${id}`)
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
  await client.close()
  process.exit(0)
}
