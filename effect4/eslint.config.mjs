// The Effect 4 line is linted with the repository's rules (src/ here is this package's own src/).
import config from "../eslint.config.mjs"

export default [
  ...config,
  {
    files: ["src/**/*.ts"],
    rules: {
      "@effect/no-import-from-barrel-package": ["error", { packageNames: ["effect"] }]
    }
  },
  {
    // The build and package checks, and the smoke project's program, run on Node and print what they did.
    files: ["scripts/**"],
    languageOptions: { globals: { URL: "readonly", console: "readonly", process: "readonly" } },
    rules: { "no-console": "off" }
  }
]
