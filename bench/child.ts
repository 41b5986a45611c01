/**
 * What the bench's child processes share: full GCs, the loopback server's
 * counters, and the one result message a child sends to `run.ts`.
 */
import { get } from "node:http"
import { setImmediate as nextTurn } from "node:timers/promises"

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc
  if (collect === undefined) throw new Error("run with --expose-gc")
  collect()
}

/** Collects until finalization callbacks (FinalizationRegistry) have run too. */
export const fullGc = async (): Promise<void> => {
  for (let i = 0; i < 4; i++) {
    gc()
    await nextTurn()
  }
}

/** The loopback server's cumulative counters (bench/server.ts). */
export interface ServerStats {
  readonly requests: number
  readonly connections: number
  readonly cpuMicros: number
}

export const serverStats = (origin: string): Promise<ServerStats> =>
  new Promise((resolve, reject) => {
    const request = get(`${origin}/__stats`, { agent: false }, (response) => {
      let text = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (text += chunk))
      response.on("end", () => resolve(JSON.parse(text) as ServerStats))
      response.on("error", reject)
    })
    request.on("error", reject)
  })

/** Sends the child's result to `run.ts`, or prints it when run alone. */
export const send = (message: unknown): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined) {
      console.log(JSON.stringify(message, null, 2))
      resolve()
    } else {
      process.send(message, undefined, {}, () => resolve())
    }
  })

/** Runs a child's main: exits 0 after it, or sends the failure and exits 1. */
export const runMain = (main: () => Promise<void>): void => {
  main().then(
    () => process.exit(0),
    (error: unknown) =>
      send({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }).then(() =>
        process.exit(1)
      )
  )
}
