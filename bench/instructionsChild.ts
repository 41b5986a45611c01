/** The Effect 3 (and transport) clients of clients.ts under callgrind: see callsChild.ts. */
import { runCalls } from "./callsChild.js"
import { clients } from "./clients.js"

await runCalls(clients)
