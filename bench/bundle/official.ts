// Bundle-size entry: the official client's standalone function
// (`OpenRouterCore` + `generationsGetGeneration`), its tree-shakable form.
import { OpenRouterCore } from "@openrouter/sdk/core.js"
import { generationsGetGeneration } from "@openrouter/sdk/funcs/generationsGetGeneration.js"

const client = new OpenRouterCore({ apiKey: "sk-or-example" })

generationsGetGeneration(client, { id: "gen-1763633730-Qm9kZWxHYXRlcyBmdWxs" }).then((result) => {
  if (result.ok) console.log(result.value.data.model, result.value.data.totalCost)
})
