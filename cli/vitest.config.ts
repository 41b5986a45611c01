import { defineConfig } from "vitest/config"

// The HTML report's browser test runs apart (npm run test:browser -w cli): it needs Chromium.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000
  }
})
