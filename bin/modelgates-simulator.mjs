#!/usr/bin/env node
// The `modelgates-simulator` command. It runs the TypeScript sources through
// tsx, so it works from a clone after `npm ci`, without a build step.
/* global process */
import { register } from "tsx/esm/api"

register()
const { runMain } = await import("@effect/platform-node/NodeRuntime")
const { run } = await import("../src/internal/simulator/cli.ts")
// Ctrl-C interrupts the program: the server closes its connections and stops.
runMain(run(process.argv.slice(2)), { disableErrorReporting: true })
