/**
 * The driver of a client child process (`client.ts` for the Effect 3 line,
 * `effect4/client.ts` for the Effect 4 one; forked by `run.ts` with
 * `--expose-gc` and an IPC channel). It reads its task from argv as JSON,
 * drives the client, sends one result message and exits.
 *
 * Modes:
 * - `throughput`: warm up, then for each concurrency measure a fixed window:
 *   calls, wall time, this process's CPU time (`process.cpuUsage`, all
 *   threads), per-call latency, and the server's CPU over the same window.
 * - `leak`: warm up, then exactly `leakCalls` calls at concurrency 32, with
 *   the heap measured after full GCs at the start, half way and the end.
 * - `profile`: warm up, then run at the first concurrency for the window
 *   under the V8 sampling profiler (`node:inspector`, the same profiler as
 *   `node --cpu-prof`, but only around the window) and write the
 *   `.cpuprofile` to `profileFile`.
 * - `paired`: two clients in this one process (`client` and `against`): both
 *   warmed up, then `pairs` pairs of windows at concurrency 32, one of each
 *   client per pair, the order swapping from pair to pair. A pair's two
 *   windows run a second apart in one process, so what changes between
 *   processes and over minutes on a shared machine moves both alike (see
 *   docs/benchmarks.md, "Method").
 */
import { writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { performance } from "node:perf_hooks"
import { fullGc, runMain, send, serverStats } from "./child.js"
import { type Client, generationId, type Make } from "./transportClients.js"

interface Task {
  readonly client: string
  readonly port: number
  readonly mode: "throughput" | "leak" | "profile" | "paired"
  readonly against?: string
  readonly pairs?: number
  readonly concurrencies: ReadonlyArray<number>
  readonly warmupMs: number
  readonly windowMs: number
  readonly leakCalls: number
  readonly profileFile?: string
}

const maxSamples = 1_000_000

interface Run {
  readonly calls: number
  readonly seconds: number
  readonly cpuMicros: number
  readonly latencies: Float64Array
}

/**
 * Keeps `concurrency` calls in flight until the window closes (`windowMs`)
 * or `maxCalls` calls were started, whichever comes first.
 */
const drive = async (
  client: Client,
  concurrency: number,
  windowMs: number,
  maxCalls: number
): Promise<Run> => {
  const latencies = new Float64Array(Math.min(maxCalls, maxSamples))
  let started = 0
  let done = 0
  let stop = false
  let failure: unknown = undefined
  const worker = async () => {
    while (!stop && started < maxCalls) {
      started++
      const t0 = performance.now()
      let id: string
      try {
        id = await client.call()
      } catch (error) {
        failure ??= error
        stop = true
        return
      }
      const t1 = performance.now()
      if (id !== generationId) {
        failure ??= new Error(`wrong id: ${id}`)
        stop = true
        return
      }
      if (done < latencies.length) latencies[done] = t1 - t0
      done++
      if (t1 >= deadline) stop = true
    }
  }
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const deadline = t0 + windowMs
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  if (failure !== undefined) throw failure
  return {
    calls: done,
    seconds,
    cpuMicros: cpu.user + cpu.system,
    latencies: latencies.subarray(0, Math.min(done, latencies.length))
  }
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

const heapUsed = async (): Promise<number> => {
  await fullGc()
  return process.memoryUsage().heapUsed
}

const paired = async (clients: Record<string, Make>, task: Task, origin: string) => {
  const makeA = clients[task.client]
  const makeB = clients[task.against ?? ""]
  if (makeA === undefined || makeB === undefined) throw new Error(`unknown client ${task.client} or ${task.against}`)
  const a = await makeA(origin)
  const b = await makeB(origin)
  try {
    for (let i = 0; i < 2; i++) {
      await drive(a, 32, task.warmupMs / 2, Number.POSITIVE_INFINITY)
      await drive(b, 32, task.warmupMs / 2, Number.POSITIVE_INFINITY)
    }
    const window = async (client: Client) => {
      await fullGc()
      const run = await drive(client, 32, task.windowMs, Number.POSITIVE_INFINITY)
      return { cpuMicrosPerCall: run.cpuMicros / run.calls, rps: run.calls / run.seconds }
    }
    const pairs = []
    for (let i = 0; i < (task.pairs ?? 8); i++) {
      if (i % 2 === 0) {
        const first = await window(a)
        pairs.push({ a: first, b: await window(b) })
      } else {
        const first = await window(b)
        pairs.push({ a: await window(a), b: first })
      }
    }
    await send({ ok: true, pairs })
  } finally {
    await a.close()
    await b.close()
  }
}

const main = async (clients: Record<string, Make>) => {
  const task = JSON.parse(process.argv[2] ?? "") as Task
  const origin = `http://127.0.0.1:${task.port}`
  if (task.mode === "paired") return paired(clients, task, origin)
  const make = clients[task.client]
  if (make === undefined) throw new Error(`unknown client ${task.client}`)
  const client = await make(origin)
  try {
    // Warm-up: JIT, connection pool, lazily built schemas.
    await drive(client, 32, task.warmupMs, Number.POSITIVE_INFINITY)
    await drive(client, 1, task.warmupMs / 4, Number.POSITIVE_INFINITY)
    if (task.mode === "throughput") {
      const phases = []
      for (const concurrency of task.concurrencies) {
        await fullGc()
        const server0 = await serverStats(origin)
        const run = await drive(client, concurrency, task.windowMs, Number.POSITIVE_INFINITY)
        const server1 = await serverStats(origin)
        const sorted = Float64Array.from(run.latencies).sort()
        phases.push({
          concurrency,
          calls: run.calls,
          seconds: run.seconds,
          rps: run.calls / run.seconds,
          cpuMicrosPerCall: run.cpuMicros / run.calls,
          clientCpuShare: run.cpuMicros / 1e6 / run.seconds,
          serverCpuShare: (server1.cpuMicros - server0.cpuMicros) / 1e6 / run.seconds,
          serverRequests: server1.requests - server0.requests,
          // The stats request itself opens one connection.
          newConnections: server1.connections - server0.connections - 1,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99)
        })
      }
      await send({ ok: true, phases, maxRssKb: process.resourceUsage().maxRSS })
    } else if (task.mode === "leak") {
      const half = Math.floor(task.leakCalls / 2)
      const heap0 = await heapUsed()
      await drive(client, 32, Number.POSITIVE_INFINITY, half)
      const heapHalf = await heapUsed()
      await drive(client, 32, Number.POSITIVE_INFINITY, task.leakCalls - half)
      const heapEnd = await heapUsed()
      await send({
        ok: true,
        calls: task.leakCalls,
        heap0,
        heapHalf,
        heapEnd,
        maxRssKb: process.resourceUsage().maxRSS
      })
    } else {
      // Profile only the measured window: startup and warm-up stay out.
      const session = new Session()
      session.connect()
      await session.post("Profiler.enable")
      await session.post("Profiler.setSamplingInterval", { interval: 200 })
      await session.post("Profiler.start")
      const run = await drive(client, task.concurrencies[0] ?? 32, task.windowMs, Number.POSITIVE_INFINITY)
      const { profile } = await session.post("Profiler.stop")
      session.disconnect()
      writeFileSync(task.profileFile ?? "client.cpuprofile", JSON.stringify(profile))
      await send({ ok: true, calls: run.calls, cpuMicrosPerCall: run.cpuMicros / run.calls })
    }
  } finally {
    await client.close()
  }
}

/** Runs the child's task with one of `clients`. */
export const runClientChild = (clients: Record<string, Make>): void => runMain(() => main(clients))
