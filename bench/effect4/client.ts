/**
 * One Effect 4 client under test, in its own process on Node 24: the clients
 * of `effect4/clients.ts` under the shared driver (`driver.ts`, which says
 * the modes).
 */
import { runClientChild } from "../driver.js"
import { clients } from "./clients.js"

runClientChild(clients)
