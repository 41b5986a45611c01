import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// The HTML report in headless Chromium runs apart from `npm test -w cli`: it
// needs Chromium. `npm run test:browser -w cli` runs it.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/browser/**/*.browser.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
