#!/usr/bin/env node
// The `modelgates` command. It runs the TypeScript sources through tsx, so it
// works from a clone after `npm ci`, without a build step; the published
// package ships compiled JavaScript instead (cli/scripts/build.ts).
/* global process */
import { register } from "tsx/esm/api"

register()
const { main } = await import("../src/main.ts")
main(process.argv.slice(2))
