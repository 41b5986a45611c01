#!/usr/bin/env node
// The `modelgates-simulator` command. It runs the TypeScript sources through
// tsx, so it works from a clone after `npm ci`, without a build step.
/* global process */
import { register } from "tsx/esm/api"

register()
const { main } = await import("../src/Cli.ts")
main(process.argv.slice(2))
