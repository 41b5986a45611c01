import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// The browser test runs apart from `vitest run` (npm test): it needs Chromium.
// `npm run test:browser` runs it.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/browser/**/*.browser.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
