/**
 * One Effect 3 client under test, in its own process: the clients of
 * `clients.ts` under the shared driver (`driver.ts`, which says the modes).
 */
import { clients } from "./clients.js"
import { runClientChild } from "./driver.js"

runClientChild(clients)
