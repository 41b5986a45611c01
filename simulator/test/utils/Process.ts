/**
 * Runs a command as a real process and watches its output: waits on what it
 * prints and on its exit, never on a fixed sleep.
 */
import { type ChildProcess, spawn } from "node:child_process"

export interface Run {
  readonly child: ChildProcess
  /** Everything printed so far, stdout and stderr interleaved. */
  readonly output: () => string
  readonly exited: Promise<number | null>
}

export const start = (
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly command?: string }
): Run => {
  const child = spawn(options.command ?? process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout?.on("data", (chunk) => (output += chunk))
  child.stderr?.on("data", (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return { child, output: () => output, exited }
}

/** Resolves when the output matches, polling it; kills the process and rejects after `ms`. */
export const outputMatching = async (run: Run, pattern: RegExp, ms: number): Promise<RegExpMatchArray> => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const match = pattern.exec(run.output())
    if (match !== null) return match
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  run.child.kill("SIGKILL")
  throw new Error(`no ${pattern} in ${ms} ms; output:\n${run.output()}`)
}

/** The exit code; kills the process and rejects when it still runs after `ms`. */
export const exitWithin = (run: Run, ms: number): Promise<number | null> =>
  Promise.race([
    run.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => {
        run.child.kill("SIGKILL")
        reject(new Error(`still running after ${ms} ms; output:\n${run.output()}`))
      }, ms)
    )
  ])

/** Whether a process still runs after `ms`; kills it if so. */
export const stillRunning = async (pid: number, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms
  const alive = () => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  while (Date.now() < deadline && alive()) await new Promise((resolve) => setTimeout(resolve, 50))
  if (!alive()) return false
  process.kill(pid, "SIGKILL")
  return true
}
