// The Effect 4 line is linted with the repository's rules (src/ here is this package's own src/).
import config from "../eslint.config.mjs"

export default [
  ...config,
  {
    files: ["src/**/*.ts"],
    rules: {
      "@effect/no-import-from-barrel-package": ["error", { packageNames: ["effect"] }]
    }
  }
]
