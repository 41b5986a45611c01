/** The Effect 4 clients of effect4/clients.ts under callgrind, on Node 24: see callsChild.ts. */
import { runCalls } from "../callsChild.js"
import { clients } from "./clients.js"

await runCalls(clients)
